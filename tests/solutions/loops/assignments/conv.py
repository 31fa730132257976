"""2-D convolution with explicit loops over samples, filters and output positions."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H_out, W_out), one window at a time."""
    sh, sw = _pair(stride)
    ph, pw = _pair(pad)
    n_samples, _, h, wd = x.shape
    n_filters, _, kh, kw = w.shape
    h_out = (h + 2 * ph - kh) // sh + 1
    w_out = (wd + 2 * pw - kw) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((n_samples, n_filters, h_out, w_out))
    for n in range(n_samples):
        for f in range(n_filters):
            for i in range(h_out):
                for j in range(w_out):
                    window = xp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, (xp, w, (sh, sw), (ph, pw))


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, F, H_out, W_out) -> (dx, dw, db), accumulating window by window."""
    xp, w, (sh, sw), (ph, pw) = cache
    n_samples, n_filters, h_out, w_out = dout.shape
    kh, kw = w.shape[2:]
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(n_filters)
    for n in range(n_samples):
        for f in range(n_filters):
            for i in range(h_out):
                for j in range(w_out):
                    g = dout[n, f, i, j]
                    rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
                    dxp[n, :, rows, cols] += g * w[f]
                    dw[f] += g * xp[n, :, rows, cols]
                    db[f] += g
    dx = dxp[:, :, ph : dxp.shape[2] - ph, pw : dxp.shape[3] - pw]
    return dx, dw, db
