"""A vanilla tanh RNN.

The input projections x @ Wx + b of every step are one matrix product; only the recurrence
through Wh needs a loop over time, forwards and backwards. The weight gradients are then
computed for all steps at once from the stacked da.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def rnn_step_forward(
    x: np.ndarray, prev_h: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """x: (N, D), prev_h: (N, H) -> next_h (N, H), cache."""
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(
    dnext_h: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """-> dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,)."""
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1.0 - next_h * next_h)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """x: (N, T, D), h0: (N, H) -> h (N, T, H), cache."""
    n, t_steps, _ = x.shape
    projected = x @ Wx + b  # (N, T, H): the part of every step that does not wait on h
    h = np.empty((n, t_steps, h0.shape[1]))
    prev = h0
    for t in range(t_steps):
        prev = np.tanh(projected[:, t] + prev @ Wh)
        h[:, t] = prev
    return h, (x, h0, Wx, Wh, h)


def rnn_backward(
    dh: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """dh: (N, T, H) -> dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,)."""
    x, h0, Wx, Wh, h = cache
    da = np.empty_like(h)
    carry = np.zeros_like(h0)  # what step t+1 sends back to h[:, t]
    for t in reversed(range(h.shape[1])):
        da[:, t] = (dh[:, t] + carry) * (1.0 - h[:, t] ** 2)
        carry = da[:, t] @ Wh.T
    h_prev = np.concatenate([h0[:, None, :], h[:, :-1]], axis=1)  # the hidden state each step read
    dx = da @ Wx.T
    dWx = np.einsum("ntd,nth->dh", x, da)
    dWh = np.einsum("ntk,nth->kh", h_prev, da)
    db = da.sum(axis=(0, 1))
    return dx, carry, dWx, dWh, db
