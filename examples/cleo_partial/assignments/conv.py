"""A 2-D convolution layer, written with explicit loops first so every index is visible.

TODO: vectorize (it is too slow on the benchmark).
"""
from __future__ import annotations

import numpy as np


def _two(v):
    if isinstance(v, int):
        return v, v
    return v[0], v[1]


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = _two(stride)
    ph, pw = _two(pad)
    xp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    xp[:, :, ph : ph + H, pw : pw + W] = x
    H_out = (H + 2 * ph - KH) // sh + 1
    W_out = (W + 2 * pw - KW) // sw + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for r in range(H_out):
                for s in range(W_out):
                    window = xp[n, :, r * sh : r * sh + KH, s * sw : s * sw + KW]
                    out[n, f, r, s] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, stride, pad)
    return out, cache


def conv2d_backward(dout, cache):
    x, w, b, stride, pad = cache
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = _two(stride)
    ph, pw = _two(pad)
    xp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    xp[:, :, ph : ph + H, pw : pw + W] = x
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    _, _, H_out, W_out = dout.shape
    for n in range(N):
        for f in range(F):
            for r in range(H_out):
                for s in range(W_out):
                    g = dout[n, f, r, s]
                    db[f] += g
                    dw[f] += g * xp[n, :, r * sh : r * sh + KH, s * sw : s * sw + KW]
                    dxp[n, :, r * sh : r * sh + KH, s * sw : s * sw + KW] += g * w[f]
    dx = dxp[:, :, ph : ph + H, pw : pw + W]
    return dx, dw, db
