"""An LSTM, gates i, f, o, g: one step (two outputs, two upstream gradients) and a whole sequence."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference.lstm
from grader.compare import Tolerance
from grader.parts.strategies import SEEDS
from grader.spec import Case, Diagnosis, Layer, PartSpec, Points, Scale, Timing, arg_names

STEP_ARGS = arg_names(reference.lstm.lstm_step_forward)
ARGS = arg_names(reference.lstm.lstm_forward)
TOL = Tolerance(rtol=1e-6, atol=1e-8)
SIZE: dict[Scale, int] = {"public": 4, "hidden": 12, "grad": 3}  # features and hidden units
SAMPLES: dict[Scale, int] = {"public": 3, "hidden": 8, "grad": 2}
STEPS: dict[Scale, int] = {"public": 4, "hidden": 10, "grad": 3}


def weights(rng: np.random.Generator, d: int, hidden: int) -> tuple[np.ndarray, ...]:
    """Wx, Wh, b scaled so that the gates' sigmoids and the tanhs stay out of saturation."""
    return rng.standard_normal((d, 4 * hidden)) / np.sqrt(d), rng.standard_normal((hidden, 4 * hidden)) / np.sqrt(hidden), rng.standard_normal(4 * hidden) * 0.1


def steps(draw: st.DrawFn, scale: Scale) -> int:
    """T = 1 (one step: nothing flows through time) as often as T > 1."""
    return draw(st.one_of(st.just(1), st.integers(2, STEPS[scale])))


@st.composite
def step_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n, d, hidden = draw(st.integers(1, SAMPLES[scale])), draw(st.integers(1, SIZE[scale])), draw(st.integers(1, SIZE[scale]))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    state = (np.tanh(rng.standard_normal((n, hidden))), rng.standard_normal((n, hidden)))
    return Case(STEP_ARGS, (rng.standard_normal((n, d)), *state, *weights(rng, d, hidden)), seed)


@st.composite
def sequence_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n, t = draw(st.integers(1, SAMPLES[scale])), steps(draw, scale)
    d, hidden = draw(st.integers(1, SIZE[scale])), draw(st.integers(1, SIZE[scale]))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(ARGS, (rng.standard_normal((n, t, d)), np.tanh(rng.standard_normal((n, hidden))), *weights(rng, d, hidden)), seed)


def _step_sample(rng: np.random.Generator) -> Case:
    return Case(STEP_ARGS, (rng.standard_normal((3, 4)), np.tanh(rng.standard_normal((3, 5))), rng.standard_normal((3, 5)), *weights(rng, 4, 5)))


def _sample(rng: np.random.Generator) -> Case:
    return Case(ARGS, (rng.standard_normal((3, 4, 5)), np.tanh(rng.standard_normal((3, 6))), *weights(rng, 5, 6)))


def _benchmark(rng: np.random.Generator) -> Case:
    return Case(ARGS, (rng.standard_normal((64, 16, 32)), np.tanh(rng.standard_normal((64, 32))), *weights(rng, 32, 32)))


def _torch_order(case: Case) -> Case:
    """The weights with the o and g blocks swapped: the reference then reads its gates as i, f, g, o."""
    swap = [0, 1, 3, 2]

    def blocks(a: np.ndarray) -> np.ndarray:
        return np.concatenate([np.split(a, 4, axis=-1)[k] for k in swap], axis=-1)

    return case.replace("Wx", blocks(case.get("Wx"))).replace("Wh", blocks(case.get("Wh"))).replace("b", blocks(case.get("b")))


def _gate_order(forward: str, output: int):
    def variant(case: Case, dout: Any) -> np.ndarray:
        return getattr(reference.lstm, forward)(*_torch_order(case).args())[output]

    return variant


