"""The classic mistakes of a vanilla RNN (grader/parts/rnn.py): one step and BPTT.

Each variant replays the step, or the whole BPTT loop, with one rule changed; the lecture's
step is h_t = tanh(x_t Wx + h_{t-1} Wh + b), the same Wx, Wh, b at every step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.spec import Case, Diagnosis

RIGHT: dict[str, bool] = {"last_only": False, "dwh_next": False, "wh_plain": False, "db_mean": False}


def _step_back(x, prev_h, Wx, Wh, h, dnext, rule: dict[str, bool]) -> tuple[np.ndarray, ...]:
    da = dnext * (1 - h**2)
    dprev = da @ (Wh if rule["wh_plain"] else Wh.T)
    dWh = (h if rule["dwh_next"] else prev_h).T @ da
    db = da.mean(axis=0) if rule["db_mean"] else da.sum(axis=0)
    return da @ Wx.T, dprev, x.T @ da, dWh, db


def _step(output: int, **changed: bool):
    rule = {**RIGHT, **changed}

    def variant(case: Case, dout: np.ndarray) -> np.ndarray:
        x, prev_h, Wx, Wh, b = case.args()
        h = np.tanh(x @ Wx + prev_h @ Wh + b)
        return _step_back(x, prev_h, Wx, Wh, h, dout, rule)[output]

    return variant


def _bptt(output: int, **changed: bool):
    rule = {**RIGHT, **changed}

    def variant(case: Case, dh: np.ndarray) -> np.ndarray:
        x, h0, Wx, Wh, b = case.args()
        T = x.shape[1]
        hs = [h0]
        for t in range(T):
            hs.append(np.tanh(x[:, t] @ Wx + hs[-1] @ Wh + b))
        grads: list[Any] = [np.zeros_like(x), None, np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        dprev = np.zeros_like(h0)
        for t in reversed(range(T)):
            up = dprev + (dh[:, t] if not rule["last_only"] or t == T - 1 else 0)
            dx_t, dprev, dWx, dWh, db = _step_back(x[:, t], hs[t], Wx, Wh, hs[t + 1], up, rule)
            grads[0][:, t] = dx_t
            grads[2] += dWx
            grads[3] += dWh
            grads[4] += db
        grads[1] = dprev
        return grads[output]

    return variant


def _forward(h0_rule: str):
    """rnn_forward with each step fed h0 ("every"), or started from zeros ("zeros")."""

    def variant(case: Case, dout: object) -> np.ndarray:
        x, h0, Wx, Wh, b = case.args()
        prev = np.zeros_like(h0) if h0_rule == "zeros" else h0
        hs = []
        for t in range(x.shape[1]):
            h = np.tanh(x[:, t] @ Wx + prev @ Wh + b)
            hs.append(h)
            prev = h0 if h0_rule == "every" else h
        return np.stack(hs, axis=1)

    return variant


STEP, SEQ = "rnn_step_backward", "rnn_backward"
ALL = range(5)


def _both(key: str, hint: str, outputs: dict[str, range | tuple[int, ...]], **changed: bool) -> tuple[Diagnosis, ...]:
    """One mistake's diagnoses on the step's gradients and on BPTT's."""
    make = {STEP: _step, SEQ: _bptt}
    return tuple(Diagnosis(key=key, function=f, output=i, hint=hint, variant=make[f](i, **changed)) for f, outs in outputs.items() for i in outs)


RNN_MISTAKES: tuple[Diagnosis, ...] = (
    *_both(
        "rnn-upstream-last-step-only",
        "your BPTT adds the upstream dh only at the last step; every step has a loss, so step t gets dh[:, t] plus the dprev_h step t+1 sends back",
        {SEQ: ALL},
        last_only=True,
    ),
    Diagnosis(
        key="rnn-dh0-zero",
        function=SEQ,
        output=1,
        hint="your dh0 is all zeros; dh0 is the dprev_h the first step sends back (h0 feeds step 0 through h0 @ Wh): return it",
        variant=lambda case, dh: np.zeros_like(case.get("h0")),
    ),
    *_both(
        "rnn-dwh-from-next-h",
        "your dWh multiplies da by the step's output next_h; Wh multiplies the step's input prev_h (a = x Wx + prev_h Wh + b), so dWh = prev_h.T @ da",
        {STEP: (3,), SEQ: (3,)},
        dwh_next=True,
    ),
    *_both(
        "rnn-wh-not-transposed",
        "your dprev_h uses Wh where its transpose belongs: a = ... + prev_h @ Wh, so dprev_h = da @ Wh.T",
        {STEP: (1,), SEQ: ALL},
        wh_plain=True,
    ),
    *_both(
        "rnn-db-batch-mean",
        "your db averages over the batch; b is added to every sample, so db = da.sum(axis=0) (and summed over the steps)",
        {STEP: (4,), SEQ: (4,)},
        db_mean=True,
    ),
    Diagnosis(
        key="rnn-h0-every-step",
        function="rnn_forward",
        hint="every step of your rnn_forward starts from h0; step t takes the previous step's h[:, t-1] (h0 only for t = 0): carry prev_h through the loop",
        variant=_forward("every"),
    ),
    Diagnosis(
        key="rnn-h0-ignored",
        function="rnn_forward",
        hint="your rnn_forward starts from zeros and ignores h0; the first step takes h0 as its prev_h",
        variant=_forward("zeros"),
    ),
)
