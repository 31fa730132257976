"""Vanilla tanh RNN, vectorized over the batch; the sequence loops only over time."""
from __future__ import annotations

from typing import Any

import numpy as np


def rnn_step_forward(
    x: np.ndarray, prev_h: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """x (N, D), prev_h (N, H), Wx (D, H), Wh (H, H), b (H,) -> next_h = tanh(x @ Wx + prev_h @ Wh + b)."""
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(
    dnext_h: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """dnext_h (N, H) -> (dx, dprev_h, dWx, dWh, db) with da = (1 - next_h**2) * dnext_h."""
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h**2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """x (N, T, D), h0 (N, H) -> h (N, T, H), h[:, t] = tanh(x[:, t] @ Wx + h[:, t-1] @ Wh + b)."""
    n, t_len = x.shape[:2]
    h = np.empty((n, t_len, h0.shape[1]))
    caches = []
    prev_h = h0
    for t in range(t_len):
        prev_h, step_cache = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, caches


def rnn_backward(
    dh: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """dh (N, T, H) -> (dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,)), BPTT.

    Step t receives dh[:, t] + the dprev_h of step t+1; weight gradients sum over steps.
    """
    n, t_len, hidden = dh.shape
    _, _, Wx, Wh, _ = cache[0]
    dx = np.empty((n, t_len, Wx.shape[0]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(hidden)
    dprev_h = np.zeros((n, hidden))
    for t in reversed(range(t_len)):
        dx[:, t], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev_h, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db
