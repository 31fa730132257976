"""ResNet basic block, out = relu(conv2(relu(conv1(x))) + shortcut(x)), on the private conv kernels."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._convcore import conv_backward, conv_forward


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
    """x (N, C, H, W) -> out (N, F, H_out, W_out), H_out = (H - 1) // stride_h + 1 for odd kernels.

    h = relu(conv(x, w1, b1, stride, pad1)); f = conv(h, w2, b2, 1, pad2);
    shortcut = x or conv(x, ws, bs, stride, 0); out = relu(f + shortcut), pad = (KH//2, KW//2).
    """
    a1, c1 = conv_forward(x, w1, b1, stride, (w1.shape[2] // 2, w1.shape[3] // 2))
    h = np.maximum(a1, 0)
    f, c2 = conv_forward(h, w2, b2, 1, (w2.shape[2] // 2, w2.shape[3] // 2))
    if ws is None:
        shortcut, cs = x, None
    else:
        shortcut, cs = conv_forward(x, ws, bs, stride, 0)
    if shortcut.shape != f.shape:
        raise ValueError(
            f"shortcut {shortcut.shape} does not match the residual branch {f.shape} "
            "(the identity shortcut needs stride 1 and F == C)"
        )
    z = f + shortcut
    return np.maximum(z, 0), (a1, c1, c2, cs, z)


def residual_block_backward(dout: np.ndarray, cache: Any) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None
]:
    """dout (N, F, H_out, W_out) -> (dx, dw1, db1, dw2, db2, dws, dbs); dws, dbs None for identity.

    dz = dout * (z > 0) reaches x through the branch and through the shortcut; dx sums both.
    """
    a1, c1, c2, cs, z = cache
    dz = dout * (z > 0)
    dh, dw2, db2 = conv_backward(dz, c2)
    dx_branch, dw1, db1 = conv_backward(dh * (a1 > 0), c1)
    if cs is None:
        dshortcut, dws, dbs = dz, None, None
    else:
        dshortcut, dws, dbs = conv_backward(dz, cs)
    dx = dx_branch + dshortcut
    return dx, dw1, db1, dw2, db2, dws, dbs
