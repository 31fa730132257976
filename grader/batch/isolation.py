"""Grading one submission in a child process under a hard wall-clock limit.

The child is given the submission's files and the options and nothing else of the batch (no
gradebook handle, no console, no open files): it is forked from a clean fork server that has
only imported the grader, or, where a daemonic process may not start children (a Dask worker),
started as a fresh interpreter. It writes the files to a temp folder, grades them and sends the
SubmissionResult back as JSON over a pipe. The temp folder is the parent's: it makes it before
the child starts and removes it after the child has ended, so a child killed at its limit (whose
own clean-up never runs) leaves no copy of the student's code behind. When the limit passes, the child and every process
under it are killed (`grader.sandbox.proctree`), so one hanging submission costs only its own slot; a
child whose parent dies stops itself the same way.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from grader.batch import forkserver
from grader.batch.fingerprint import grader_version
from grader.options import GradeOptions
from grader.paths import REPO
from grader.sandbox.proctree import descendants, kill_tree

ROOT = REPO
_READY = b"ready"
STARTUP_SECONDS = 120.0  # a fork takes milliseconds; a spawned interpreter's imports, seconds


@dataclass(frozen=True, eq=False)
class Job:
    """One submission to grade: its files (relative path -> bytes), the part names, how, how long."""

    name: str
    files: Mapping[str, bytes] = field(repr=False)
    parts: tuple[str, ...]
    options: GradeOptions
    limit_seconds: float


@dataclass(frozen=True)
class Outcome:
    """A result (SubmissionResult.to_dict()), or why there is none."""

    name: str
    result: dict[str, Any] | None
    error: str = ""
    timed_out: bool = False
    cancelled: bool = False
    seconds: float = 0.0
    grader_version: str = ""
    host: str = ""


def materialize(files: Mapping[str, bytes], dest: Path) -> Path:
    """Write the submission's files under `dest`; a path that could leave it is refused."""
    for rel, data in files.items():
        path = PurePosixPath(rel)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"unsafe path in a submission: {rel!r}")
        target = dest.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    dest.mkdir(parents=True, exist_ok=True)
    return dest


def grade_job(job: Job) -> dict[str, Any]:
    """The child's work: the submission's files on disk, graded, as a dict."""
    from grader.engine.grade import grade_submission
    from grader.parts import select

    with tempfile.TemporaryDirectory(prefix="gradelab-submission-", dir=job.options.work_dir) as tmp:
        root = materialize(job.files, Path(tmp) / "submission")
        return grade_submission(root, select(list(job.parts)), job.options, name=job.name).to_dict()


def _watch(parent: int, deadline: float) -> None:
    """In the child: stop everything when the parent is gone or the limit has passed."""
    while os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in descendants(os.getpid()):
        kill_tree(pid)
    os._exit(3)


def _child(conn: Connection, job: Job) -> None:
    """Entry of a child, forked or spawned: own session, imports, "ready", grade, reply, exit."""
    os.setsid()  # a Ctrl-C at the terminal is the batch's to handle, not each child's
    import grader.engine.grade  # noqa: F401  (already there when forked; a spawned child pays for it here)
    import grader.parts  # noqa: F401

    # The limit is counted from here, so start-up on a loaded machine is not charged to the student.
    threading.Thread(target=_watch, args=(os.getppid(), time.monotonic() + job.limit_seconds + 2.0), daemon=True).start()
    conn.send_bytes(_READY)
    try:
        payload: dict[str, Any] = {"result": grade_job(job)}
    except BaseException as exc:  # a grader bug: this submission's row says so, the batch goes on
        import traceback

        payload = {"error": f"the grader failed on this submission: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"}
    conn.send_bytes(json.dumps(payload, allow_nan=True).encode())
    conn.close()


@dataclass
class _Running:
    pid: int
    conn: Connection
    wait: Callable[[float], int | None]  # seconds -> exit code, or None while still running


def _fork(job: Job) -> _Running:
    ctx = multiprocessing.get_context("forkserver")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, job), name=f"grade-{job.name}")
    proc.start()
    send.close()

    def wait(seconds: float) -> int | None:
        proc.join(seconds)
        return proc.exitcode

    return _Running(proc.pid or 0, receive, wait)


