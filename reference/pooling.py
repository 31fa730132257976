"""Reference max and average pooling (no padding, floor mode) with F.max_pool2d / F.avg_pool2d."""

from __future__ import annotations

import torch.nn.functional as F

from reference.autograd import Tape, pair, traced


def max_pool2d_forward(x, kernel_size, stride=None):
    """x (N, C, H, W) -> (out (N, C, H_out, W_out), cache); stride defaults to kernel_size."""
    k = pair(kernel_size)
    s = k if stride is None else pair(stride)
    return traced(lambda x: F.max_pool2d(x, k, s), (x,), single=True)


def max_pool2d_backward(dout, cache: Tape):
    """-> dx; a window's gradient goes to its first maximum in row-major order, as torch does."""
    return cache.grads(dout)


def avg_pool2d_forward(x, kernel_size, stride=None):
    k = pair(kernel_size)
    s = k if stride is None else pair(stride)
    return traced(lambda x: F.avg_pool2d(x, k, s), (x,), single=True)


def avg_pool2d_backward(dout, cache: Tape):
    return cache.grads(dout)