def _no_dnext_c(output: int):
    """The step's gradients as if dnext_c were zero: next_c's gradient taken from next_h alone."""

    def variant(case: Case, douts: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        *_, tape = reference.lstm.lstm_step_forward(*case.args())
        return reference.lstm.lstm_step_backward(douts[0], np.zeros_like(douts[1]), tape)[output]

    return variant


def _bptt(case: Case, dh: np.ndarray, carry_h: bool, carry_c: bool) -> tuple[np.ndarray, ...]:
    """Backpropagation through time by the reference's steps, carrying dprev_h and dprev_c or not."""
    x, h0, Wx, Wh, b = case.args()
    tapes, h, c = [], h0, np.zeros_like(h0)
    for t in range(x.shape[1]):
        h, c, tape = reference.lstm.lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        tapes.append(tape)
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_prev, dc_prev = np.zeros_like(h0), np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        up_h = dh[:, t] + dh_prev if carry_h else dh[:, t]
        up_c = dc_prev if carry_c else np.zeros_like(dc_prev)
        dx[:, t], dh_prev, dc_prev, dWx_t, dWh_t, db_t = reference.lstm.lstm_step_backward(up_h, up_c, tapes[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh_prev, dWx, dWh, db


def _c0_from_h0(case: Case, dout: Any) -> np.ndarray:
    """The hidden states of a sequence whose cell state starts from h0 instead of zero."""
    x, h0, Wx, Wh, b = case.args()
    hs, h, c = [], h0, h0
    for t in range(x.shape[1]):
        h, c, _ = reference.lstm.lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
    return np.stack(hs, axis=1)


def _carried(output: int, carry_h: bool, carry_c: bool):
    return lambda case, dh: _bptt(case, dh, carry_h, carry_c)[output]


GATES = "your gates are in torch.nn.LSTM's order i, f, g, o; here a = x @ Wx + prev_h @ Wh + b splits as [a_i | a_f | a_o | a_g]"
NO_DNEXT_C = "your gradient leaves dnext_c out: next_c's gradient is dnext_c + dnext_h * o * (1 - tanh(next_c)**2)"
NO_CELL_CARRY = "your gradient does not carry the cell state's gradient through time: step t's dnext_c is the dprev_c that step t+1 sent back"
NO_HIDDEN_CARRY = "your gradient ignores what flows back through time: the gradient of h[:, t] gets dh[:, t] plus the dprev_h that step t+1 sends back"

LSTM = PartSpec(
    name="lstm",
    module="lstm",
    reference=reference.lstm,
    seed=707,
    layers=(
        Layer(
            forward="lstm_step_forward",
            backward="lstm_step_backward",
            arrays=STEP_ARGS,
            outputs=("next_h", "next_c"),
            cases=step_cases,
            points=Points(forward=2, backward=3, hidden_forward=1, hidden_backward=1, gradcheck=1, contract=0.5),
            tol=TOL,
            sample=_step_sample,
        ),
        Layer(
            forward="lstm_forward",
            backward="lstm_backward",
            arrays=ARGS,
            cases=sequence_cases,
            points=Points(forward=3, backward=5, hidden_forward=1, hidden_backward=2, gradcheck=1.5, contract=0.5, timing_forward=1.5, timing_backward=2),
            tol=TOL,
            sample=_sample,
            timing=Timing(benchmark=_benchmark, max_ratio=20.0),
            examples={"public": 25, "hidden": 25, "grad": 3},
        ),
    ),
    diagnoses=(
        *(
            Diagnosis(key="lstm-gate-order", function="lstm_step_forward", hint=GATES, variant=_gate_order("lstm_step_forward", k), forward_output=k)
            for k in (0, 1)
        ),
        Diagnosis(key="lstm-gate-order", function="lstm_forward", hint=GATES, variant=_gate_order("lstm_forward", 0)),
        Diagnosis(
            key="lstm-c0-from-h0",
            function="lstm_forward",
            hint="your cell state starts from h0; it starts from zero (c0 = 0, not an argument)",
            variant=_c0_from_h0,
        ),
        *(Diagnosis(key="lstm-no-dnext-c", function="lstm_step_backward", hint=NO_DNEXT_C, variant=_no_dnext_c(k), output=k) for k in range(6)),
        *(Diagnosis(key="lstm-no-cell-carry", function="lstm_backward", hint=NO_CELL_CARRY, variant=_carried(k, True, False), output=k) for k in range(5)),
        *(Diagnosis(key="lstm-no-hidden-carry", function="lstm_backward", hint=NO_HIDDEN_CARRY, variant=_carried(k, False, True), output=k) for k in range(5)),
    ),
)
