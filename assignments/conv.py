"""A 2-D convolution layer (cross-correlation with zero padding and stride): forward and backward."""
from __future__ import annotations

from typing import Any

import numpy as np


def conv2d_forward(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray,
    stride: int | tuple[int, int] = 1,
    pad: int | tuple[int, int] = 0,
) -> tuple[np.ndarray, Any]:
    """Slide F filters over a zero-padded batch of feature maps.

    Args:
        x: (N, C, H, W) input: N samples, C channels, H x W pixels.
        w: (F, C, KH, KW) filters: F output channels, each a C x KH x KW template.
        b: (F,) one bias per filter.
        stride: int or (stride_h, stride_w), the step between neighbouring windows.
        pad: int or (pad_h, pad_w), the zeros added above and below (left and right)
            of every feature map; pad = floor(kernel_size / 2) keeps the size at stride 1.

    Returns:
        out: (N, F, H_out, W_out) with
            H_out = floor((H + 2*pad_h - KH) / stride_h) + 1, W_out likewise, and
            out[n, f, r, s] = b[f] + sum_{c, i, j} w[f, c, i, j] * xp[n, c, r*stride_h + i, s*stride_w + j]
            where xp is x zero-padded: the lecture's y[n, m] = sum_{i,j} w[i, j] x[n+i, m+j],
            summed over the input channels. The kernel is NOT flipped, exactly as in
            torch.nn.functional.conv2d.
        cache: whatever conv2d_backward needs; only your own code reads it.
    """
    raise NotImplementedError("conv2d_forward is not implemented yet")


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through conv2d_forward.

    Args:
        dout: (N, F, H_out, W_out), dL/dout.
        cache: the cache conv2d_forward returned.

    Returns:
        dx: (N, C, H, W), dL/dx. Every input pixel collects dout[n, f, r, s] * w[f, c, i, j]
            from each window (r, s) that covers it at offset (i, j); the padding's gradient
            is dropped.
        dw: (F, C, KH, KW), dL/dw[f, c, i, j] = sum_{n, r, s} dout[n, f, r, s] * xp[n, c, r*stride_h + i, s*stride_w + j].
        db: (F,), dL/db[f] = sum_{n, r, s} dout[n, f, r, s].
    """
    raise NotImplementedError("conv2d_backward is not implemented yet")
