#!/usr/bin/env python3
"""gradelab: `check` your own assignments, or `grade` a batch of submissions."""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grader.commands import main  # noqa: E402


def _exit_code(code: object) -> int:
    """What sys.exit(code) would make the process's status (a text is printed, then 1)."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    try:
        main()
    except SystemExit as done:
        status = _exit_code(done.code)
    else:
        status = 0
    # Once the work is done, the interpreter's teardown of torch's modules takes about a second
    # more. The exit handlers (multiprocessing's clean-up among them) and the flushes are what a
    # normal exit does that matters; the teardown is skipped.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a reader that left early (`| head`): nothing more can be said to it
    os._exit(status)
