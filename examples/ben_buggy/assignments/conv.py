"""Convolution layer with im2col: gather every window into a column, then one matrix product."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _im2col_indices(kh, kw, sh, sw, h_out, w_out):
    """Row and column of the padded input for (kernel offset, output position): (KH*KW, H_out*W_out) each."""
    i0 = np.repeat(np.arange(kh), kw)
    j0 = np.tile(np.arange(kw), kh)
    i1 = sh * np.repeat(np.arange(h_out), w_out)
    j1 = sw * np.tile(np.arange(w_out), h_out)
    return i0[:, None] + i1[None, :], j0[:, None] + j1[None, :]


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = _pair(stride)
    ph, pw = _pair(pad)
    H_out = (H + 2 * ph - KH) // sh + 1
    W_out = (W + 2 * pw - KW) // sw + 1

    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    rows, cols = _im2col_indices(KH, KW, sh, sw, H_out, W_out)
    X_col = xp[:, :, rows, cols].reshape(N, C * KH * KW, H_out * W_out)

    # convolution = flip the kernel, then slide it
    W_row = w[:, :, ::-1, ::-1].reshape(F, -1)
    out = (W_row @ X_col).reshape(N, F, H_out, W_out) + b.reshape(1, F, 1, 1)

    cache = (x.shape, xp.shape, w, X_col, rows, cols, (ph, pw))
    return out, cache


def conv2d_backward(dout, cache):
    x_shape, xp_shape, w, X_col, rows, cols, (ph, pw) = cache
    N, C, H, W = x_shape
    F, _, KH, KW = w.shape
    dout_r = dout.reshape(N, F, -1)

    db = dout.sum(axis=(0, 2, 3))
    dW_row = (dout_r @ X_col.transpose(0, 2, 1)).sum(axis=0)
    dw = dW_row.reshape(w.shape)[:, :, ::-1, ::-1]  # undo the flip of the forward pass

    W_row = w[:, :, ::-1, ::-1].reshape(F, -1)
    dX_col = (W_row.T @ dout_r).reshape(N, C, KH * KW, -1)
    dxp = np.zeros(xp_shape)
    np.add.at(dxp, (slice(None), slice(None), rows, cols), dX_col)
    dx = dxp[:, :, ph : ph + H, pw : pw + W]
    return dx, dw, db
