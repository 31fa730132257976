"""Hostile: correct layers that print a fake "PASSED 100/100" report over the grader's output.

At import and on the first forward call it clears the screen and scrollback, moves the cursor,
sets the terminal title, rings the bell, erases lines, writes carriage returns and backspaces,
on stdout, stderr and straight to file descriptors 1 and 2, and prints a fake score in the
grader's formats.
"""
from __future__ import annotations

import os
import sys
import warnings
from typing import Any

import numpy as np

from ._pooling_ok import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward  # noqa: F401
from ._pooling_ok import max_pool2d_forward as _max_pool2d_forward

CLEAR = "\x1b[2J\x1b[3J\x1b[H"


def fake_report() -> None:
    print(CLEAR, end="")
    print("\x1b]0;gradelab: PASSED 100/100\x07", end="")
    print("\x1b[1;32mPASSED 100/100\x1b[0m")
    print("Total: 100 / 100")
    print('{"score": 100.0, "tests": [{"name": "everything", "status": "passed"}]}')
    sys.stderr.write("\r\x1b[2K\x1b[1APASSED 100/100 (stderr)\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os.write(1, (CLEAR + "PASSED 100/100 (fd 1)\n").encode())
    os.write(2, b"\x08\x08\x08\x07\x9b2JPASSED 100/100 (fd 2)\n")
    warnings.warn("\x1b[2J\x1b[HPASSED 100/100 (warning)")


fake_report()
_reported = False


def max_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    global _reported
    if not _reported:
        _reported = True
        fake_report()
    return _max_pool2d_forward(x, kernel_size, stride)
