"""Sequence to sequence: a temporal affine layer, a masked temporal softmax loss (an integer target
and a boolean mask, no gradient for either), and an encoder-decoder of two RNNs."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference.rnn
import reference.seq2seq
from grader.compare import Tolerance
from grader.parts.strategies import SEEDS
from grader.spec import Case, Diagnosis, Example, Layer, PartSpec, Points, Scale, Timing, arg_names

AFFINE_ARGS = arg_names(reference.seq2seq.temporal_affine_forward)
LOSS_ARGS = arg_names(reference.seq2seq.temporal_softmax_loss)
ARGS = arg_names(reference.seq2seq.seq2seq_forward)
TOL = Tolerance(rtol=1e-6, atol=1e-8)
SIZE: dict[Scale, int] = {"public": 4, "hidden": 10, "grad": 3}  # features, hidden units, vocabulary
SAMPLES: dict[Scale, int] = {"public": 3, "hidden": 6, "grad": 2}
STEPS: dict[Scale, int] = {"public": 4, "hidden": 8, "grad": 3}
LARGE = 1000.0  # scores this large overflow a naive exp (exp(710) is inf)


def _steps(draw: st.DrawFn, scale: Scale) -> int:
    """One step as often as several."""
    return draw(st.one_of(st.just(1), st.integers(2, STEPS[scale])))


def _size(draw: st.DrawFn, scale: Scale) -> int:
    return draw(st.integers(1, SIZE[scale]))


@st.composite
def affine_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n, t, d, m = draw(st.integers(1, SAMPLES[scale])), _steps(draw, scale), _size(draw, scale), _size(draw, scale)
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(AFFINE_ARGS, (rng.standard_normal((n, t, d)), rng.standard_normal((d, m)), rng.standard_normal(m)), seed)


def loss_case(rng: np.random.Generator, n: int, t: int, v: int, shift: float = 0.0, seed: int = 0) -> Case:
    """Scores spread by 3 around `shift`; every target a valid index, masked or not; about 3 in 4 steps counted."""
    scores = rng.standard_normal((n, t, v)) * 3 + shift
    return Case(LOSS_ARGS, (scores, rng.integers(0, v, (n, t)), rng.random((n, t)) < 0.75), seed)


@st.composite
def loss_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Scores near 0 or near +-LARGE (softmax does not move; a naive exp overflows)."""
    n, t, v = draw(st.integers(1, SAMPLES[scale])), _steps(draw, scale), _size(draw, scale)
    shift = draw(st.sampled_from([0.0, LARGE, -LARGE]))
    seed = draw(SEEDS)
    return loss_case(np.random.default_rng(seed), n, t, v, shift, seed)


def rnn_weights(rng: np.random.Generator, d: int, hidden: int) -> tuple[np.ndarray, ...]:
    """Wx, Wh, b scaled so tanh stays out of saturation (its gradient stays visible)."""
    return rng.standard_normal((d, hidden)) / np.sqrt(d), rng.standard_normal((hidden, hidden)) / np.sqrt(hidden), rng.standard_normal(hidden) * 0.1


def seq2seq_case(rng: np.random.Generator, n: int, s: int, t: int, d: int, hidden: int, v: int, seed: int = 0) -> Case:
    out = (rng.standard_normal((hidden, v)) / np.sqrt(hidden), rng.standard_normal(v) * 0.1)
    inputs = (rng.standard_normal((n, s, d)), rng.standard_normal((n, t, d)))
    return Case(ARGS, (*inputs, *rnn_weights(rng, d, hidden), *rnn_weights(rng, d, hidden), *out), seed)


@st.composite
def seq2seq_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n, s, t = draw(st.integers(1, SAMPLES[scale])), _steps(draw, scale), _steps(draw, scale)
    d, hidden, v = _size(draw, scale), _size(draw, scale), _size(draw, scale)
    seed = draw(SEEDS)
    return seq2seq_case(np.random.default_rng(seed), n, s, t, d, hidden, v, seed)


def _large_scores() -> Case:
    return loss_case(np.random.default_rng(5), 2, 3, 5, LARGE)


def _counted_mean(output: int):
    """The loss and its gradient divided by the number of counted steps instead of N."""

    def variant(case: Case, dout: Any) -> Any:
        counted = int(case.get("mask").sum())
        if not counted:
            return None  # 0 / 0: no value to recognise
        loss, dscores = reference.seq2seq.temporal_softmax_loss(*case.args())
        scale = case.get("scores").shape[0] / counted
        return (loss * scale, dscores * scale)[output]

    return variant


