"""Reference 1-D convolution (cross-correlation, zero padding, stride) with F.conv1d."""

from __future__ import annotations

import torch.nn.functional as F

from reference.autograd import Tape, traced


def conv1d_forward(x, w, b, stride=1, pad=0):
    """x (N, C, L), w (F, C, K), b (F,) -> (out (N, F, L_out), cache), L_out = (L + 2*pad - K) // stride + 1."""
    return traced(lambda x, w, b: F.conv1d(x, w, b, stride=int(stride), padding=int(pad)), (x, w, b))


def conv1d_backward(dout, cache: Tape):
    """-> (dx, dw, db) by autograd."""
    return cache.grads(dout)
