"""Convolution forward/backward with for loops (it is slow but easy to check)."""
from __future__ import annotations

from typing import Any

import numpy as np


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, Any]:
    if isinstance(stride, (tuple, list)):
        sh, sw = stride
    else:
        sh = sw = stride
    if isinstance(pad, (tuple, list)):
        ph, pw = pad
    else:
        ph = pw = pad

    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    Ho = (H + 2 * ph - kh) // sh + 1
    Wo = (W + 2 * pw - kw) // sw + 1

    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            window = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]  # (N, C, kh, kw)
            for f in range(F):
                out[:, f, i, j] = np.sum(window * w[f], axis=(1, 2, 3)) + b[f]

    cache = (x, w, b, sh, sw, ph, pw)
    return out, cache


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, w, b, sh, sw, ph, pw = cache
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    Ho, Wo = dout.shape[2], dout.shape[3]

    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    # only the part of xp that the windows touched gets a gradient
    dxp = np.zeros((N, C, (Ho - 1) * sh + kh, (Wo - 1) * sw + kw))
    dw = np.zeros_like(w)
    db = np.sum(dout, axis=(0, 2, 3))

    for i in range(Ho):
        for j in range(Wo):
            window = xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            for f in range(F):
                g = dout[:, f, i, j][:, None, None, None]  # (N, 1, 1, 1)
                dw[f] += np.sum(g * window, axis=0)
                dxp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += g * w[f]

    dx = dxp[:, :, ph:dxp.shape[2] - ph, pw:dxp.shape[3] - pw]
    return dx, dw, db
