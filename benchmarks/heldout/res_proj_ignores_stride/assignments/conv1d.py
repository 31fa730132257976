"""1-D convolution: the windows as a strided view, each output one einsum over (channel, tap).

dx is the transposed convolution: dout, dilated by the stride and padded by K - 1, correlated
with the kernel reversed.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv1d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> tuple[np.ndarray, Any]:
    """x (N, C, L), w (F, C, K), b (F,) -> out (N, F, L_out)."""
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    windows = sliding_window_view(xp, w.shape[2], axis=2)[:, :, ::stride]  # (N, C, L_out, K)
    out = np.einsum("nctk,fck->nft", windows, w) + b[None, :, None]
    return out, (xp, w, stride, pad, x.shape[2])


def conv1d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """-> dx (N, C, L), dw (F, C, K), db (F,)."""
    xp, w, stride, pad, length = cache
    n, f, l_out = dout.shape
    k = w.shape[2]
    windows = sliding_window_view(xp, k, axis=2)[:, :, ::stride][:, :, :l_out]
    dw = np.einsum("nft,nctk->fck", dout, windows)
    dilated = np.zeros((n, f, (l_out - 1) * stride + 1))
    dilated[:, :, ::stride] = dout
    # every position of xp, including the trailing ones no window reached
    span = xp.shape[2] + k - 1 - dilated.shape[2]
    full = np.pad(dilated, ((0, 0), (0, 0), (k - 1, span - (k - 1))))
    dxp = np.einsum("nfsk,fck->ncs", sliding_window_view(full, k, axis=2), w[:, :, ::-1])
    return dxp[:, :, pad : pad + length], dw, dout.sum(axis=(0, 2))
