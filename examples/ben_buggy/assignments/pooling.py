"""Pooling layers, written as a loop over the kernel offsets (each one a strided slice of x)."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _setup(x_shape, kernel_size, stride):
    KH, KW = _pair(kernel_size)
    SH, SW = _pair(kernel_size if stride is None else stride)
    H_out = (x_shape[2] - KH) // SH + 1
    W_out = (x_shape[3] - KW) // SW + 1
    return KH, KW, SH, SW, H_out, W_out


def _offset(i, j, SH, SW, H_out, W_out):
    """The slice of x that kernel offset (i, j) reads for every output position."""
    return (slice(None), slice(None), slice(i, i + SH * H_out, SH), slice(j, j + SW * W_out, SW))


def max_pool2d_forward(x, kernel_size, stride=None):
    KH, KW, SH, SW, H_out, W_out = _setup(x.shape, kernel_size, stride)
    candidates = np.stack([x[_offset(i, j, SH, SW, H_out, W_out)] for i in range(KH) for j in range(KW)])
    which = np.argmax(candidates, axis=0)  # first offset in row-major order wins a tie
    out = np.max(candidates, axis=0)
    return out, (x.shape, kernel_size, stride, which)


def max_pool2d_backward(dout, cache):
    x_shape, kernel_size, stride, which = cache
    KH, KW, SH, SW, H_out, W_out = _setup(x_shape, kernel_size, stride)
    dx = np.zeros(x_shape)
    for k in range(KH * KW):
        i, j = divmod(k, KW)
        dx[_offset(i, j, SH, SW, H_out, W_out)] += np.where(which == k, dout, 0.0)
    return dx


def avg_pool2d_forward(x, kernel_size, stride=None):
    KH, KW, SH, SW, H_out, W_out = _setup(x.shape, kernel_size, stride)
    out = np.zeros(x.shape[:2] + (H_out, W_out))
    for i in range(KH):
        for j in range(KW):
            out += x[_offset(i, j, SH, SW, H_out, W_out)]
    return out / (KH * KW), (x.shape, kernel_size, stride)


def avg_pool2d_backward(dout, cache):
    x_shape, kernel_size, stride = cache
    KH, KW, SH, SW, H_out, W_out = _setup(x_shape, kernel_size, stride)
    dx = np.zeros(x_shape)
    for i in range(KH):
        for j in range(KW):
            dx[_offset(i, j, SH, SW, H_out, W_out)] += dout / (KH * KW)
    return dx
