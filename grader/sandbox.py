"""How a worker process is launched and killed: the isolation level is a launcher."""
from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any


class Launcher:
    """Start the worker as a plain child process in its own session (the portable fallback)."""

    label = "process"

    def argv(self, root: Path, cmd: list[str]) -> list[str]:
        return cmd

    def env(self) -> dict[str, str]:
        # A cleared environment: nothing of the grader's (tokens, seeds, paths) reaches student code.
        return {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/tmp",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": os.environ.get("GRADELAB_WORKER_THREADS", "1"),
            "OMP_NUM_THREADS": os.environ.get("GRADELAB_WORKER_THREADS", "1"),
            "MKL_NUM_THREADS": os.environ.get("GRADELAB_WORKER_THREADS", "1"),
        }

    def path_inside(self, path: Path) -> Path:
        return path

    def popen_kwargs(self) -> dict[str, Any]:
        return {}

    def kill(self, proc: subprocess.Popen) -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def process_launcher() -> Launcher:
    return Launcher()


def choose_launcher(choice: str = "auto") -> Launcher:
    """The strongest isolation available ("auto"), or the one asked for."""
    return process_launcher()
