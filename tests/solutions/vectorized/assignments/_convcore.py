"""Private conv2d kernels for the residual block: im2col by a strided view, col2im by offsets.

conv.py keeps its own copy of this code on purpose: the seeded-bug table (tests/seeded_bugs.py)
edits conv.py, and a bug planted there must not leak into the residual part.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def pair(v: int | tuple[int, int]) -> tuple[int, int]:
    """(v, v) for an int, the two ints of a pair otherwise."""
    if isinstance(v, (int, np.integer)):
        return int(v), int(v)
    a, b = v
    return int(a), int(b)


class ConvCache(NamedTuple):
    x_shape: tuple[int, int, int, int]
    cols: np.ndarray  # (N, H_out, W_out, C, KH, KW), a contiguous copy of every window
    w: np.ndarray
    stride: tuple[int, int]
    pad: tuple[int, int]


def conv_forward(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int | tuple[int, int], pad: int | tuple[int, int]
) -> tuple[np.ndarray, ConvCache]:
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H_out, W_out), cross-correlation.

    H_out = (H + 2*pad_h - KH) // stride_h + 1; out = cols @ w.reshape(F, -1).T + b.
    """
    sh, sw = pair(stride)
    ph, pw = pair(pad)
    h, wd = x.shape[2:]
    kh, kw = w.shape[2:]
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (wd + 2 * pw - kw) // sw + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(x_pad, (kh, kw), axis=(2, 3))[:, :, : h_out * sh : sh, : w_out * sw : sw]
    # one copy into (N, H_out, W_out, C, KH, KW) order so both matmuls below are plain BLAS calls
    cols = np.ascontiguousarray(windows.transpose(0, 2, 3, 1, 4, 5))
    out = np.tensordot(cols, w, axes=([3, 4, 5], [1, 2, 3])) + b  # (N, H_out, W_out, F)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)), ConvCache(x.shape, cols, w, (sh, sw), (ph, pw))


def conv_backward(dout: np.ndarray, cache: ConvCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, F, H_out, W_out) -> (dx (N, C, H, W), dw (F, C, KH, KW), db (F,))."""
    n, c, h, wd = cache.x_shape
    kh, kw = cache.w.shape[2:]
    sh, sw = cache.stride
    ph, pw = cache.pad
    h_out, w_out = dout.shape[2:]
    dout_t = dout.transpose(0, 2, 3, 1)  # (N, H_out, W_out, F), the layout of cols
    db = dout.sum(axis=(0, 2, 3))
    dw = np.tensordot(dout_t, cache.cols, axes=([0, 1, 2], [0, 1, 2]))
    dcols = np.tensordot(dout_t, cache.w, axes=([3], [0]))  # (N, H_out, W_out, C, KH, KW)
    dx_pad = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    for i in range(kh):
        for j in range(kw):
            # windows overlap when stride < kernel, so their contributions must add up
            dx_pad[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw] += dcols[..., i, j].transpose(0, 3, 1, 2)
    return dx_pad[:, :, ph : ph + h, pw : pw + wd].copy(), dw, db
