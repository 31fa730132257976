"""2-D convolution (cross-correlation, zero padding, stride), vectorized with im2col.

This module deliberately does not share its code with _convcore.py: the seeded bugs in
tests/seeded_bugs.py are local edits of this file and must stay inside the conv part.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._convcore import pair


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H_out, W_out).

    H_out = (H + 2*pad_h - KH) // stride_h + 1, W_out likewise;
    out[n, f, r, s] = b[f] + sum_{c,i,j} w[f, c, i, j] * xp[n, c, r*stride_h + i, s*stride_w + j].
    """
    sh, sw = pair(stride)
    ph, pw = pair(pad)
    h, wd = x.shape[2:]
    kh, kw = w.shape[2:]
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (wd + 2 * pw - kw) // sw + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = sliding_window_view(x_pad, (kh, kw), axis=(2, 3))[:, :, : h_out * sh : sh, : w_out * sw : sw]
    # one copy into (N, H_out, W_out, C, KH, KW) order so both matmuls are plain BLAS calls
    cols = np.ascontiguousarray(windows.transpose(0, 2, 3, 1, 4, 5))
    out = np.tensordot(cols, w, axes=([3, 4, 5], [1, 2, 3])) + b  # (N, H_out, W_out, F)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2)), (x.shape, cols, w, (sh, sw), (ph, pw))


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, F, H_out, W_out) -> (dx (N, C, H, W), dw (F, C, KH, KW), db (F,)).

    dw[f, c, i, j] = sum_{n,r,s} dout[n, f, r, s] * xp[n, c, r*stride_h + i, s*stride_w + j];
    db[f] = sum_{n,r,s} dout[n, f, r, s]; dx is col2im of dout @ w, cropped to the unpadded map.
    """
    (n, c, h, wd), cols, w, (sh, sw), (ph, pw) = cache
    kh, kw = w.shape[2:]
    h_out, w_out = dout.shape[2:]
    dout_t = dout.transpose(0, 2, 3, 1)  # (N, H_out, W_out, F), the layout of cols
    db = dout.sum(axis=(0, 2, 3))
    dw = np.tensordot(dout_t, cols, axes=([0, 1, 2], [0, 1, 2]))
    dcols = np.tensordot(dout_t, w, axes=([3], [0]))  # (N, H_out, W_out, C, KH, KW)
    dx_pad = np.zeros((n, c, h + 2 * ph, wd + 2 * pw))
    for i in range(kh):
        for j in range(kw):
            # windows overlap when stride < kernel, so their contributions must add up
            dx_pad[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw] += dcols[..., i, j].transpose(0, 3, 1, 2)
    dx = dx_pad[:, :, ph : ph + h, pw : pw + wd].copy()
    return dx, dw, db
