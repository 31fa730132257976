"""Hostile: correct pooling whose worker answers timed calls at once, without running them.

It patches the worker's request loop so that a call asking only for probed values (a timed
call) is answered at once with made-up numbers: what a slow solution would do to pass the
speed checks. The grader checks the probed values, so the made-up answers cost those points.
"""
from __future__ import annotations

import sys

import numpy as np

from . import _pooling_ok as _ok

_worker = sys.modules.get("_gradelab_worker")
if _worker is not None and not getattr(_worker, "_faked", False):
    _op_call = _worker.Server.op_call

    def op_call(self, header, bufs):
        if header.get("probe") is not None:
            self.reply({"ok": True, "probe": [0.0] * len(header["probe"])})
            return
        _op_call(self, header, bufs)

    _worker.Server.op_call = op_call
    _worker._faked = True


def max_pool2d_forward(x, kernel_size, stride=None):
    return _ok.max_pool2d_forward(x, kernel_size, stride)


def max_pool2d_backward(dout, cache):
    return _ok.max_pool2d_backward(dout, cache)


def avg_pool2d_forward(x, kernel_size, stride=None):
    return _ok.avg_pool2d_forward(x, kernel_size, stride)


def avg_pool2d_backward(dout, cache):
    return _ok.avg_pool2d_backward(dout, cache)


_ = np
