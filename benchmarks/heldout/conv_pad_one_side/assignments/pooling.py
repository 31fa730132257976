"""Max and average pooling.

When the windows tile the map (stride == kernel) a reshape turns them into two extra axes at no
cost; otherwise a sliding-window view does. Max-pool's backward scatters with np.add.at where
windows overlap, since one input can then be the maximum of several windows.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _geometry(shape, kernel_size, stride):
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(kernel_size if stride is None else stride)
    h_out = (shape[2] - kh) // sh + 1
    w_out = (shape[3] - kw) // sw + 1
    return kh, kw, sh, sw, h_out, w_out


def _flat_windows(x: np.ndarray, kh: int, kw: int, sh: int, sw: int, h_out: int, w_out: int) -> np.ndarray:
    """(N, C, H, W) -> (N, C, H_out, W_out, KH*KW), each window flattened in row-major order."""
    n, c = x.shape[:2]
    if (sh, sw) == (kh, kw):
        tiles = x[:, :, : h_out * kh, : w_out * kw].reshape(n, c, h_out, kh, w_out, kw)
        return tiles.transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h_out, w_out, kh * kw)
    view = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    return view.reshape(n, c, h_out, w_out, kh * kw)


def max_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    """x: (N, C, H, W) -> out (N, C, H_out, W_out), cache."""
    geo = _geometry(x.shape, kernel_size, stride)
    flat = _flat_windows(x, *geo)
    first_max = flat.argmax(axis=-1)  # argmax picks the first maximum: PyTorch's tie rule
    out = np.take_along_axis(flat, first_max[..., None], axis=-1)[..., 0]
    return out, (x.shape, geo, first_max)


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout: (N, C, H_out, W_out) -> dx (N, C, H, W)."""
    shape, (kh, kw, sh, sw, h_out, w_out), first_max = cache
    n, c = shape[:2]
    di, dj = np.divmod(first_max, kw)
    rows = np.arange(h_out)[:, None] * sh + di
    cols = np.arange(w_out)[None, :] * sw + dj
    index = (np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], rows, cols)
    dx = np.zeros(shape)
    if sh >= kh and sw >= kw:
        dx[index] = dout  # windows are disjoint: every target is distinct
    else:
        np.add.at(dx, index, dout)
    return dx


def avg_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    """x: (N, C, H, W) -> out (N, C, H_out, W_out), cache."""
    geo = _geometry(x.shape, kernel_size, stride)
    kh, kw, sh, sw, h_out, w_out = geo
    if (sh, sw) == (kh, kw):  # average the two window axes of the tiling reshape, no copy
        n, c = x.shape[:2]
        out = x[:, :, : h_out * kh, : w_out * kw].reshape(n, c, h_out, kh, w_out, kw).mean(axis=(3, 5))
    else:
        out = _flat_windows(x, *geo).mean(axis=-1)
    return out, (x.shape, geo)


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout: (N, C, H_out, W_out) -> dx (N, C, H, W), each window's share spread evenly."""
    shape, (kh, kw, sh, sw, h_out, w_out) = cache
    n, c = shape[:2]
    share = dout / (kh * kw)
    dx = np.zeros(shape)
    if (sh, sw) == (kh, kw):
        tiles = dx[:, :, : h_out * kh, : w_out * kw].reshape(n, c, h_out, kh, w_out, kw)
        tiles[...] = share[:, :, :, None, :, None]  # a view of dx: writes land in dx
        return dx
    for i in range(kh):  # one strided slice per kernel offset; overlapping windows add up
        for j in range(kw):
            dx[:, :, i : i + sh * h_out : sh, j : j + sw * w_out : sw] += share
    return dx
