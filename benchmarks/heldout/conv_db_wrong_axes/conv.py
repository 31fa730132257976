"""Convolution with im2col: the windows become columns, then one matrix product does the layer."""
from __future__ import annotations

from typing import Any

import numpy as np


def _as_pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def im2col(xp, filter_h, filter_w, sh, sw, out_h, out_w):
    """(N, C, Hp, Wp) -> (N, C*filter_h*filter_w, out_h*out_w)."""
    N, C = xp.shape[:2]
    cols = np.zeros((N, C, filter_h, filter_w, out_h, out_w))
    for i in range(filter_h):
        for j in range(filter_w):
            cols[:, :, i, j] = xp[:, :, i:i + sh * out_h:sh, j:j + sw * out_w:sw]
    return cols.reshape(N, C * filter_h * filter_w, out_h * out_w)


def col2im(cols, shape, filter_h, filter_w, sh, sw, out_h, out_w):
    """Inverse of im2col: overlapping windows add up."""
    N, C = shape[:2]
    cols = cols.reshape(N, C, filter_h, filter_w, out_h, out_w)
    dxp = np.zeros(shape)
    for i in range(filter_h):
        for j in range(filter_w):
            dxp[:, :, i:i + sh * out_h:sh, j:j + sw * out_w:sw] += cols[:, :, i, j]
    return dxp


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, Any]:
    sh, sw = _as_pair(stride)
    ph, pw = _as_pair(pad)
    N, C, H, W = x.shape
    num_filters, _, filter_h, filter_w = w.shape
    out_h = (H + 2 * ph - filter_h) // sh + 1
    out_w = (W + 2 * pw - filter_w) // sw + 1

    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = im2col(xp, filter_h, filter_w, sh, sw, out_h, out_w)
    w_row = w.reshape(num_filters, -1)
    out = np.matmul(w_row, cols) + b.reshape(-1, 1)
    out = out.reshape(N, num_filters, out_h, out_w)
    cache = (xp.shape, cols, w, (sh, sw), (ph, pw), (filter_h, filter_w), (out_h, out_w))
    return out, cache


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xp_shape, cols, w, (sh, sw), (ph, pw), (filter_h, filter_w), (out_h, out_w) = cache
    N, num_filters = dout.shape[:2]
    dout_flat = dout.reshape(N, num_filters, -1)

    db = np.sum(dout, axis=0)  # same as the bias of the fully-connected layer
    dw = np.einsum("nfp,nkp->fk", dout_flat, cols).reshape(w.shape)
    dcols = np.matmul(w.reshape(num_filters, -1).T, dout_flat)
    dxp = col2im(dcols, xp_shape, filter_h, filter_w, sh, sw, out_h, out_w)
    dx = dxp[:, :, ph:xp_shape[2] - ph, pw:xp_shape[3] - pw]
    return dx, dw, db
