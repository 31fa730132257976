"""Hostile: max_pool2d_forward allocates (and touches) memory in a loop before answering.

It stops by itself at CAP (6 GiB), so even with no limit at all it cannot take a 24 GiB machine
down, and then returns the correct answer: the function fails only if the grader's memory limit
stops it first. The other pooling functions are correct.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._pooling_ok import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward  # noqa: F401
from ._pooling_ok import max_pool2d_forward as _max_pool2d_forward

CHUNK = 128 << 20
CAP = 6 << 30


def max_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    hoard = []
    while len(hoard) * CHUNK < CAP:
        hoard.append(np.ones(CHUNK // 8))  # ones, not empty: every page is really used
    del hoard
    return _max_pool2d_forward(x, kernel_size, stride)
