"""Residual block, self-contained: it carries its own small convolution (one product per kernel offset)."""
from __future__ import annotations

import numpy as np


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _taps(kh, kw, sh, sw, h_out, w_out):
    for i in range(kh):
        for j in range(kw):
            yield i, j, (slice(None), slice(None), slice(i, i + sh * h_out, sh), slice(j, j + sw * w_out, sw))


def _conv(x, w, b, stride, pad):
    sh, sw = _pair(stride)
    ph, pw = _pair(pad)
    F, C, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    h_out = (xp.shape[2] - KH) // sh + 1
    w_out = (xp.shape[3] - KW) // sw + 1
    out = np.zeros((x.shape[0], F, h_out, w_out)) + b.reshape(1, F, 1, 1)
    for i, j, s in _taps(KH, KW, sh, sw, h_out, w_out):
        out += np.einsum("nchw,fc->nfhw", xp[s], w[:, :, i, j])
    return out, (xp, w, (sh, sw), (ph, pw))


def _conv_back(dout, cache):
    xp, w, (sh, sw), (ph, pw) = cache
    F, C, KH, KW = w.shape
    h_out, w_out = dout.shape[2:]
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for i, j, s in _taps(KH, KW, sh, sw, h_out, w_out):
        dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", dout, xp[s])
        dxp[s] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dxp[:, :, ph : dxp.shape[2] - ph, pw : dxp.shape[3] - pw]
    return dx, dw, dout.sum(axis=(0, 2, 3))


def residual_block_forward(x, w1, b1, w2, b2, ws=None, bs=None, stride=1):
    a1, c1 = _conv(x, w1, b1, stride, (w1.shape[2] // 2, w1.shape[3] // 2))
    h = np.maximum(0, a1)
    f, c2 = _conv(h, w2, b2, 1, (w2.shape[2] // 2, w2.shape[3] // 2))
    if ws is None:
        shortcut, cs = x, None
    else:
        shortcut, cs = _conv(x, ws, bs, stride, 0)
    s = f + shortcut
    out = np.maximum(0, s)
    return out, (c1, a1, c2, cs, s)


def residual_block_backward(dout, cache):
    c1, a1, c2, cs, s = cache
    ds = dout * (s > 0)
    dh, dw2, db2 = _conv_back(ds, c2)
    da1 = dh * (a1 > 0)
    dx, dw1, db1 = _conv_back(da1, c1)
    dws = dbs = None
    if cs is None:
        dx = dx + ds
    else:
        dx_s, dws, dbs = _conv_back(ds, cs)
        dx = dx + dx_s
    return dx, dw1, db1, dw2, db2, dws, dbs
