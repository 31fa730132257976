"""Vanilla tanh RNN with explicit loops over time, samples and hidden units."""
from __future__ import annotations

from typing import Any

import numpy as np


def rnn_step_forward(
    x: np.ndarray, prev_h: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """next_h[n, j] = tanh(x[n] . Wx[:, j] + prev_h[n] . Wh[:, j] + b[j]), one unit at a time."""
    next_h = np.zeros((x.shape[0], Wh.shape[1]))
    for n in range(x.shape[0]):
        for j in range(Wh.shape[1]):
            next_h[n, j] = np.tanh(np.dot(x[n], Wx[:, j]) + np.dot(prev_h[n], Wh[:, j]) + b[j])
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(
    dnext_h: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dprev_h, dWx, dWh, db) with da[n, j] = dnext_h[n, j] * (1 - next_h[n, j]**2), unit by unit."""
    x, prev_h, Wx, Wh, next_h = cache
    dx, dprev_h = np.zeros_like(x), np.zeros_like(prev_h)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[1])
    for n in range(x.shape[0]):
        for j in range(Wh.shape[1]):
            da = dnext_h[n, j] * (1 - next_h[n, j] ** 2)
            dx[n] += da * Wx[:, j]
            dprev_h[n] += da * Wh[:, j]
            dWx[:, j] += da * x[n]
            dWh[:, j] += da * prev_h[n]
            db[j] += da
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """x (N, T, D), h0 (N, H) -> h (N, T, H), one step after the other."""
    n_samples, steps = x.shape[:2]
    h = np.zeros((n_samples, steps, h0.shape[1]))
    caches = []
    prev_h = h0
    for t in range(steps):
        prev_h, step_cache = rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, caches


def rnn_backward(
    dh: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """dh (N, T, H) -> (dx, dh0, dWx, dWh, db) by backpropagation through time."""
    n_samples, steps, hidden = dh.shape
    _, _, Wx, Wh, _ = cache[0]
    dx = np.zeros((n_samples, steps, Wx.shape[0]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(hidden)
    carried = np.zeros((n_samples, hidden))
    for t in range(steps - 1, -1, -1):
        dx[:, t], carried, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carried, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried, dWx, dWh, db
