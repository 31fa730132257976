"""The worker: the only process that imports and runs student code.

It is started by `grader.sandbox.client.Worker` with the submission root and its limits, sets those limits
on itself, and then answers requests on its pipe until the pipe closes. It never compares,
scores or writes results: it calls student functions on the inputs it is sent and sends back
what they returned. A forward's cache stays here, behind a handle, because it is opaque.

Loaded by path, not as part of the `grader` package: the bootstrap in `grader.sandbox.client`
imports this folder (`grader/sandbox/inside/`, the only part of the grader bound into the
sandbox) as the package `_gradelab_inside`, so everything here imports only the standard
library, numpy and its neighbours in this folder.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from . import guard, wire

MAX_TRACEBACK = 4000


def apply_limits(limits: dict) -> None:
    import resource

    for name, key in (("RLIMIT_AS", "memory_bytes"), ("RLIMIT_CPU", "cpu_seconds"), ("RLIMIT_FSIZE", "file_bytes")):
        value = limits.get(key)
        if value:
            resource.setrlimit(getattr(resource, name), (value, value))
    if limits.get("nproc"):
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["nproc"], limits["nproc"]))
    # An oversized print then fails inside the student's call instead of killing the worker.
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def format_error(exc: BaseException, root: str) -> dict:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    text = "".join(lines).replace(root + os.sep, "")
    return {
        "type": type(exc).__name__,
        "message": str(exc)[:500],
        "traceback": text[-MAX_TRACEBACK:],
    }


class Server:
    def __init__(self, rfd: int, wfd: int, root: str, guard_state: dict):
        self.rfd, self.wfd, self.root = rfd, wfd, root
        self.guard_state = guard_state
        self.current_id: Any = None
        self.handles: dict[int, Any] = {}
        self.next_handle = 1
        self.modules: dict[str, Any] = {}

    def keep(self, obj: Any) -> Any:
        hid = self.next_handle
        self.next_handle += 1
        self.handles[hid] = obj
        return wire.Handle(hid)

    def reply(self, header: dict, arrays: list[np.ndarray] | None = None) -> None:
        # Forbidden imports that were tried (and refused), even ones the student's code caught.
        header = {**header, "id": self.current_id}
        violations = self.guard_state.get("violations")
        if violations:
            header = {**header, "violations": sorted({str(v) for v in violations})}
            violations.clear()
        wire.send(self.wfd, header, arrays or [])

    def function(self, module: str, func: str) -> Callable:
        self.load(module)
        fn = getattr(self.modules[module], func, None)
        if not callable(fn):
            raise AttributeError(f"assignments/{module}.py has no function {func}()")
        return fn

    def load(self, module: str) -> Any:
        if module not in self.modules:
            self.modules[module] = importlib.import_module(f"assignments.{module}")
        return self.modules[module]

    def serve(self) -> None:
        while True:
            try:
                header, bufs = wire.receive(self.rfd)
            except wire.PeerClosed:
                return
            self.current_id = header.get("id")
            try:
                getattr(self, "op_" + header["op"])(header, bufs)
            except BaseException as exc:  # SystemExit and friends from student code, too
                self.reply({"ok": False, "error": format_error(exc, self.root)})

    def op_ping(self, header: dict, bufs: list[bytes]) -> None:
        self.reply(
            {
                "ok": True,
                "pid": os.getpid(),
                "uid": os.getuid(),
                "seccomp": bool(self.guard_state.get("seccomp")),
                "landlock": bool(self.guard_state.get("landlock")),
            }
        )

    def op_import(self, header: dict, bufs: list[bytes]) -> None:
        self.load(header["module"])
        self.reply({"ok": True})

    def op_call(self, header: dict, bufs: list[bytes]) -> None:
        """Call one function. `keep` names the result position kept here as a handle (a cache),
        `omit` one left out of the reply; `release` frees handles once the call is done;
        `return_args` sends the arguments back, to see whether the call modified them."""
        fn = self.function(header["module"], header["func"])
        args = wire.decode(header["args"], header, bufs, self.handles).value
        try:
            result = fn(*args)
        finally:
            for hid in header.get("release") or ():
                self.handles.pop(hid, None)
        keep, omit = header.get("keep"), header.get("omit")
        if isinstance(result, tuple) and keep is not None and len(result) > keep:
            result = tuple(self.keep(r) if i == keep else r for i, r in enumerate(result))
        if isinstance(result, tuple) and omit is not None and len(result) > omit:
            result = tuple(None if i == omit else r for i, r in enumerate(result))
        arrays: list[np.ndarray] = []
        out = {"ok": True, "result": wire.encode(result, arrays)}
        if header.get("return_args"):
            out["args"] = wire.encode([a if isinstance(a, np.ndarray) else None for a in args], arrays)
        self.reply(out, arrays)

    def op_call_many(self, header: dict, bufs: list[bytes]) -> None:
        """Call one function on many argument lists, sending back result[pick] of each, or the
        tuple of result[i] for each i when `pick` is a list (a forward's several outputs without
        its cache). Finite differences need hundreds of forwards; one round trip carries them all."""
        fn = self.function(header["module"], header["func"])
        arg_sets = wire.decode(header["arg_sets"], header, bufs, self.handles).value
        pick = header.get("pick")
        results = []
        for args in arg_sets:
            r = fn(*args)
            if isinstance(pick, list) and isinstance(r, tuple) and len(r) > max(pick, default=-1):
                r = tuple(r[i] for i in pick)
            elif isinstance(pick, int) and isinstance(r, tuple) and len(r) > pick:
                r = r[pick]
            results.append(r)
        arrays: list[np.ndarray] = []
        self.reply({"ok": True, "result": wire.encode(results, arrays)}, arrays)


def main(rfd: int, wfd: int, root: str, limits: dict) -> None:
    apply_limits(limits)
    os.chdir(root)
    sys.path.insert(0, root)
    guard.install(seccomp=bool(limits.get("seccomp")), fs=limits.get("fs"))
    Server(rfd, wfd, root, guard.state).serve()
