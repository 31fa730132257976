"""Max and average pooling (no padding, floor mode), vectorized over all windows at once."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._convcore import pair


def _geometry(
    x_shape: tuple[int, ...], kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """((KH, KW), (stride_h, stride_w), (H_out, W_out)), H_out = (H - KH) // stride_h + 1 (floor mode)."""
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    h_out, w_out = (x_shape[2] - kh) // sh + 1, (x_shape[3] - kw) // sw + 1
    if h_out < 1 or w_out < 1:
        raise ValueError(f"kernel {(kh, kw)} does not fit in a {x_shape[2]}x{x_shape[3]} map")
    return (kh, kw), (sh, sw), (h_out, w_out)


def max_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W) -> out (N, C, H_out, W_out), H_out = (H - KH) // stride_h + 1.

    out[n, c, r, s] = max_{i,j} x[n, c, r*stride_h + i, s*stride_w + j]; stride defaults to the kernel.
    Loops over the KH*KW window offsets, each step vectorized over all windows at once.
    """
    (kh, kw), (sh, sw), (h_out, w_out) = _geometry(x.shape, kernel_size, stride)
    out = x[:, :, : sh * h_out : sh, : sw * w_out : sw].copy()
    for i in range(kh):
        for j in range(kw):
            np.maximum(out, x[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw], out=out)
    return out, (x, out, (kh, kw), (sh, sw))


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout (N, C, H_out, W_out) -> dx (N, C, H, W).

    Each window's gradient goes to its first maximum (row-major); overlapping windows add up.
    """
    x, out, (kh, kw), (sh, sw) = cache
    h_out, w_out = dout.shape[2:]
    dx = np.zeros(x.shape)
    taken = np.zeros(dout.shape, dtype=bool)  # windows whose maximum already got the gradient
    for i in range(kh):
        for j in range(kw):
            rows, cols = slice(i, i + sh * h_out, sh), slice(j, j + sw * w_out, sw)
            # offsets run in row-major order, so only the first maximum of a window is routed (PyTorch's rule)
            routed = (x[:, :, rows, cols] == out) & ~taken
            taken |= routed
            # within one offset no two windows share an input; inputs shared by overlapping
            # windows are reached from several offsets, hence += rather than =
            dx[:, :, rows, cols] += dout * routed
    return dx


def avg_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W) -> out (N, C, H_out, W_out), out[n, c, r, s] = (1 / (KH*KW)) * sum of window (r, s)."""
    (kh, kw), (sh, sw), (h_out, w_out) = _geometry(x.shape, kernel_size, stride)
    total = np.zeros((*x.shape[:2], h_out, w_out))
    for i in range(kh):
        for j in range(kw):
            total += x[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw]
    return total / (kh * kw), (x.shape, (kh, kw), (sh, sw))


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout (N, C, H_out, W_out) -> dx (N, C, H, W); each window entry gets dout / (KH*KW)."""
    x_shape, (kh, kw), (sh, sw) = cache
    h_out, w_out = dout.shape[2:]
    share = dout / (kh * kw)
    dx = np.zeros(x_shape)
    for i in range(kh):
        for j in range(kw):
            dx[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw] += share
    return dx