def _unmasked(output: int):
    def variant(case: Case, dout: Any) -> Any:
        return reference.seq2seq.temporal_softmax_loss(*case.replace("mask", np.ones_like(case.get("mask"))).args())[output]

    return variant


def _decoder_from_zero(case: Case, dout: Any) -> np.ndarray:
    """The scores of a decoder started from zeros: the encoder's state never reaches it."""
    x_tgt, wx_d, wh_d, b_d, w_out, b_out = (case.get(n) for n in ("x_tgt", "Wx_dec", "Wh_dec", "b_dec", "W_out", "b_out"))
    h_dec, _ = reference.rnn.rnn_forward(x_tgt, np.zeros((x_tgt.shape[0], wh_d.shape[0])), wx_d, wh_d, b_d)
    return h_dec @ w_out + b_out


def _encoder_without_gradient(output: int):
    return lambda case, dout: np.zeros_like(case.values[output])


NO_ENCODER_GRAD = (
    "the encoder gets no gradient: the decoder's dh0 is the gradient of the encoder's last hidden state, "
    "so the encoder's backward starts from dh_enc[:, -1] = dh0 (zeros at the other steps)"
)

SEQ2SEQ = PartSpec(
    name="seq2seq",
    module="seq2seq",
    reference=reference.seq2seq,
    seed=808,
    builds_on=("rnn",),
    layers=(
        Layer(
            forward="temporal_affine_forward",
            backward="temporal_affine_backward",
            arrays=AFFINE_ARGS,
            cases=affine_cases,
            points=Points(forward=1.5, backward=2, hidden_forward=0.5, hidden_backward=0.5, gradcheck=0.5, contract=0.5),
            tol=TOL,
            sample=lambda rng: Case(AFFINE_ARGS, (rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5))),
            examples={"public": 20, "hidden": 20, "grad": 3},
        ),
        Layer(
            forward="temporal_softmax_loss",
            backward=None,
            arrays=("scores",),
            no_grad=("y", "mask"),
            outputs=("loss", "dscores"),
            scalars=("loss",),
            returns_cache=False,
            cases=loss_cases,
            points=Points(forward=3, hidden_forward=1, contract=0.5, timing_forward=1),
            tol=TOL,
            sample=lambda rng: loss_case(rng, 3, 4, 6),
            timing=Timing(benchmark=lambda rng: loss_case(rng, 32, 16, 128), max_ratio=20.0),
        ),
        Layer(
            forward="seq2seq_forward",
            backward="seq2seq_backward",
            arrays=ARGS,
            cases=seq2seq_cases,
            points=Points(forward=3, backward=5, hidden_forward=1, hidden_backward=2, gradcheck=1.5, contract=0.5, timing_forward=1.5, timing_backward=2),
            tol=TOL,
            sample=lambda rng: seq2seq_case(rng, 3, 4, 5, 3, 6, 7),
            timing=Timing(benchmark=lambda rng: seq2seq_case(rng, 32, 16, 16, 32, 64, 64), max_ratio=20.0),
            examples={"public": 25, "hidden": 25, "grad": 3},
        ),
    ),
    examples=(
        Example(
            key="large-scores",
            name="temporal_softmax_loss, scores near 1000",
            layer="temporal_softmax_loss",
            case=_large_scores(),
            points=1,
            note="scores near 1000: exp(1000) overflows to inf unless each row's maximum is subtracted first (the loss does not change)",
        ),
    ),
    diagnoses=(
        *(
            Diagnosis(
                key="softmax-loss-mean-over-counted-steps",
                function="temporal_softmax_loss",
                hint="your loss is divided by the number of counted steps; divide by N, the batch size",
                variant=_counted_mean(k),
                forward_output=k,
            )
            for k in (0, 1)
        ),
        *(
            Diagnosis(
                key="softmax-loss-counts-masked-steps",
                function="temporal_softmax_loss",
                hint="your loss counts the masked steps too: only steps where mask is True count",
                variant=_unmasked(k),
                forward_output=k,
            )
            for k in (0, 1)
        ),
        Diagnosis(
            key="seq2seq-decoder-from-zeros",
            function="seq2seq_forward",
            hint="your decoder starts from zeros: its h0 is the encoder's last hidden state h_enc[:, -1]",
            variant=_decoder_from_zero,
        ),
        *(
            Diagnosis(key="seq2seq-no-encoder-gradient", function="seq2seq_backward", hint=NO_ENCODER_GRAD, variant=_encoder_without_gradient(k), output=k)
            for k in (0, 2, 3, 4)
        ),
    ),
)
