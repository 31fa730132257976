"""Reference residual block: out = relu(conv(relu(conv(x, w1, b1, stride)), w2, b2) + shortcut)."""

from __future__ import annotations

import torch.nn.functional as F

from reference.autograd import Tape, pair, traced


def _block(*args):
    x, w1, b1, w2, b2, ws, bs, stride = args
    h = F.relu(F.conv2d(x, w1, b1, stride=stride, padding=(w1.shape[2] // 2, w1.shape[3] // 2)))
    f = F.conv2d(h, w2, b2, stride=1, padding=(w2.shape[2] // 2, w2.shape[3] // 2))
    shortcut = x if ws is None else F.conv2d(x, ws, bs, stride=stride, padding=0)
    return F.relu(f + shortcut)


def residual_block_forward(x, w1, b1, w2, b2, ws=None, bs=None, stride=1):
    """x (N, C, H, W), w1 (F, C, K1h, K1w), w2 (F, F, K2h, K2w), optional 1x1 projection ws (F, C, 1, 1)
    -> (out (N, F, H_out, W_out), cache); the identity shortcut needs F == C and stride 1."""
    return traced(lambda *a: _block(*a, pair(stride)), (x, w1, b1, w2, b2, ws, bs))


def residual_block_backward(dout, cache: Tape):
    """-> (dx, dw1, db1, dw2, db2, dws, dbs); dws and dbs are None for the identity shortcut."""
    return cache.grads(dout)
