"""Reference vanilla RNN: next_h = tanh(x @ Wx + prev_h @ Wh + b), unrolled over time."""

from __future__ import annotations

import torch

from reference.autograd import Tape, traced


def _step(x, prev_h, Wx, Wh, b):
    return torch.tanh(x @ Wx + prev_h @ Wh + b)


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), b (H,) -> (next_h (N, H), cache)."""
    return traced(_step, (x, prev_h, Wx, Wh, b))


def rnn_step_backward(dnext_h, cache: Tape):
    """-> (dx, dprev_h, dWx, dWh, db)."""
    return cache.grads(dnext_h)


def _unrolled(x, h0, Wx, Wh, b):
    hs, h = [], h0
    for t in range(x.shape[1]):
        h = _step(x[:, t], h, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs, dim=1)


def rnn_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H) -> (h (N, T, H), cache); h[:, t] is the state after step t."""
    return traced(_unrolled, (x, h0, Wx, Wh, b))


def rnn_backward(dh, cache: Tape):
    """dh (N, T, H), the upstream gradient of every h[:, t] -> (dx, dh0, dWx, dWh, db)."""
    return cache.grads(dh)
