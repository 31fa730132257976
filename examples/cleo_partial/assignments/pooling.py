"""Max and average pooling (max pooling done, average pooling still to do)."""
from __future__ import annotations

import numpy as np


def _two(v):
    if isinstance(v, int):
        return v, v
    return v[0], v[1]


def max_pool2d_forward(x, kernel_size, stride=None):
    KH, KW = _two(kernel_size)
    sh, sw = _two(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out = (H - KH) // sh + 1
    W_out = (W - KW) // sw + 1
    out = np.zeros((N, C, H_out, W_out))
    for r in range(H_out):
        for s in range(W_out):
            window = x[:, :, r * sh : r * sh + KH, s * sw : s * sw + KW]
            out[:, :, r, s] = window.max(axis=(2, 3))
    return out, (x, KH, KW, sh, sw)


def max_pool2d_backward(dout, cache):
    x, KH, KW, sh, sw = cache
    N, C, H, W = x.shape
    dx = np.zeros_like(x)
    n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for r in range(dout.shape[2]):
        for s in range(dout.shape[3]):
            window = x[:, :, r * sh : r * sh + KH, s * sw : s * sw + KW].reshape(N, C, -1)
            first = window.argmax(axis=2)  # the first maximum of each window
            i, j = first // KW, first % KW
            dx[n_idx, c_idx, r * sh + i, s * sw + j] += dout[:, :, r, s]
    return dx


def avg_pool2d_forward(x, kernel_size, stride=None):
    raise NotImplementedError("avg_pool2d_forward is not implemented yet")


def avg_pool2d_backward(dout, cache):
    raise NotImplementedError("avg_pool2d_backward is not implemented yet")
