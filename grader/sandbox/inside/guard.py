"""Runs inside the worker before student code: refuse forbidden imports, then forbid syscalls.

An import hook, because `__import__("to" + "rch")` passes any static check. A seccomp filter
(x86-64 Linux), because a student module can do anything Python can: once it is installed the
worker cannot fork or exec, open network sockets, trace or signal other processes. Threads stay
allowed (clone with CLONE_THREAD), as do AF_UNIX sockets and signals to the worker itself.
Loaded by path, so it must stand alone (standard library only).
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
import sys

FORBIDDEN = ("torch", "scipy", "tensorflow", "jax", "jaxlib", "reference", "grader", "sklearn", "cupy", "numba")

state: dict = {"seccomp": False, "landlock": False, "violations": []}


class ForbiddenImport(ImportError):
    pass


class _Blocker:
    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in FORBIDDEN:
            state["violations"].append(top)
            raise ForbiddenImport(f"importing {top!r} is not allowed in a submission (use numpy and the standard library)")
        return None


# x86-64 syscall numbers and BPF/seccomp constants (linux/filter.h, linux/seccomp.h).
AUDIT_ARCH_X86_64 = 0xC000003E
NR = {
    "socket": 41,
    "socketpair": 53,
    "clone": 56,
    "fork": 57,
    "vfork": 58,
    "execve": 59,
    "kill": 62,
    "ptrace": 101,
    "tkill": 200,
    "tgkill": 234,
    "execveat": 322,
    "clone3": 435,
    "process_vm_writev": 311,
    "process_vm_readv": 310,
    "pidfd_send_signal": 424,
}
CLONE_THREAD = 0x00010000
AF_UNIX = 1
LD_W_ABS, JEQ, JSET, RET = 0x20, 0x15, 0x45, 0x06
JGE = 0x35
ALLOW = 0x7FFF0000
ERRNO = 0x00050000
EPERM, ENOSYS = 1, 38
KILL_PROCESS = 0x80000000
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


def _filter(own_pid: int) -> list[tuple[int, int, int, int]]:
    """A BPF program: (code, jt, jf, k) tuples; offsets 0 = nr, 4 = arch, 16 + 8i = arg i (low word)."""
    deny = ERRNO | EPERM
    prog = [
        (LD_W_ABS, 0, 0, 4),
        (JEQ, 1, 0, AUDIT_ARCH_X86_64),
        (RET, 0, 0, KILL_PROCESS),
        (LD_W_ABS, 0, 0, 0),
        (JGE, 0, 1, 0x40000000),
        (RET, 0, 0, KILL_PROCESS),  # no x32 ABI detours
    ]
    for name in ("fork", "vfork", "execve", "execveat", "ptrace", "process_vm_writev", "process_vm_readv", "pidfd_send_signal"):
        prog += [(JEQ, 0, 1, NR[name]), (RET, 0, 0, deny)]
    prog += [(JEQ, 0, 1, NR["clone3"]), (RET, 0, 0, ERRNO | ENOSYS)]  # libc falls back to clone
    # clone: threads only.
    prog += [(JEQ, 0, 4, NR["clone"]), (LD_W_ABS, 0, 0, 16), (JSET, 0, 1, CLONE_THREAD), (RET, 0, 0, ALLOW), (RET, 0, 0, deny)]
    # socket/socketpair: AF_UNIX only.
    for name in ("socket", "socketpair"):
        prog += [(LD_W_ABS, 0, 0, 0), (JEQ, 0, 4, NR[name]), (LD_W_ABS, 0, 0, 16), (JEQ, 1, 0, AF_UNIX), (RET, 0, 0, deny)]
        prog += [(RET, 0, 0, ALLOW)]
    # kill/tkill/tgkill: only this process (tkill's tid is checked against the main thread).
    for name in ("kill", "tkill", "tgkill"):
        prog += [(LD_W_ABS, 0, 0, 0), (JEQ, 0, 4, NR[name]), (LD_W_ABS, 0, 0, 16), (JEQ, 1, 0, own_pid), (RET, 0, 0, deny)]
        prog += [(RET, 0, 0, ALLOW)]
    prog += [(RET, 0, 0, ALLOW)]
    return prog


def install_seccomp() -> bool:
    """False where the filter cannot be installed: off x86-64 Linux (the syscall numbers and the
    audit arch above are x86-64's), or where prctl refuses; the engine then warns in the result."""
    if sys.platform != "linux" or platform.machine() != "x86_64":
        return False
    prog = _filter(os.getpid())
    raw = b"".join(struct.pack("HBBI", *ins) for ins in prog)
    buf = ctypes.create_string_buffer(raw, len(raw))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(prog), ctypes.cast(buf, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


# Landlock (linux/landlock.h): syscall numbers, rule type and filesystem access rights.
LANDLOCK_CREATE, LANDLOCK_ADD_RULE, LANDLOCK_RESTRICT = 444, 445, 446
LANDLOCK_VERSION, PATH_BENEATH = 1, 1
FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_ALL_V1 = (1 << 13) - 1  # execute .. make_sym: every right of ABI 1
FS_REFER, FS_TRUNCATE = 1 << 13, 1 << 14
FS_FILE_ONLY = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE


def install_landlock(read: list[str], write: list[str]) -> bool:
    """Confine this process's filesystem access to reading `read` and using `write` fully.

    Everything else, /proc included, can no longer be opened: the grader's own environment
    and files are out of reach even where the worker shares the grader's uid (or is root, on
    the process fallback). False where the kernel has no Landlock; then nothing changed.
    """
    if sys.platform != "linux":
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(LANDLOCK_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(LANDLOCK_VERSION))
    if abi < 1:
        return False
    handled = FS_ALL_V1 | (FS_REFER if abi >= 2 else 0) | (FS_TRUNCATE if abi >= 3 else 0)
    attr = struct.pack("Q", handled)  # the ABI-1 layout: later fields default to "not handled"
    ruleset = libc.syscall(LANDLOCK_CREATE, ctypes.c_char_p(attr), ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return False
    try:
        readable = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
        for paths, rights in ((read, readable), (write, handled)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue  # a runtime path that is not there needs no rule
                try:
                    allowed = rights if os.path.isdir(path) else rights & FS_FILE_ONLY
                    rule = struct.pack("=Qi", allowed & handled, fd)
                    if libc.syscall(LANDLOCK_ADD_RULE, ruleset, ctypes.c_int(PATH_BENEATH), ctypes.c_char_p(rule), ctypes.c_uint32(0)) != 0:
                        return False
                finally:
                    os.close(fd)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.syscall(LANDLOCK_RESTRICT, ruleset, ctypes.c_uint32(0)) == 0
    finally:
        os.close(ruleset)


def install(seccomp: bool = True, fs: dict | None = None) -> None:
    for name in list(sys.modules):
        if name.partition(".")[0] in FORBIDDEN:
            del sys.modules[name]
    sys.meta_path.insert(0, _Blocker())
    if fs is not None:
        state["landlock"] = install_landlock(list(fs.get("read", ())), list(fs.get("write", ())))
    if seccomp:
        state["seccomp"] = install_seccomp()
