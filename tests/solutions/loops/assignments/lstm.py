"""LSTM (gates i, f, o, g) with explicit loops over time, samples and gate units."""
from __future__ import annotations

import math
from typing import Any

import numpy as np


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


def lstm_step_forward(
    x: np.ndarray, prev_h: np.ndarray, prev_c: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Any]:
    """a[n, j] = x[n] . Wx[:, j] + prev_h[n] . Wh[:, j] + b[j], then the gates one unit at a time."""
    samples, hidden = prev_h.shape
    a = np.zeros((samples, 4 * hidden))
    for n in range(samples):
        for j in range(4 * hidden):
            a[n, j] = np.dot(x[n], Wx[:, j]) + np.dot(prev_h[n], Wh[:, j]) + b[j]
    next_h, next_c = np.zeros((samples, hidden)), np.zeros((samples, hidden))
    for n in range(samples):
        for j in range(hidden):
            i, f, o = _sigmoid(a[n, j]), _sigmoid(a[n, hidden + j]), _sigmoid(a[n, 2 * hidden + j])
            g = math.tanh(a[n, 3 * hidden + j])
            next_c[n, j] = f * prev_c[n, j] + i * g
            next_h[n, j] = o * math.tanh(next_c[n, j])
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, a, next_c)


def lstm_step_backward(
    dnext_h: np.ndarray, dnext_c: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit by unit: dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2), then each gate's da."""
    x, prev_h, prev_c, Wx, Wh, a, next_c = cache
    samples, hidden = prev_h.shape
    da = np.zeros_like(a)
    dprev_c = np.zeros_like(prev_c)
    for n in range(samples):
        for j in range(hidden):
            i, f, o = _sigmoid(a[n, j]), _sigmoid(a[n, hidden + j]), _sigmoid(a[n, 2 * hidden + j])
            g = math.tanh(a[n, 3 * hidden + j])
            tc = math.tanh(next_c[n, j])
            dc = dnext_c[n, j] + dnext_h[n, j] * o * (1 - tc * tc)
            dprev_c[n, j] = dc * f
            da[n, j] = dc * g * i * (1 - i)
            da[n, hidden + j] = dc * prev_c[n, j] * f * (1 - f)
            da[n, 2 * hidden + j] = dnext_h[n, j] * tc * o * (1 - o)
            da[n, 3 * hidden + j] = dc * i * (1 - g * g)
    dx, dprev_h = np.zeros_like(x), np.zeros_like(prev_h)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * hidden)
    for n in range(samples):
        for j in range(4 * hidden):
            dx[n] += da[n, j] * Wx[:, j]
            dprev_h[n] += da[n, j] * Wh[:, j]
            dWx[:, j] += da[n, j] * x[n]
            dWh[:, j] += da[n, j] * prev_h[n]
            db[j] += da[n, j]
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """x (N, T, D), h0 (N, H) -> h (N, T, H), one step after the other from c0 = 0."""
    samples, steps = x.shape[:2]
    h = np.zeros((samples, steps, h0.shape[1]))
    prev_h, prev_c = h0, np.zeros_like(h0)
    caches = []
    for t in range(steps):
        prev_h, prev_c, step_cache = lstm_step_forward(x[:, t], prev_h, prev_c, Wx, Wh, b)
        h[:, t] = prev_h
        caches.append(step_cache)
    return h, caches


def lstm_backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """dh (N, T, H) -> (dx, dh0, dWx, dWh, db) by backpropagation through time."""
    samples, steps, hidden = dh.shape
    Wx, Wh = cache[0][3], cache[0][4]
    dx = np.zeros((samples, steps, Wx.shape[0]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * hidden)
    carried_h, carried_c = np.zeros((samples, hidden)), np.zeros((samples, hidden))
    for t in range(steps - 1, -1, -1):
        dx[:, t], carried_h, carried_c, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t] + carried_h, carried_c, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, carried_h, dWx, dWh, db
