"""Hostile: correct functions, plus a daemon left running once the grading is over.

At import it double-forks (fork, setsid, fork), so the daemon belongs to no process group or
session of the grader's, renames itself "gl-daemon", closes every inherited descriptor but
stdout/stderr, and for ten minutes writes a heartbeat (HEARTBEAT, holding MARKER) five times a
second into the nearest existing folder above this file. It prints whether it got away.
"""
from __future__ import annotations

import ctypes
import os
import time
from pathlib import Path

from ._shapes_ok import conv2d_cost, conv2d_output_size  # noqa: F401

MARKER = "gradelab-hostile-forgery"
HEARTBEAT = "gl-daemon.heartbeat"
NAME = b"gl-daemon"
LIFETIME = 600.0


def _nearest_folder() -> Path | None:
    for folder in Path(__file__).resolve().parents:
        if folder.is_dir() and os.access(folder, os.W_OK):
            return folder
    return None


def _beat() -> None:
    try:
        ctypes.CDLL(None).prctl(15, NAME, 0, 0, 0)  # PR_SET_NAME: its /proc/<pid>/comm
    except (OSError, AttributeError):
        pass
    os.closerange(3, 4096)
    end = time.monotonic() + LIFETIME
    while time.monotonic() < end:
        folder = _nearest_folder()
        if folder is not None:
            try:
                (folder / HEARTBEAT).write_text(f"{MARKER} {os.getpid()} {time.time()}\n")
            except OSError:
                pass
        time.sleep(0.2)


def daemonize() -> str:
    try:
        pid = os.fork()
    except OSError as exc:
        return f"fork refused ({type(exc).__name__}: {exc})"
    if pid:
        os.waitpid(pid, 0)
        return "started"
    try:
        os.setsid()
        if os.fork() == 0:
            _beat()
    finally:
        os._exit(0)


print(f"daemon: {daemonize()}", flush=True)
