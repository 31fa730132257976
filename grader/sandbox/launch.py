"""How a worker process is launched, confined and cleaned up: the isolation level is a launcher.

- `BwrapLauncher` ("bwrap"): bubblewrap with new pid, net, ipc and uts namespaces (no network),
  `--die-with-parent`, `--new-session`, read-only binds of the Python runtime and the staged
  submission only, a private tmpfs /tmp. When the grader runs as root, bubblewrap keeps only
  CAP_SETUID/CAP_SETGID and `setpriv` drops to a per-slot unprivileged uid, with no capabilities
  and no_new_privs, before Python starts: root inside a sandbox can escape it, an ordinary uid
  cannot. A per-slot uid also makes RLIMIT_NPROC (counted per uid) a per-slot limit.
- `Launcher` ("process"): the portable fallback (a laptop without bubblewrap, a CI runner that
  forbids user namespaces): a child in its own session with the rlimits the platform offers,
  a private temp folder, and, where the kernel has Landlock, filesystem access cut down to
  reading the Python runtime and the submission: /proc (the grader's environment, and with it
  a hidden seed given as $GRADELAB_HIDDEN_SEED), the instructor's files and other submissions
  cannot be opened. As root it also drops to a per-slot uid, where that uid can run the
  Python runtime (not where Python lives in root's home, as pyenv puts it).

Killing a worker kills its process group; under bubblewrap that ends the pid namespace and so
every process the student started. `sweep` then kills anything left that carries the worker's
token in its environment (the fallback's daemons) or runs as the slot's uid.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from grader.paths import INSIDE
from grader.sandbox import procfs
from grader.sandbox.slots import BASE_UID, SLOTS, Slot, acquire_slot

SLOT_PROBE_UID = BASE_UID + SLOTS  # never a slot's uid: the probe owns nothing


STEADY_HEAP = (32 << 20, 256 << 20)  # glibc's mmap and trim thresholds for the worker and the timing


class Launcher:
    """Start the worker as a plain child process in its own session (the portable fallback)."""

    label = "process"
    warning = (
        "graded WITHOUT the sandbox: student code ran as an ordinary process with resource limits only "
        "(bubblewrap is missing, cannot create namespaces here, or --sandbox process was chosen); "
        "install bubblewrap for isolation"
    )

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self.slot: Slot | None = None
        self._private: Path | None = None

    def argv(self, root: Path, cmd: list[str]) -> list[str]:
        if os.geteuid() == 0 and unprivileged_python_works():
            if self.slot is None:
                self.slot = acquire_slot()
            os.chown(self.private_dir(), self.slot.uid, self.slot.uid)
            return drop_privileges(self.slot.uid) + cmd
        return cmd

    def private_dir(self) -> Path:
        """The worker's own temp folder and home, removed with the launcher."""
        if self._private is None:
            self._private = Path(tempfile.mkdtemp(prefix="gradelab-worker-"))
            self._private.chmod(0o700)
        return self._private

    def fs_rules(self, root: Path) -> dict[str, list[str]] | None:
        """What the worker may still open once Landlock is on: read the runtime and the
        submission, write its private folder."""
        read = ["/usr", "/lib", "/lib64", "/bin", "/etc/ld.so.cache", "/etc/localtime", *map(str, runtime_paths()), str(root)]
        return {"read": read, "write": [str(self.private_dir()), "/dev/null"]}

    def env(self) -> dict[str, str]:
        # A cleared environment: nothing of the grader's (tokens, seeds, paths) reaches student code.
        threads = os.environ.get("GRADELAB_WORKER_THREADS", "1")
        home = self._home()
        return {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": home,
            "TMPDIR": home,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": threads,
            "OMP_NUM_THREADS": threads,
            "MKL_NUM_THREADS": threads,
            "GRADELAB_WORKER": self.token,
            # Freed memory stays in the heap for the next call, so a timed call does not pay to
            # page in fresh memory on some runs and not others (see grader/checks/timing.py).
            "MALLOC_MMAP_THRESHOLD_": str(STEADY_HEAP[0]),
            "MALLOC_TRIM_THRESHOLD_": str(STEADY_HEAP[1]),
        }

    def _home(self) -> str:
        return str(self.private_dir())

    def path_inside(self, path: Path) -> Path:
        return path

    def popen_kwargs(self) -> dict[str, Any]:
        return {}

    def kill(self, proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def sweep(self) -> list[int]:
        """Kill what the worker left behind; returns the pids killed."""
        killed = []
        for pid, environ, uid in _processes():
            mine = f"GRADELAB_WORKER={self.token}".encode() in environ
            if mine or (self.slot is not None and uid == self.slot.uid):
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                except (ProcessLookupError, PermissionError):
                    pass
        return killed

    def release(self) -> None:
        if self.slot is not None:
            self.slot.release()
            self.slot = None
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None


def drop_privileges(uid: int) -> list[str]:
    """setpriv's prefix: that uid and gid, no groups, no capabilities, no_new_privs."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


@functools.lru_cache(maxsize=1)
def unprivileged_python_works() -> bool:
    """Whether an unprivileged uid can start this Python and import numpy (pyenv under /root: no)."""
    if not shutil.which("setpriv"):
        return False
    probe = drop_privileges(SLOT_PROBE_UID) + [sys.executable, "-I", "-c", "import numpy"]
    try:
        return subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, cwd="/").returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _processes() -> list[tuple[int, bytes, int]]:
    out = []
    me = os.getpid()
    for pid in procfs.pids():
        if pid == me:
            continue
        environ = procfs.read(pid, "environ") or b""
        uid = procfs.uid(pid)
        if uid is not None:
            out.append((pid, environ, uid))
    return out


TMP_BYTES = 64 << 20


class BwrapLauncher(Launcher):
    label = "bwrap"
    warning = ""

    def __init__(self, bwrap: str, drop_to_slot: bool):
        super().__init__()
        self.bwrap = bwrap
        self.drop = drop_to_slot

    def fs_rules(self, root: Path) -> dict[str, list[str]] | None:
        return None  # the namespaces already show the worker nothing but its own binds

    def _home(self) -> str:
        return "/tmp"  # the sandbox's private tmpfs

    def argv(self, root: Path, cmd: list[str]) -> list[str]:
        if self.drop and self.slot is None:
            self.slot = acquire_slot()
        args = [self.bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        if not self.drop:
            args.append("--unshare-user")
        # A small private /tmp the worker's uid can write (tempfile works), capped so a loop of
        # writes cannot fill the machine's memory.
        args += ["--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--perms", "1777", "--tmpfs", "/tmp"]
        args += system_binds()
        made: set[str] = set()
        for path in runtime_paths():
            args += _parents(path, made) + ["--ro-bind", str(path), str(path)]
        for hidden in forbidden_package_dirs():
            args += ["--tmpfs", str(hidden)]  # gone even if student code unhooks the import guard
        args += ["--ro-bind", str(root), "/submission", "--chdir", "/submission"]
        args += ["--ro-bind", str(INSIDE), "/gradelab"]  # the whole sandbox-side folder, nothing else of the grader
        if self.drop:
            assert self.slot is not None
            args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", *drop_privileges(self.slot.uid)]
        return args + cmd

    def path_inside(self, path: Path) -> Path:
        if path == INSIDE:
            return Path("/gradelab")
        return Path("/submission")


def system_binds() -> list[str]:
    """/usr read-only; /lib, /lib64, /bin as the host has them (links on merged-/usr systems)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/lib", "/lib64", "/bin", "/sbin"):
        p = Path(top)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), top]
        elif p.is_dir():
            args += ["--ro-bind", top, top]
    for f in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime"):
        args += ["--ro-bind-try", f, f]
    return args


