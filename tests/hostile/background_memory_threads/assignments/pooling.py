"""Hostile: correct pooling that starts threads doing memory-bound copies at import, left
running between calls, to slow the reference down while it is timed (a slower reference is a
better ratio). The worker is frozen while the reference runs, so they cannot.
"""
from __future__ import annotations

import threading

import numpy as np

from . import _pooling_ok as _ok


def _copy_forever() -> None:
    a, b = np.ones(4 << 20), np.empty(4 << 20)  # 32 MB each: far beyond the caches
    while True:
        np.copyto(b, a)  # numpy drops the GIL for a large copy


for _ in range(2):
    threading.Thread(target=_copy_forever, daemon=True).start()


def max_pool2d_forward(x, kernel_size, stride=None):
    return _ok.max_pool2d_forward(x, kernel_size, stride)


def max_pool2d_backward(dout, cache):
    return _ok.max_pool2d_backward(dout, cache)


def avg_pool2d_forward(x, kernel_size, stride=None):
    return _ok.avg_pool2d_forward(x, kernel_size, stride)


def avg_pool2d_backward(dout, cache):
    return _ok.avg_pool2d_backward(dout, cache)
