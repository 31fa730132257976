"""2-D convolution, semi-vectorized: Python loops over samples and output positions, numpy over
channels and filters. A near-limit submission for calibrating the speed checks (docs/timing.md)."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H_out, W_out),
    H_out = (H + 2*pad_h - KH) // stride_h + 1; out[n, f, r, s] = sum_{c,i,j} w[f, c, i, j] xp[n, c, r*sh+i, s*sw+j] + b[f]."""
    (sh, sw), (ph, pw) = _pair(stride), _pair(pad)
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    h_out, w_out = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    wf = w.reshape(f, -1)
    out = np.empty((x.shape[0], f, h_out, w_out))
    for n in range(x.shape[0]):
        for r in range(h_out):
            for s in range(w_out):
                out[n, :, r, s] = wf @ xp[n, :, r * sh : r * sh + kh, s * sw : s * sw + kw].reshape(-1) + b
    return out, (x.shape, xp, w, (sh, sw), (ph, pw))


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, F, H_out, W_out) -> (dx (N, C, H, W), dw (F, C, KH, KW), db (F,))."""
    shape, xp, w, (sh, sw), (ph, pw) = cache
    f, c, kh, kw = w.shape
    wf = w.reshape(f, -1)
    dxp = np.zeros_like(xp)
    dw = np.zeros((f, c * kh * kw))
    for n in range(shape[0]):
        for r in range(dout.shape[2]):
            for s in range(dout.shape[3]):
                g = dout[n, :, r, s]
                window = xp[n, :, r * sh : r * sh + kh, s * sw : s * sw + kw]
                dw += np.outer(g, window.reshape(-1))
                dxp[n, :, r * sh : r * sh + kh, s * sw : s * sw + kw] += (g @ wf).reshape(c, kh, kw)
    dx = dxp[:, :, ph : ph + shape[2], pw : pw + shape[3]]
    return dx, dw.reshape(w.shape), dout.sum(axis=(0, 2, 3))
