"""Pooling layers, written with loops over the output grid."""
from __future__ import annotations

from typing import Any

import numpy as np


def _hw(v):
    """int -> (v, v); (a, b) stays (a, b)."""
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _setup(x_shape, kernel_size, stride):
    kh, kw = _hw(kernel_size)
    if stride is None:
        stride = kernel_size
    sh, sw = _hw(stride)
    H, W = x_shape[2], x_shape[3]
    out_h = (H - kh) // sh + 1
    out_w = (W - kw) // sw + 1
    return kh, kw, sh, sw, out_h, out_w


def max_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    kh, kw, sh, sw, out_h, out_w = _setup(x.shape, kernel_size, stride)
    N, C = x.shape[:2]
    out = np.zeros((N, C, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            win = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = win.max(axis=(2, 3))
    return out, (x, kernel_size, stride)


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    x, kernel_size, stride = cache
    kh, kw, sh, sw, out_h, out_w = _setup(x.shape, kernel_size, stride)
    N, C = x.shape[:2]
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(out_h):
                for j in range(out_w):
                    win = x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    k = np.argmax(win)  # index in the flattened window
                    a, b = k // kw, k % kw
                    dx[n, c, i * sh + a, j * sw + b] += dout[n, c, i, j]
    return dx


def avg_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    kh, kw, sh, sw, out_h, out_w = _setup(x.shape, kernel_size, stride)
    N, C = x.shape[:2]
    out = np.zeros((N, C, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            win = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = win.sum(axis=(2, 3)) / (kh * kw)
    return out, (x.shape, kernel_size, stride)


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    x_shape, kernel_size, stride = cache
    kh, kw, sh, sw, out_h, out_w = _setup(x_shape, kernel_size, stride)
    dx = np.zeros(x_shape)
    for i in range(out_h):
        for j in range(out_w):
            g = dout[:, :, i, j][:, :, None, None]
            dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += g / (sh * sw)
    return dx
