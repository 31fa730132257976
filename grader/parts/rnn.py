"""A vanilla RNN: one step, and a whole sequence with backpropagation through time."""

from __future__ import annotations

from typing import Any

import numpy as np

import reference.rnn
from grader.compare import Tolerance
from grader.parts.mistakes.rnn import RNN_MISTAKES
from grader.parts.strategies.rnn import RNN_ARGS, RNN_STEP_ARGS, rnn_cases, rnn_state, rnn_step_cases
from grader.spec import Case, Diagnosis, Layer, PartSpec, Points, Timing

TOL = Tolerance(rtol=1e-6, atol=1e-8)


def _step_sample(rng: np.random.Generator) -> Case:
    return Case(RNN_STEP_ARGS, (rng.standard_normal((3, 4)), *rnn_state(rng, 3, 4, 5)))


def _sample(rng: np.random.Generator) -> Case:
    return Case(RNN_ARGS, (rng.standard_normal((3, 4, 5)), *rnn_state(rng, 3, 5, 6)))


def _benchmark(rng: np.random.Generator) -> Case:
    return Case(RNN_ARGS, (rng.standard_normal((64, 32, 64)), *rnn_state(rng, 64, 64, 64)))


def _step_grads(*args: Any) -> tuple[np.ndarray, ...]:
    x, prev_h, Wx, Wh, b, dnext, tanh_grad = args
    h = np.tanh(x @ Wx + prev_h @ Wh + b)
    da = dnext * tanh_grad(h)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=0), h


def _one_minus_h(output: int, step: bool):
    """The mistake tanh'(a) = 1 - h (it is 1 - h**2), in the step or through time."""

    def variant(case: Case, dout: np.ndarray) -> np.ndarray:
        if step:
            return _step_grads(*case.args(), dout, lambda h: 1 - h)[output]
        return _bptt(case, dout, lambda h: 1 - h, carry=True)[output]

    return variant


def _bptt(case: Case, dh: np.ndarray, tanh_grad, carry: bool):
    x, h0, Wx, Wh, b = case.args()
    T = x.shape[1]
    hs = [h0]
    for t in range(T):
        hs.append(np.tanh(x[:, t] @ Wx + hs[-1] @ Wh + b))
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dprev = np.zeros_like(h0)
    for t in reversed(range(T)):
        up = dh[:, t] + (dprev if carry else 0)
        da = up * tanh_grad(hs[t + 1])
        dx[:, t], dprev = da @ Wx.T, da @ Wh.T
        dWx += x[:, t].T @ da
        dWh += hs[t].T @ da
        db += da.sum(axis=0)
    return dx, dprev, dWx, dWh, db


def _no_carry(output: int):
    return lambda case, dout: _bptt(case, dout, lambda h: 1 - h**2, carry=False)[output]


RNN = PartSpec(
    name="rnn",
    module="rnn",
    reference=reference.rnn,
    seed=404,
    layers=(
        Layer(
            forward="rnn_step_forward",
            backward="rnn_step_backward",
            arrays=RNN_STEP_ARGS,
            cases=rnn_step_cases,
            points=Points(forward=2, backward=3, hidden_forward=1, hidden_backward=1, gradcheck=1, contract=0.5),
            tol=TOL,
            sample=_step_sample,
        ),
        Layer(
            forward="rnn_forward",
            backward="rnn_backward",
            arrays=RNN_ARGS,
            cases=rnn_cases,
            points=Points(forward=3, backward=5, hidden_forward=1, hidden_backward=2, gradcheck=1.5, contract=0.5, timing_forward=1.5, timing_backward=2),
            tol=TOL,
            sample=_sample,
            timing=Timing(benchmark=_benchmark, max_ratio=20.0),
        ),
    ),
    diagnoses=(
        *(
            Diagnosis(
                key="rnn-tanh-grad-one-minus-h",
                function="rnn_step_backward",
                hint="your gradient uses tanh'(a) = 1 - h; the derivative of tanh is 1 - h**2",
                variant=_one_minus_h(i, True),
                output=i,
            )
            for i in range(5)
        ),
        *(
            Diagnosis(
                key="rnn-tanh-grad-one-minus-h",
                function="rnn_backward",
                hint="your gradient uses tanh'(a) = 1 - h; the derivative of tanh is 1 - h**2",
                variant=_one_minus_h(i, False),
                output=i,
            )
            for i in range(5)
        ),
        *(
            Diagnosis(
                key="rnn-no-carry-through-time",
                function="rnn_backward",
                hint="your gradient ignores what flows back through time: the gradient of h[:, t] gets dh[:, t] plus the gradient that step t+1 sends to its prev_h",
                variant=_no_carry(i),
                output=i,
            )
            for i in (0, 2, 3, 4)
        ),
        *RNN_MISTAKES,
    ),
)
