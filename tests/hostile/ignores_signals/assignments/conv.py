"""Hostile: conv2d_forward ignores SIGTERM, SIGINT, SIGALRM and SIGHUP, then loops forever.

A grader that stops a hung call politely (terminate, an alarm, Ctrl-C) waits forever; only
SIGKILL ends it. conv2d_backward is correct.
"""
from __future__ import annotations

import signal
from typing import Any

import numpy as np

from ._conv_ok import conv2d_backward  # noqa: F401


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
