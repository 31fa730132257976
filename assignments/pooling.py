"""Max and average pooling (down-sampling without parameters): forward and backward."""
from __future__ import annotations

from typing import Any

import numpy as np


def max_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    """Keep the largest value of every KH x KW window, channel by channel.

    Args:
        x: (N, C, H, W) input feature maps.
        kernel_size: int or (KH, KW), the window size.
        stride: int or (stride_h, stride_w); None means stride = kernel_size (windows
            that tile the map without overlap). No padding; windows that would run past
            the border are dropped (floor mode), as in torch.nn.functional.max_pool2d.

    Returns:
        out: (N, C, H_out, W_out) with H_out = floor((H - KH) / stride_h) + 1, W_out likewise,
            out[n, c, r, s] = max_{i, j} x[n, c, r*stride_h + i, s*stride_w + j].
        cache: whatever max_pool2d_backward needs.
    """
    raise NotImplementedError("max_pool2d_forward is not implemented yet")


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """Route each window's upstream gradient to the input that was its maximum.

    Args:
        dout: (N, C, H_out, W_out), dL/dout.
        cache: the cache max_pool2d_forward returned.

    Returns:
        dx: (N, C, H, W). dout[n, c, r, s] goes entirely to the position of the window's
            maximum, all other positions of the window get 0.
            Ties: when several entries of a window equal its maximum, only the FIRST one in
            row-major order (smallest i, then smallest j) receives the gradient, as in PyTorch.
            Overlapping windows (stride < kernel): an input that is the maximum of several
            windows receives the SUM of their gradients.
    """
    raise NotImplementedError("max_pool2d_backward is not implemented yet")


def avg_pool2d_forward(
    x: np.ndarray,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> tuple[np.ndarray, Any]:
    """Average every KH x KW window, channel by channel.

    Args:
        x: (N, C, H, W) input feature maps.
        kernel_size: int or (KH, KW), the window size.
        stride: int or (stride_h, stride_w); None means stride = kernel_size. No padding,
            floor mode, as in torch.nn.functional.avg_pool2d.

    Returns:
        out: (N, C, H_out, W_out) with H_out = floor((H - KH) / stride_h) + 1, W_out likewise,
            out[n, c, r, s] = (1 / (KH*KW)) * sum_{i, j} x[n, c, r*stride_h + i, s*stride_w + j].
        cache: whatever avg_pool2d_backward needs.
    """
    raise NotImplementedError("avg_pool2d_forward is not implemented yet")


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """Spread each window's upstream gradient evenly over the window.

    Args:
        dout: (N, C, H_out, W_out), dL/dout.
        cache: the cache avg_pool2d_forward returned.

    Returns:
        dx: (N, C, H, W). Each of the KH*KW positions of window (r, s) receives
            dout[n, c, r, s] / (KH*KW); overlapping windows (stride < kernel) add up.
    """
    raise NotImplementedError("avg_pool2d_backward is not implemented yet")
