"""2-D convolution layer (assignment 2)."""
from __future__ import annotations

from typing import Any

import numpy as np


def _two(v):
    if isinstance(v, (tuple, list)):
        return v[0], v[1]
    return v, v


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, Any]:
    stride_h, stride_w = _two(stride)
    pad_h, pad_w = _two(pad)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    H_out = (H + 2 * pad_h - KH) // stride_h + 1
    W_out = (W + 2 * pad_w - KW) // stride_w + 1

    x_pad = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)), mode="constant")
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for r in range(H_out):
                for s in range(W_out):
                    top = r * stride_h
                    left = s * stride_w
                    patch = x_pad[n, :, top:top + KH, left:left + KW]
                    out[n, f, r, s] = np.sum(patch * w[f]) + b[f]
    cache = (x_pad, w, stride_h, stride_w, pad_h, pad_w)
    return out, cache


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_pad, w, stride_h, stride_w, pad_h, pad_w = cache
    N, F, H_out, W_out = dout.shape
    _, _, KH, KW = w.shape
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            db[f] += np.sum(dout[n, f])
            for r in range(H_out):
                for s in range(W_out):
                    top = r * stride_h
                    left = s * stride_w
                    patch = x_pad[n, :, top:top + KH, left:left + KW]
                    dw[f] += dout[n, f, r, s] * patch
                    dx_pad[n, :, top:top + KH, left:left + KW] += dout[n, f, r, s] * w[f]
    # remove the padding again (1 pixel on every side)
    dx = dx_pad[:, :, 1:-1, 1:-1]
    return dx, dw, db
