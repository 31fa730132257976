"""Reference LSTM, gates in the order i, f, o, g: one step and a whole sequence from c0 = 0.

Written out in torch ops rather than torch.nn.LSTM, whose weights hold the gates as i, f, g, o.
"""

from __future__ import annotations

import torch

from reference.autograd import Tape, traced


def _step(x, prev_h, prev_c, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    i, f, o, g = a.chunk(4, dim=1)
    next_c = torch.sigmoid(f) * prev_c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(next_c), next_c


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """x (N, D), prev_h and prev_c (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,) -> (next_h, next_c, cache)."""
    (next_h, next_c), tape = traced(_step, (x, prev_h, prev_c, Wx, Wh, b))
    return next_h, next_c, tape


def lstm_step_backward(dnext_h, dnext_c, cache: Tape):
    """-> (dx, dprev_h, dprev_c, dWx, dWh, db) by autograd, with both upstream gradients."""
    return cache.grads(dnext_h, dnext_c)


def _unrolled(x, h0, Wx, Wh, b):
    hs, h, c = [], h0, torch.zeros_like(h0)
    for t in range(x.shape[1]):
        h, c = _step(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs, dim=1)


def lstm_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H) -> (h (N, T, H), cache); the cell state starts at zero."""
    return traced(_unrolled, (x, h0, Wx, Wh, b))


def lstm_backward(dh, cache: Tape):
    """dh (N, T, H) -> (dx, dh0, dWx, dWh, db) by autograd through time."""
    return cache.grads(dh)
