"""A 1-D convolution layer (cross-correlation with zero padding and stride): forward and backward."""
from __future__ import annotations

from typing import Any

import numpy as np


def conv1d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> tuple[np.ndarray, Any]:
    """Slide F filters along a zero-padded batch of sequences (the lecture's 1-D example).

    Each output is the dot product of a filter with the window of the input under it, and the
    window slides along the sequence: with the lecture's filter [-1, 0, 1], a flat window
    [1, 1, 1] gives -1*1 + 0*1 + 1*1 = 0, and a window across a step gives +-1 (an edge detector).

    Args:
        x: (N, C, L) input: N samples, C channels, L positions.
        w: (F, C, K) filters: F output channels, each a C x K template.
        b: (F,) one bias per filter.
        stride: int, the step between neighbouring windows.
        pad: int, the zeros added at both ends of every sequence; pad = floor(K / 2) keeps the
            length at stride 1.

    Returns:
        out: (N, F, L_out) with L_out = floor((L + 2*pad - K) / stride) + 1 and
            out[n, f, t] = b[f] + sum_{c, i} w[f, c, i] * xp[n, c, t*stride + i]
            where xp is x zero-padded: the lecture's y[n] = sum_i w[i] x[n + i], summed over
            the input channels. The kernel is NOT flipped, exactly as in torch.nn.functional.conv1d.
        cache: whatever conv1d_backward needs; only your own code reads it.
    """
    raise NotImplementedError("conv1d_forward is not implemented yet")


def conv1d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through conv1d_forward.

    Args:
        dout: (N, F, L_out), dL/dout.
        cache: the cache conv1d_forward returned.

    Returns:
        dx: (N, C, L), dL/dx. Every input position collects dout[n, f, t] * w[f, c, i] from
            each window t that covers it at offset i (position t*stride + i of xp); the
            padding's gradient is dropped.
        dw: (F, C, K), dL/dw[f, c, i] = sum_{n, t} dout[n, f, t] * xp[n, c, t*stride + i].
        db: (F,), dL/db[f] = sum_{n, t} dout[n, f, t].
    """
    raise NotImplementedError("conv1d_backward is not implemented yet")
