"""2-D convolution (cross-correlation) with sliding-window views and einsum.

Forward: every window of the padded input is a view, and one einsum contracts (c, i, j).
Backward: dw is the same einsum with dout in place of w; dx is a "full" correlation of the
stride-dilated dout with the kernel rotated by 180 degrees (a transposed convolution).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _windows(xp: np.ndarray, kh: int, kw: int, sh: int = 1, sw: int = 1) -> np.ndarray:
    """(N, C, Hp, Wp) -> view (N, C, H_out, W_out, KH, KW) of the windows, one per output pixel."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, Any]:
    """x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) -> out (N, F, H_out, W_out), cache."""
    sh, sw = _pair(stride)
    ph, pw = _pair(pad)
    kh, kw = w.shape[2], w.shape[3]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.einsum("nchwij,fcij->nfhw", _windows(xp, kh, kw, sh, sw), w, optimize=True)
    out += b[None, :, None, None]
    return out, (xp, w, (sh, sw), (ph, pw), x.shape)


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout: (N, F, H_out, W_out) -> dx (N, C, H, W), dw (F, C, KH, KW), db (F,)."""
    xp, w, (sh, sw), (ph, pw), (n, c, h, wd) = cache
    f, _, kh, kw = w.shape
    h_out, w_out = dout.shape[2], dout.shape[3]

    db = dout.sum(axis=(0, 2, 3))
    dw = np.einsum("nfhw,nchwij->fcij", dout, _windows(xp, kh, kw, sh, sw), optimize=True)

    # Put dout back on the stride grid, then pad so that each padded-input pixel sees every tap.
    dilated = np.zeros((n, f, (h_out - 1) * sh + 1, (w_out - 1) * sw + 1))
    dilated[:, :, ::sh, ::sw] = dout
    hp, wp = xp.shape[2], xp.shape[3]
    full = np.pad(dilated, ((0, 0), (0, 0), (kh - 1, hp - dilated.shape[2]), (kw - 1, wp - dilated.shape[3])))
    dxp = np.einsum("nfhwij,fcij->nchw", _windows(full, kh, kw), w[:, :, ::-1, ::-1], optimize=True)
    dx = dxp[:, :, ph : ph + h, pw : pw + wd]
    return np.ascontiguousarray(dx), dw, db
