"""An LSTM, gates i, f, o, g.

As in rnn.py, the input projections x @ Wx + b of every step are one matrix product and only the
recurrence loops over time; the weight gradients come from the stacked gate gradients at once.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _gates(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """a (N, 4H) -> i, f, o, g."""
    ifo = 0.5 * (1.0 + np.tanh(0.5 * a[:, : 3 * a.shape[1] // 4]))  # sigmoid, without overflow
    i, f, o = np.split(ifo, 3, axis=1)
    return i, f, o, np.tanh(a[:, 3 * a.shape[1] // 4 :])


def lstm_step_forward(
    x: np.ndarray, prev_h: np.ndarray, prev_c: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Any]:
    i, f, o, g = _gates(x @ Wx + prev_h @ Wh + b)
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, next_c, (i, f, o, g))


def _step_back(dnext_h: np.ndarray, dnext_c: np.ndarray, prev_c: np.ndarray, next_c: np.ndarray, gates: tuple) -> tuple[np.ndarray, np.ndarray]:
    """-> (da (N, 4H), dprev_c)."""
    i, f, o, g = gates
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1.0 - tc * tc)
    da = np.hstack([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dnext_h * tc * o * (1 - o), dc * i * (1 - g * g)])
    return da, dc * f


def lstm_step_backward(
    dnext_h: np.ndarray, dnext_c: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, prev_h, prev_c, Wx, Wh, next_c, gates = cache
    da, dprev_c = _step_back(dnext_h, dnext_c, prev_c, next_c, gates)
    return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def lstm_forward(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    n, t_len, _ = x.shape
    hidden = h0.shape[1]
    projected = x @ Wx + b  # (N, T, 4H), every step at once
    hs = np.zeros((n, t_len + 1, hidden))
    cs = np.zeros((n, t_len + 1, hidden))
    hs[:, 0] = h0
    steps = []
    for t in range(t_len):
        gates = _gates(projected[:, t] + hs[:, t] @ Wh)
        i, f, o, g = gates
        cs[:, t + 1] = f * cs[:, t] + i * g
        hs[:, t + 1] = o * np.tanh(cs[:, t + 1])
        steps.append(gates)
    return hs[:, 1:].copy(), (x, Wx, Wh, hs, cs, steps)


def lstm_backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, Wx, Wh, hs, cs, steps = cache
    n, t_len, hidden = dh.shape
    das = np.zeros((n, t_len, 4 * hidden))
    dprev_h, dprev_c = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in reversed(range(t_len)):
        das[:, t], dprev_c = _step_back(dh[:, t] + dprev_h, dprev_c, cs[:, t], cs[:, t + 1], steps[t])
        dprev_h = das[:, t] @ Wh.T
    dWx = np.einsum("ntd,ntg->dg", x, das)
    dWh = np.einsum("nth,ntg->hg", hs[:, :-1], das)
    return das @ Wx.T, dprev_h, dWx, dWh, das.sum(axis=(0, 1))
