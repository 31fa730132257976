"""Max pooling and average pooling (forward + backward)."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(k):
    if isinstance(k, int):
        return k, k
    return k[0], k[1]


def max_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    pool_h, pool_w = _pair(kernel_size)
    stride_h, stride_w = _pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out = (H - pool_h) // stride_h + 1
    W_out = (W - pool_w) // stride_w + 1

    out = np.zeros((N, C, H_out, W_out))
    # remember where every maximum came from, so backward can route the gradient there
    where = np.zeros((N, C, H_out, W_out, 2), dtype=int)
    for n in range(N):
        for c in range(C):
            for r in range(H_out):
                for s in range(W_out):
                    best = -np.inf
                    for i in range(pool_h):
                        for j in range(pool_w):
                            v = x[n, c, r * stride_h + i, s * stride_w + j]
                            if v >= best:
                                best = v
                                where[n, c, r, s] = (r * stride_h + i, s * stride_w + j)
                    out[n, c, r, s] = best
    return out, (x.shape, where)


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    x_shape, where = cache
    N, C, H_out, W_out = dout.shape
    dx = np.zeros(x_shape)
    for n in range(N):
        for c in range(C):
            for r in range(H_out):
                for s in range(W_out):
                    i, j = where[n, c, r, s]
                    dx[n, c, i, j] += dout[n, c, r, s]
    return dx


def avg_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    pool_h, pool_w = _pair(kernel_size)
    stride_h, stride_w = _pair(kernel_size if stride is None else stride)
    N, C, H, W = x.shape
    H_out = (H - pool_h) // stride_h + 1
    W_out = (W - pool_w) // stride_w + 1

    out = np.zeros((N, C, H_out, W_out))
    for r in range(H_out):
        for s in range(W_out):
            patch = x[:, :, r * stride_h:r * stride_h + pool_h, s * stride_w:s * stride_w + pool_w]
            out[:, :, r, s] = patch.mean(axis=(2, 3))
    return out, (x.shape, pool_h, pool_w, stride_h, stride_w)


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    x_shape, pool_h, pool_w, stride_h, stride_w = cache
    N, C, H_out, W_out = dout.shape
    dx = np.zeros(x_shape)
    for r in range(H_out):
        for s in range(W_out):
            share = dout[:, :, r, s] / (pool_h * pool_w)
            dx[:, :, r * stride_h:r * stride_h + pool_h, s * stride_w:s * stride_w + pool_w] += share[:, :, None, None]
    return dx
