"""Reference 2-D convolution (cross-correlation, zero padding) with F.conv2d."""

from __future__ import annotations

import torch.nn.functional as F

from reference.autograd import Tape, pair, traced


def conv2d_forward(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> (out (N, F, H_out, W_out), cache)."""
    return traced(lambda x, w, b: F.conv2d(x, w, b, stride=pair(stride), padding=pair(pad)), (x, w, b))


def conv2d_backward(dout, cache: Tape):
    """-> (dx, dw, db) by autograd."""
    return cache.grads(dout)
