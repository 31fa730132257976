"""ResNet basic block on a private loop-based convolution, written the slow way."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def _conv(x, w, b, stride, pad):
    """Cross-correlation, one output position at a time; returns (out, cache)."""
    sh, sw = _pair(stride)
    ph, pw = pad
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    h_out = (xp.shape[2] - kh) // sh + 1
    w_out = (xp.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], w.shape[0], h_out, w_out))
    for n in range(x.shape[0]):
        for f in range(w.shape[0]):
            for i in range(h_out):
                for j in range(w_out):
                    out[n, f, i, j] = np.sum(xp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw] * w[f]) + b[f]
    return out, (xp, w, (sh, sw), (ph, pw))


def _conv_backward(dout, cache):
    xp, w, (sh, sw), (ph, pw) = cache
    kh, kw = w.shape[2:]
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros(w.shape[0])
    for n in range(dout.shape[0]):
        for f in range(dout.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
                    dxp[n, :, rows, cols] += dout[n, f, i, j] * w[f]
                    dw[f] += dout[n, f, i, j] * xp[n, :, rows, cols]
                    db[f] += dout[n, f, i, j]
    return dxp[:, :, ph : xp.shape[2] - ph, pw : xp.shape[3] - pw], dw, db


def _relu(a):
    out = a.copy()
    out[out < 0] = 0.0
    return out


def residual_block_forward(
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    ws: np.ndarray | None = None,
    bs: np.ndarray | None = None,
    stride: int | tuple[int, int] = 1,
) -> tuple[np.ndarray, Any]:
    """out = relu(conv(relu(conv(x, w1, b1, stride)), w2, b2) + shortcut(x))."""
    a1, c1 = _conv(x, w1, b1, stride, (w1.shape[2] // 2, w1.shape[3] // 2))
    h = _relu(a1)
    f, c2 = _conv(h, w2, b2, 1, (w2.shape[2] // 2, w2.shape[3] // 2))
    if ws is None:
        shortcut, cs = x, None
    else:
        shortcut, cs = _conv(x, ws, bs, stride, (0, 0))
    z = f + shortcut
    return _relu(z), (a1, c1, c2, cs, z)


def residual_block_backward(dout: np.ndarray, cache: Any) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None
]:
    """(dx, dw1, db1, dw2, db2, dws, dbs); dx adds the branch's and the shortcut's gradients."""
    a1, c1, c2, cs, z = cache
    dz = dout * (z > 0)
    dh, dw2, db2 = _conv_backward(dz, c2)
    dx, dw1, db1 = _conv_backward(dh * (a1 > 0), c1)
    if cs is None:
        return dx + dz, dw1, db1, dw2, db2, None, None
    dxs, dws, dbs = _conv_backward(dz, cs)
    return dx + dxs, dw1, db1, dw2, db2, dws, dbs
