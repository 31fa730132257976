"""1-D convolution (cross-correlation, zero padding, stride), vectorized with im2col."""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv1d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> tuple[np.ndarray, Any]:
    """x (N, C, L), w (F, C, K), b (F,) -> out (N, F, L_out), L_out = (L + 2*pad - K) // stride + 1;
    out[n, f, t] = b[f] + sum_{c,i} w[f, c, i] * xp[n, c, t*stride + i]."""
    k = w.shape[2]
    l_out = (x.shape[2] + 2 * pad - k) // stride + 1
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    windows = sliding_window_view(x_pad, k, axis=2)[:, :, : l_out * stride : stride]  # (N, C, L_out, K)
    cols = np.ascontiguousarray(windows.transpose(0, 2, 1, 3))  # (N, L_out, C, K): one BLAS call below
    out = np.tensordot(cols, w, axes=([2, 3], [1, 2])) + b  # (N, L_out, F)
    return np.ascontiguousarray(out.transpose(0, 2, 1)), (x.shape, cols, w, stride, pad)


def conv1d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, F, L_out) -> (dx (N, C, L), dw (F, C, K), db (F,)).

    dw[f, c, i] = sum_{n,t} dout[n, f, t] * xp[n, c, t*stride + i]; db[f] = sum_{n,t} dout[n, f, t];
    dx is col2im of dout @ w, cropped to the unpadded sequence.
    """
    (n, c, length), cols, w, stride, pad = cache
    k, l_out = w.shape[2], dout.shape[2]
    dout_t = dout.transpose(0, 2, 1)  # (N, L_out, F), the layout of cols
    db = dout.sum(axis=(0, 2))
    dw = np.tensordot(dout_t, cols, axes=([0, 1], [0, 1]))
    dcols = np.tensordot(dout_t, w, axes=([2], [0]))  # (N, L_out, C, K)
    dx_pad = np.zeros((n, c, length + 2 * pad))
    for i in range(k):
        # windows overlap when stride < K, so their contributions must add up
        dx_pad[:, :, i : i + stride * l_out : stride] += dcols[..., i].transpose(0, 2, 1)
    return dx_pad[:, :, pad : pad + length].copy(), dw, db
