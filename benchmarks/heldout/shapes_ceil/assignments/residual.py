"""A ResNet basic block built from my conv layer: out = relu(conv2(relu(conv1(x))) + shortcut(x))."""
from __future__ import annotations

from typing import Any

import numpy as np

from .conv import conv2d_backward, conv2d_forward


def _same(w: np.ndarray) -> tuple[int, int]:
    """The padding that keeps an odd kernel's output the size of its input at stride 1."""
    return w.shape[2] // 2, w.shape[3] // 2


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
    """x: (N, C, H, W) -> out (N, F, H_out, W_out), cache."""
    a1, conv1 = conv2d_forward(x, w1, b1, stride, _same(w1))
    h = np.maximum(a1, 0.0)
    f, conv2 = conv2d_forward(h, w2, b2, 1, _same(w2))
    if ws is None:
        shortcut, proj = x, None
    else:
        shortcut, proj = conv2d_forward(x, ws, bs, stride, 0)
    z = f + shortcut
    return np.maximum(z, 0.0), (conv1, a1 > 0, conv2, proj, z > 0)


def residual_block_backward(dout: np.ndarray, cache: Any) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None
]:
    """-> (dx, dw1, db1, dw2, db2, dws, dbs); dws and dbs are None for the identity shortcut."""
    conv1, h_alive, conv2, proj, z_alive = cache
    dz = dout * z_alive
    dh, dw2, db2 = conv2d_backward(dz, conv2)
    dx, dw1, db1 = conv2d_backward(dh * h_alive, conv1)
    if proj is None:
        return dx + dz, dw1, db1, dw2, db2, None, None
    dx_skip, dws, dbs = conv2d_backward(dz, proj)
    return dx + dx_skip, dw1, db1, dw2, db2, dws, dbs
