"""Hostile: a pure-loop convolution that, on the speed check's large inputs, computes only a few
output entries (the rest stay zero), fast enough to win the speed points at 0.4x.

It also patches the worker's call handler to read, from each request, any field that might say
which entries get verified (the old `probe` positions), and computes exactly those. Nothing sent
to the worker says so any more, and the parent compares the whole result: no timing points.
"""
from __future__ import annotations

import sys

import numpy as np

from . import _conv_ok as _ok

WANTED: list[int] = []  # flat positions the request named, if any did

_worker = sys.modules.get("_gradelab_inside.server")
if _worker is None:  # loudly: a renamed module must not turn this attack into a no-op
    raise ImportError("_gradelab_inside.server is not loaded: this fixture no longer attacks anything")
if _worker is not None and not getattr(_worker, "_sniffing", False):
    _op_call = _worker.Server.op_call

    def op_call(self, header, bufs):
        WANTED[:] = [i for key in ("probe", "pick", "verify", "positions") for i in (header.get(key) or []) if isinstance(header.get(key), list)]
        _op_call(self, header, bufs)

    _worker.Server.op_call = op_call
    _worker._sniffing = True


def _some_entries(x, w, b, stride, pad):
    """Only the wanted (or 32 random) entries of the output, by loops; zeros elsewhere."""
    n, _, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    h_out, w_out = (h + 2 * pad - kh) // stride + 1, (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, f, h_out, w_out))
    flat = WANTED or list(np.random.default_rng().choice(out.size, 32, replace=False))
    for p in flat:
        i, c, r, s = np.unravel_index(int(p), out.shape)
        out[i, c, r, s] = np.sum(xp[i, :, r * stride : r * stride + kh, s * stride : s * stride + kw] * w[c]) + b[c]
    return out


def conv2d_forward(x, w, b, stride=1, pad=0):
    if x.shape == (8, 16, 32, 32) and isinstance(stride, int) and isinstance(pad, int):  # the speed check's input
        return _some_entries(x, w, b, stride, pad), None
    return _ok.conv2d_forward(x, w, b, stride, pad)


def conv2d_backward(dout, cache):
    return _ok.conv2d_backward(dout, cache)
