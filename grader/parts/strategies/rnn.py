"""The RNN's inputs: a step's or a sequence's inputs with a state kept out of tanh's saturation."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import reference.rnn
from grader.parts.strategies import SEEDS, lim
from grader.spec import Case, Scale, arg_names

RNN_STEP_ARGS = arg_names(reference.rnn.rnn_step_forward)
RNN_ARGS = arg_names(reference.rnn.rnn_forward)


@st.composite
def rnn_step_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n = draw(st.integers(1, lim("n", scale)))
    d = draw(st.integers(1, lim("d", scale)))
    hd = draw(st.integers(1, lim("d", scale)))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(RNN_STEP_ARGS, (rng.standard_normal((n, d)), *rnn_state(rng, n, d, hd)), seed)


@st.composite
def rnn_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n = draw(st.integers(1, lim("n", scale)))
    t = draw(st.integers(1, lim("t", scale)))
    d = draw(st.integers(1, lim("d", scale)))
    hd = draw(st.integers(1, lim("d", scale)))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(RNN_ARGS, (rng.standard_normal((n, t, d)), *rnn_state(rng, n, d, hd)), seed)


def rnn_state(rng: np.random.Generator, n: int, d: int, hd: int) -> tuple[np.ndarray, ...]:
    """h0/prev_h, Wx, Wh, b scaled so tanh stays out of saturation (its gradient stays visible)."""
    return (
        np.tanh(rng.standard_normal((n, hd))),
        rng.standard_normal((d, hd)) / np.sqrt(d),
        rng.standard_normal((hd, hd)) / np.sqrt(hd),
        rng.standard_normal(hd) * 0.1,
    )
