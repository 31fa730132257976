"""ResNet basic block on top of my conv layer."""
from __future__ import annotations

from typing import Any

import numpy as np

from .conv import conv2d_backward, conv2d_forward


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
    pad1 = (w1.shape[2] // 2, w1.shape[3] // 2)
    pad2 = (w2.shape[2] // 2, w2.shape[3] // 2)

    a1, cache1 = conv2d_forward(x, w1, b1, stride, pad1)
    h1 = np.maximum(0, a1)
    f, cache2 = conv2d_forward(h1, w2, b2, 1, pad2)

    if ws is None:
        shortcut, cache_s = x, None
    else:
        shortcut, cache_s = conv2d_forward(x, ws, bs, stride, 0)

    z = f + shortcut
    out = np.maximum(0, z)
    return out, (cache1, a1, cache2, cache_s, z)


def residual_block_backward(dout: np.ndarray, cache: Any) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None
]:
    cache1, a1, cache2, cache_s, z = cache
    dz = dout * (z > 0)

    # main path
    dh1, dw2, db2 = conv2d_backward(dz, cache2)
    da1 = dh1 * (a1 > 0)
    dx_main, dw1, db1 = conv2d_backward(da1, cache1)

    # shortcut path: the skip connection passes the gradient straight through
    if cache_s is None:
        dx_skip, dws, dbs = dout, None, None
    else:
        dx_skip, dws, dbs = conv2d_backward(dout, cache_s)

    dx = dx_main + dx_skip
    return dx, dw1, db1, dw2, db2, dws, dbs
