"""A residual block: two convolutions plus a shortcut, out = relu(F(x) + shortcut(x))."""
from __future__ import annotations

from typing import Any

import numpy as np


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
    """Forward pass of a ResNet basic block.

    Every convolution below is conv2d_forward's (cross-correlation, zero padding) with
    pad = (KH // 2, KW // 2) of its own kernel, so an odd-sized kernel keeps the map size
    at stride 1.

    Args:
        x: (N, C, H, W) input.
        w1: (F, C, KH1, KW1), b1: (F,) the first convolution, applied with `stride`.
        w2: (F, F, KH2, KW2), b2: (F,) the second convolution, stride 1.
        ws: None for the identity shortcut (then F == C and stride must be 1), or
            (F, C, 1, 1), the 1x1 projection that matches channels and size.
        bs: (F,) the projection's bias; None with the identity shortcut.
        stride: int or (stride_h, stride_w) of the first convolution and the projection.

    Returns:
        out: (N, F, H_out, W_out), H_out = floor((H - 1) / stride_h) + 1, computed as
            h = relu(conv(x, w1, b1, stride, pad1))
            f = conv(h, w2, b2, 1, pad2)
            shortcut = x if ws is None else conv(x, ws, bs, stride, 0)
            out = relu(f + shortcut)
        cache: whatever residual_block_backward needs.
    """
    raise NotImplementedError("residual_block_forward is not implemented yet")


def residual_block_backward(dout: np.ndarray, cache: Any) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None
]:
    """Gradients of a loss L through residual_block_forward.

    Args:
        dout: (N, F, H_out, W_out), dL/dout.
        cache: the cache residual_block_forward returned.

    Returns:
        (dx, dw1, db1, dw2, db2, dws, dbs), each shaped like its argument; dws and dbs are
        None for the identity shortcut. With dz = dout * (f + shortcut > 0), dz flows both
        through the two convolutions and through the shortcut, and dx is the SUM of the two
        paths (the shortcut's share is dz itself for the identity).
    """
    raise NotImplementedError("residual_block_backward is not implemented yet")
