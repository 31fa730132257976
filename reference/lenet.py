"""Reference LeNet pieces: an affine layer on flattened inputs, the mean softmax cross-entropy,
and LeNet ([conv + tanh] + 2x2 max pool, twice; then three affine layers with tanh between).

Written with torch ops only (no reference.conv or reference.pooling), so this part's reference
travels alone. `network` takes the activation and the flatten as arguments so the spec's
diagnoses can build a known mistake from the same graph; the graded functions use tanh and
torch's flatten(1)."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from reference import device
from reference.autograd import Tape, traced

Op = Callable[[torch.Tensor], torch.Tensor]


def _flatten(a: torch.Tensor) -> torch.Tensor:
    return a.flatten(1)


def _affine(x, w, b):
    return _flatten(x) @ w + b


def affine_forward(x, w, b):
    """x (N, d1, ..., dk), w (D, M), b (M,) -> (out (N, M), cache), out = x.flatten(1) @ w + b."""
    return traced(_affine, (x, w, b))


def affine_backward(dout, cache: Tape):
    """-> (dx, dw, db) by autograd (dx has x's shape)."""
    return cache.grads(dout)


def softmax_loss(scores, y):
    """scores (N, K), y (N,) int -> (loss, dscores (N, K)): the mean cross-entropy, torch's stable log-softmax."""
    s = device.tensor(scores, grad=True)
    loss = F.cross_entropy(s, device.exact(y).long())
    (dscores,) = torch.autograd.grad(loss, [s])
    return float(loss.detach()), device.numpy(dscores)


def network(x, w1, b1, w2, b2, w3, b3, w4, b4, w5, b5, *, act: Op = torch.tanh, flatten: Op = _flatten):
    """LeNet on tensors: conv(w1, pad K1 // 2) -> act -> pool; conv(w2) -> act -> pool; flatten;
    affine(w3) -> act -> affine(w4) -> act -> affine(w5)."""
    a = F.max_pool2d(act(F.conv2d(x, w1, b1, padding=w1.shape[2] // 2)), 2)
    a = F.max_pool2d(act(F.conv2d(a, w2, b2)), 2)
    h = act(flatten(a) @ w3 + b3)
    h = act(h @ w4 + b4)
    return h @ w5 + b5


def lenet_forward(x, w1, b1, w2, b2, w3, b3, w4, b4, w5, b5):
    """x (N, C, H, W), conv filters w1 (C1, C, K1, K1), w2 (C2, C1, K2, K2), affine weights
    w3 (D, H3), w4 (H3, H4), w5 (H4, K), biases of each layer's width -> (scores (N, K), cache)."""
    return traced(network, (x, w1, b1, w2, b2, w3, b3, w4, b4, w5, b5))


def lenet_backward(dscores, cache: Tape):
    """-> (dx, dw1, db1, ..., dw5, db5) by autograd."""
    return cache.grads(dscores)