def _spawn(job: Job) -> _Running:
    receive, send = os.pipe()
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.batch.isolation", str(send)],
        stdin=subprocess.PIPE,
        pass_fds=(send,),
        cwd=str(ROOT),
        env={**os.environ, "PYTHONPATH": path},
    )
    os.close(send)
    assert proc.stdin is not None
    proc.stdin.write(pickle.dumps(job))
    proc.stdin.close()

    def wait(seconds: float) -> int | None:
        try:
            return proc.wait(seconds)
        except subprocess.TimeoutExpired:
            return None

    return _Running(proc.pid, Connection(receive, writable=False), wait)


def warm_up() -> None:
    """Start the fork server now, so its imports overlap the batch's own start-up."""
    forkserver.start()


def _exit_message(code: int | None) -> str:
    if code is not None and code < 0:
        import signal

        name = signal.Signals(-code).name
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"the grading process was killed by {name}{hint}; every check scores 0"
    return f"the grading process exited with status {code} without a result; every check scores 0"


def _receive(conn: Connection, until: float, cancel: threading.Event | None) -> bytes | str:
    """The next message, or why there is none: "cancelled", "timeout" or "died"."""
    while True:
        if cancel is not None and cancel.is_set():
            return "cancelled"
        left = until - time.monotonic()
        if left <= 0:
            return "timeout"
        if conn.poll(min(left, 0.2)):
            try:
                return conn.recv_bytes()
            except (EOFError, OSError):
                return "died"


def run(job: Job, cancel: threading.Event | None = None, method: Literal["auto", "fork", "spawn"] = "auto") -> Outcome:
    """Grade `job` in a child; never raises for what the submission does.

    The limit runs from the child's "ready" (its imports done) to its result. "auto" forks from
    the fork server, except in a daemonic process (a Dask worker under its nanny), which
    multiprocessing forbids to have children: there it spawns an interpreter.
    """
    multiprocessing.set_forkserver_preload(forkserver.PRELOAD)
    if method == "auto":
        method = "spawn" if multiprocessing.current_process().daemon else "fork"
    host, version = socket.gethostname(), grader_version()
    # 0o711: the sandboxed worker's uid passes through to the staged copy it must read; the
    # materialized submission beside it stays in a 0o700 folder of the child's.
    work = Path(tempfile.mkdtemp(prefix="gradelab-job-", dir=job.options.work_dir))
    work.chmod(0o711)
    try:
        return _run_in(replace(job, options=replace(job.options, work_dir=work)), cancel, method, host, version)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run_in(job: Job, cancel: threading.Event | None, method: str, host: str, version: str) -> Outcome:
    child = _spawn(job) if method == "spawn" else _fork(job)
    start = time.monotonic()

    def stopped(error: str, **flags: bool) -> Outcome:
        return Outcome(job.name, None, error, seconds=time.monotonic() - start, grader_version=version, host=host, **flags)

    ready: bytes | str = "died"
    reply: bytes | str = "died"
    try:
        ready = _receive(child.conn, start + STARTUP_SECONDS, cancel)
        start = time.monotonic()
        if ready == _READY:
            reply = _receive(child.conn, start + job.limit_seconds, cancel)
    finally:
        # A child that replied exits by itself; any other is killed with all it started.
        if child.wait(5.0 if isinstance(reply, bytes) else 0.0) is None:
            kill_tree(child.pid)
            child.wait(5.0)
        child.conn.close()
    if "cancelled" in (ready, reply):
        return stopped("cancelled", cancelled=True)
    if ready != _READY:
        return stopped("the grading process did not start in time" if ready == "timeout" else _exit_message(child.wait(0.0)))
    if reply == "timeout":
        return stopped(
            f"grading did not finish within {job.limit_seconds:g} s (the limit per submission) and was "
            "stopped; every check scores 0. Does a function loop forever or run far too slowly?",
            timed_out=True,
        )
    if not isinstance(reply, bytes):
        return stopped(_exit_message(child.wait(0.0)))
    payload = json.loads(reply)
    if "error" in payload:
        return stopped(str(payload["error"]))
    return Outcome(job.name, payload["result"], seconds=time.monotonic() - start, grader_version=version, host=host)


def _spawned_main(fd: int) -> None:
    _child(Connection(fd, readable=False), pickle.loads(sys.stdin.buffer.read()))


if __name__ == "__main__":
    _spawned_main(int(sys.argv[1]))