@functools.lru_cache(maxsize=1)
def runtime_paths() -> tuple[Path, ...]:
    """The Python installation and numpy's site-packages, outside /usr (pyenv, venvs, ~/.local)."""
    import numpy

    candidates = {Path(sys.base_prefix), Path(sys.prefix), Path(os.path.realpath(sys.executable)).parent.parent, Path(numpy.__file__).resolve().parent.parent}
    keep = sorted(p for p in candidates if not str(p).startswith("/usr/") and p != Path("/usr"))
    # Drop paths inside another kept path: one bind covers them.
    return tuple(p for p in keep if not any(q != p and q in p.parents for q in keep))


@functools.lru_cache(maxsize=1)
def forbidden_package_dirs() -> tuple[Path, ...]:
    """Where the forbidden packages (torch, scipy, ...) live inside the runtime we bind."""
    import importlib.util

    from grader.sandbox.static_check import FORBIDDEN

    found = []
    for name in (*FORBIDDEN, "functorch", "torchgen"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            path = Path(location).resolve()
            if any(root in path.parents for root in runtime_paths()):
                found.append(path)
    return tuple(found)


def _parents(path: Path, made: set[str]) -> list[str]:
    """World-traversable parents for a bind: bubblewrap would copy /root's 0700 mode otherwise."""
    args = []
    for parent in reversed(path.parents):
        s = str(parent)
        if s == "/" or s in made or s.startswith("/usr"):
            continue
        made.add(s)
        args += ["--perms", "0755", "--dir", s]
    return args


@functools.lru_cache(maxsize=1)
def bwrap_works() -> str:
    """The bwrap path when a trial sandbox starts here, else ''."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return ""
    launcher = BwrapLauncher(bwrap, drop_to_slot=os.geteuid() == 0)
    try:
        probe = launcher.argv(Path("/tmp"), [sys.executable, "-I", "-c", "import numpy"])
        ok = subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, env=launcher.env()).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    finally:
        launcher.release()
    return bwrap if ok else ""


def choose_launcher(choice: str = "auto") -> Launcher:
    """The strongest isolation available ("auto"), or the one asked for ("bwrap", "process")."""
    if choice == "process":
        return Launcher()
    bwrap = bwrap_works()
    if bwrap:
        return BwrapLauncher(bwrap, drop_to_slot=os.geteuid() == 0)
    if choice == "bwrap":
        raise RuntimeError("--sandbox bwrap was asked for, but bubblewrap is missing or cannot start a sandbox here")
    return Launcher()
