"""1-D convolution with explicit Python loops: correct, and far too slow for the timing checks."""
from __future__ import annotations

from typing import Any

import numpy as np


def conv1d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> tuple[np.ndarray, Any]:
    """out[n, f, t] = b[f] + sum_{c,i} w[f, c, i] * xp[n, c, t*stride + i], one window at a time."""
    n, c, length = x.shape
    f, _, k = w.shape
    l_out = (length + 2 * pad - k) // stride + 1
    x_pad = np.zeros((n, c, length + 2 * pad))
    x_pad[:, :, pad : pad + length] = x
    out = np.zeros((n, f, l_out))
    for s in range(n):
        for g in range(f):
            for t in range(l_out):
                total = b[g]
                for ch in range(c):
                    for i in range(k):
                        total += w[g, ch, i] * x_pad[s, ch, t * stride + i]
                out[s, g, t] = total
    return out, (x_pad, w, stride, pad, length)


def conv1d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each window sends dout[n, f, t] * w[f, c, i] back to xp[n, c, t*stride + i], and xp's to w."""
    x_pad, w, stride, pad, length = cache
    n, f, l_out = dout.shape
    c, k = w.shape[1:]
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(f)
    for s in range(n):
        for g in range(f):
            for t in range(l_out):
                d = dout[s, g, t]
                db[g] += d
                for ch in range(c):
                    for i in range(k):
                        dx_pad[s, ch, t * stride + i] += d * w[g, ch, i]
                        dw[g, ch, i] += d * x_pad[s, ch, t * stride + i]
    return dx_pad[:, :, pad : pad + length].copy(), dw, db
