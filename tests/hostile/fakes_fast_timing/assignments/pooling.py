"""Hostile: correct pooling whose worker answers timed calls at once, without running them.

It patches the worker's request loop: a call on the speed check's benchmark shape (a timed call:
larger than any correctness case) is answered at once with zeros of the right shape, what a slow
solution would do to pass the speed checks. The grader compares the whole result of every timed
call with the reference's, so the made-up answers cost those points.
"""
from __future__ import annotations

import sys

import numpy as np

from . import _pooling_ok as _ok

BENCHMARK = [8, 64, 32, 32]

_worker = sys.modules.get("_gradelab_inside.server")
if _worker is None:  # loudly: a renamed module must not turn this attack into a no-op
    raise ImportError("_gradelab_inside.server is not loaded: this fixture no longer attacks anything")
if _worker is not None and not getattr(_worker, "_faked", False):
    _op_call = _worker.Server.op_call

    def op_call(self, header, bufs):
        shapes = [d.get("shape") for d in header.get("arrays", [])]
        if BENCHMARK in shapes and header.get("omit") == 1:  # a timed forward
            out = np.zeros((8, 64, 16, 16))
        elif [8, 64, 16, 16] in shapes and header.get("release"):  # a timed backward
            out = np.zeros(BENCHMARK)
        else:
            _op_call(self, header, bufs)
            return
        arrays = []
        result = (out, None) if header.get("omit") == 1 else out
        self.reply({"ok": True, "result": _worker.wire.encode(result, arrays)}, arrays)

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
