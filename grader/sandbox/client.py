"""The parent's side of a worker: start it, call student functions in it, kill and restart it.

Every failure of student code surfaces here as one of three exceptions, each with a message a
student can act on: `StudentError` (their function raised), `WorkerTimeout` (a call ran past its
wall-clock limit; the whole process group is killed) and `WorkerDied` (the process exited or was
killed mid-call). After a timeout or a death the next call starts a fresh worker.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from grader.options import Limits
from grader.paths import INSIDE
from grader.sandbox import cputime
from grader.sandbox.inside import wire
from grader.sandbox.launch import Launcher
from grader.text import clean_output, type_name

BOOTSTRAP = """
import importlib, importlib.util, json, sys
cfg = json.loads(sys.argv[1])
spec = importlib.util.spec_from_file_location("_gradelab_inside", cfg["inside"] + "/__init__.py",
                                              submodule_search_locations=[cfg["inside"]])
pkg = importlib.util.module_from_spec(spec)
sys.modules["_gradelab_inside"] = pkg
spec.loader.exec_module(pkg)
importlib.import_module("_gradelab_inside.server").main(cfg["rfd"], cfg["wfd"], cfg["root"], cfg["limits"])
"""


class StudentError(Exception):
    def __init__(self, error: dict):
        # All of it comes from the worker, so from the student: no escapes reach a report.
        self.type = type_name(error.get("type", "Exception"), 80)
        self.text = clean_output(str(error.get("message", "")))[:500]
        self.traceback = clean_output(str(error.get("traceback", "")))[-4000:]
        super().__init__(f"{self.type}: {self.text}")


class WorkerTimeout(Exception):
    pass


class WorkerDied(Exception):
    pass


@dataclass
class CallResult:
    value: Any
    notes: list[str] = field(default_factory=list)
    args: Any = None
    seconds: float = 0.0
    cpu_seconds: float | None = None  # the worker tree's CPU time over the call, when asked and readable


def _death_message(returncode: int | None) -> str:
    if returncode is None:
        return "the worker stopped answering"
    if returncode < 0:
        sig = signal.Signals(-returncode).name
        hint = " (out of memory or killed)" if sig == "SIGKILL" else ""
        return f"the worker running your code was killed by {sig}{hint}"
    return f"the worker running your code exited with status {returncode} in the middle of a call (does your code call os._exit, sys.exit or exit?)"


def capped_output(raw: bytes, limit: int) -> str:
    """Printed bytes as shown: the first `limit` of them, stripped of control characters, and a
    note when there were more."""
    text = clean_output(raw[:limit].decode("utf-8", "replace"))
    if len(raw) > limit:
        text += f"\n[output truncated at {limit // 1024} KB]"
    return text


class Worker:
    """One student worker for one staged submission root."""

    def __init__(self, root: Path, limits: Limits = Limits(), launcher: Launcher | None = None):
        self.root = Path(root).resolve()
        self.limits = limits
        self.launcher = launcher or Launcher()
        self.proc: subprocess.Popen | None = None
        self.generation = 0
        self.restarts = 0
        self._out = tempfile.TemporaryFile()
        self._wfd = self._rfd = -1
        # A function that once ran past the plain per-call limit is not waited on again.
        self.hung: dict[tuple[str, str], str] = {}
        self.isolation = ""
        self.violations: set[str] = set()  # forbidden imports the worker refused
        self.frozen: list[int] | None = None  # the pids `freeze` stopped; the next request thaws them

    @property
    def sandbox(self) -> str:
        """The isolation actually in force, as the worker itself reported it."""
        return self.isolation or self.launcher.label

    def hello(self) -> dict:
        reply, _ = self.request({"op": "ping"}, [])
        self.isolation = self.launcher.label + ("+landlock" if reply.get("landlock") else "") + ("+seccomp" if reply.get("seccomp") else "")
        if self.launcher.slot is not None and reply.get("uid") != self.launcher.slot.uid:
            raise WorkerDied(f"the worker runs as uid {reply.get('uid')}, not the sandbox's uid {self.launcher.slot.uid}")
        return reply

    def start(self) -> None:
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        os.set_blocking(req_w, False)
        cfg: dict[str, Any] = {
            "inside": str(self.launcher.path_inside(INSIDE)),
            "rfd": req_r,
            "wfd": resp_w,
            "root": str(self.launcher.path_inside(self.root)),
            "limits": {
                "memory_bytes": self.limits.memory_bytes,
                "cpu_seconds": self.limits.cpu_seconds,
                "file_bytes": self.limits.file_bytes,
                "nproc": 0,  # set below, once the launcher has picked a slot
                "seccomp": self.limits.seccomp,
                "fs": self.launcher.fs_rules(self.root),
            },
        }
        argv = self.launcher.argv(self.root, [sys.executable, "-I", "-u", "-c", BOOTSTRAP, "{CFG}"])
        cfg["limits"]["nproc"] = self.limits.nproc if self.launcher.slot is not None else 0
        argv[-1] = json.dumps(cfg)
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=self._out,
            stderr=self._out,
            pass_fds=(req_r, resp_w),
            start_new_session=True,
            env=self.launcher.env(),
            **self.launcher.popen_kwargs(),
        )
        os.close(req_r)
        os.close(resp_w)
        self._wfd, self._rfd = req_w, resp_r
        self.generation += 1

    def stop(self) -> None:
        if self.proc is not None:
            self._kill()
        self.launcher.sweep()
        self.launcher.release()
        self._out.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def freeze(self) -> bool:
        """Stop every process of the worker (SIGSTOP) until the next request; True once /proc
        shows all of them stopped. Timing uses it: no student thread runs while the reference is timed."""
        if self.proc is None or not cputime.available():
            return False
        if self.frozen is None:
            self.frozen = cputime.freeze(self.proc.pid) or []
        return bool(self.frozen)

    def thaw(self) -> None:
        if self.frozen is not None:
            cputime.thaw(self.frozen)
            self.frozen = None

    def _kill(self) -> int | None:
        self.frozen = None  # SIGKILL ends stopped processes too
        proc, self.proc = self.proc, None
        for fd in (self._wfd, self._rfd):
            if fd >= 0:
                os.close(fd)
        self._wfd = self._rfd = -1
        if proc is None:
            return None
        self.launcher.kill(proc)
        try:
            code = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.launcher.sweep()
        return code

    def request(self, header: dict, arrays: list[np.ndarray], timeout: float | None = None) -> tuple[dict, list[bytes]]:
        if self.proc is None:
            self.start()
        self.thaw()
        deadline = time.monotonic() + (timeout or self.limits.call_seconds)
        # A fresh random id per request: a reply the student's code wrote ahead of time (to fake
        # a fast timing run, say) cannot carry it.
        nonce = secrets.randbits(62)
        header = {**header, "id": nonce}
        try:
            wire.send(self._wfd, header, arrays, deadline)
            reply, bufs = wire.receive(self._rfd, deadline, max_bytes=self.limits.reply_bytes)
        except wire.Deadline:
            self._lose()
            raise WorkerTimeout(f"the call did not finish within {timeout or self.limits.call_seconds:g} s and was stopped") from None
        except (wire.PeerClosed, OSError):
            code = self.proc.wait(timeout=5) if self.proc else None
            self._lose()
            raise WorkerDied(_death_message(code)) from None
        except wire.ProtocolError as exc:
            self._malformed(str(exc))
        if reply.get("id") != nonce:
            self._malformed("a reply to another request")
        violations = reply.get("violations")
        if isinstance(violations, list):
            self.violations.update(str(v)[:40] for v in violations[:20])
        if not reply.get("ok"):
            error = reply.get("error")
            raise StudentError(error if isinstance(error, dict) else {})
        return reply, bufs

    def _lose(self) -> None:
        """Kill a worker that failed mid-request; the next request starts a fresh one."""
        self._kill()
        self.restarts += 1

    def _malformed(self, why: str) -> NoReturn:
        self._lose()
        raise WorkerDied(f"the worker sent a malformed reply ({why}); was the grader's pipe written to?")

    def _decode(self, tag: Any, reply: dict, bufs: list[bytes]) -> wire.Decoded:
        try:
            return wire.decode(tag, reply, bufs)
        except (wire.ProtocolError, TypeError, ValueError, KeyError, IndexError) as exc:
            self._malformed(str(exc))

    def load(self, module: str) -> None:
        self.request({"op": "import", "module": module}, [])

    def call(
        self,
        module: str,
        func: str,
        args: list[Any],
        *,
        keep: int | None = None,
        omit: int | None = None,
        release: tuple[wire.Handle, ...] = (),
        return_args: bool = False,
        timeout: float | None = None,
        cpu: bool = False,
    ) -> CallResult:
        """Call `func` in the worker. `cpu`: also measure the CPU time the worker's processes
        spent from just before the request to the reply (`CallResult.cpu_seconds`)."""
        arrays: list[np.ndarray] = []
        header = {
            "op": "call",
            "module": module,
            "func": func,
            "args": wire.encode(list(args), arrays),
            "keep": keep,
            "omit": omit,
            "release": [h.id for h in release],
            "return_args": return_args,
        }
        if (module, func) in self.hung:
            raise WorkerTimeout(self.hung[module, func])
        if self.proc is None:
            self.start()
        assert self.proc is not None
        pids = self.frozen if self.frozen else cputime.tree(self.proc.pid) if cpu and cputime.available() else None
        before = cputime.cpu_ns(pids) if cpu and pids else None
        start = time.perf_counter()
        try:
            reply, bufs = self.request(header, arrays, timeout)
        except WorkerTimeout as exc:
            if timeout is None:
                self.hung[module, func] = f"{exc} (earlier; it is not called again)"
            raise
        seconds = time.perf_counter() - start
        cpu_seconds = None
        if before is not None and self.proc is not None:
            # Frozen again at once: the time read is the call's, and nothing runs until the next request.
            stopped = self.freeze()
            after = cputime.cpu_ns(self.frozen if stopped and self.frozen else cputime.tree(self.proc.pid))
            cpu_seconds = cputime.spent_ns(before, after) / 1e9
        result = self._decode(reply.get("result"), reply, bufs)
        args_back = self._decode(reply["args"], reply, bufs).value if return_args and "args" in reply else None
        return CallResult(result.value, result.notes, args_back, seconds, cpu_seconds)

    def call_many(self, module: str, func: str, arg_sets: list[list[Any]], pick: int | list[int] | None, timeout: float | None = None) -> list[Any]:
        arrays: list[np.ndarray] = []
        header = {"op": "call_many", "module": module, "func": func, "arg_sets": wire.encode(arg_sets, arrays), "pick": pick}
        reply, bufs = self.request(header, arrays, timeout)
        value = self._decode(reply.get("result"), reply, bufs).value
        if not isinstance(value, (list, tuple)) or len(value) != len(arg_sets):
            self._malformed("a call_many reply of the wrong length")
        return list(value)

    def output(self) -> str:
        """What student code printed so far, capped and stripped of control characters."""
        return capped_output(self.printed(0, self.output_mark()), self.limits.output_bytes)

    def printed(self, start: int, end: int) -> bytes:
        """The raw bytes student code printed between two marks (`output_mark`), at most one byte
        more than the output limit: enough for `capped_output` to tell that it was cut."""
        # pread leaves the shared file offset alone: the worker keeps appending where it was.
        return os.pread(self._out.fileno(), max(0, min(end - start, self.limits.output_bytes + 1)), start)

    def output_mark(self) -> int:
        """Where the output stands now: pass it to `output_since` to read what came after."""
        return os.fstat(self._out.fileno()).st_size

    def output_since(self, mark: int, limit: int) -> str:
        """What student code printed after `mark` (from `output_mark`), stripped of control
        characters: its last `limit` bytes, as the last calls (a search's shrunk case) matter most."""
        start = max(mark, self.output_mark() - limit)
        # pread leaves the shared file offset alone: the worker keeps appending where it was.
        raw = os.pread(self._out.fileno(), limit, start)
        text = clean_output(raw.decode("utf-8", "replace"))
        if start > mark:
            text = f"[{start - mark} bytes of earlier output left out]\n" + text
        return text
