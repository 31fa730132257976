"""Transformers: layer norm, masked scaled dot-product attention (a boolean mask, no gradient),
multi-head attention, and a pre-norm encoder block built from the student's own pieces."""

from __future__ import annotations

import numpy as np

import reference.transformer as ref
from grader.compare import Tolerance
from grader.parts.strategies.transformer import (
    ATT_ARGS,
    ENC_ARGS,
    LARGE,
    LN_ARGS,
    MHA_ARGS,
    attention_case,
    attention_cases,
    encoder_case,
    encoder_cases,
    layernorm_case,
    layernorm_cases,
    mha_case,
    mha_cases,
)
from grader.parts.transformer_mistakes import (
    ARRAYS,
    DDOF,
    MASK_AFTER,
    NO_SKIP_GRAD,
    NO_TRANSPOSE,
    SCALED_BY_D,
    WRONG_AXIS,
    ZERO_VARIANCE,
    by_d,
    ddof1_forward,
    encoder_heads_scrambled,
    mask_after_softmax,
    mha_heads_scrambled,
    no_skip_grad,
    softmax_over_queries,
    zero_variance_nan,
)
from grader.spec import Case, Diagnosis, Example, Layer, PartSpec, Points, Scale, Signature, Timing

TOL = Tolerance(rtol=1e-6, atol=1e-8)
FEW: dict[Scale, int] = {"public": 15, "hidden": 15, "grad": 3}  # four layers: a few cases each keep the part's grade short
BLOCK: dict[Scale, int] = {"public": 12, "hidden": 12, "grad": 2}  # a gradcheck case of the block probes 17 arrays


def _causal_example() -> Case:
    """Three positions, every score 0: a causal mask makes each output the mean of the values up to it."""
    q = k = np.zeros((1, 3, 2))
    v = np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])
    return Case(ATT_ARGS, (q, k, v, np.tril(np.ones((3, 3), dtype=bool))))


def _fully_masked() -> Case:
    rng = np.random.default_rng(9)
    mask = np.array([[True, True], [False, False]])
    return Case(ATT_ARGS, (rng.standard_normal((1, 2, 3)), rng.standard_normal((1, 2, 3)), rng.standard_normal((1, 2, 2)), mask))


TRANSFORMER = PartSpec(
    name="transformer",
    module="transformer",
    reference=ref,
    seed=909,
    layers=(
        Layer(
            forward="layernorm_forward",
            backward="layernorm_backward",
            arrays=LN_ARGS[:3],
            cases=layernorm_cases,
            points=Points(forward=1.5, backward=2, hidden_forward=0.5, hidden_backward=0.5, gradcheck=0.5, contract=0.5),
            tol=TOL,
            sample=lambda rng: layernorm_case(rng, (2, 3, 5)),
            examples=FEW,
        ),
        Layer(
            forward="attention_forward",
            backward="attention_backward",
            arrays=ATT_ARGS[:3],
            no_grad=("mask",),
            cases=attention_cases,
            points=Points(forward=2, backward=3, hidden_forward=0.5, hidden_backward=1, gradcheck=1, contract=0.5, timing_forward=1, timing_backward=1),
            tol=TOL,
            sample=lambda rng: attention_case(rng, 2, 3, 4, 5, 2, "per_sample"),
            timing=Timing(benchmark=lambda rng: attention_case(rng, 16, 32, 32, 32, 32, "causal"), max_ratio=20.0),
            examples=FEW,
        ),
        Layer(
            forward="multihead_attention_forward",
            backward="multihead_attention_backward",
            arrays=MHA_ARGS[:10],
            no_grad=("mask",),
            cases=mha_cases,
            points=Points(forward=2, backward=3, hidden_forward=0.5, hidden_backward=1, gradcheck=1, contract=0.5),
            tol=TOL,
            sample=lambda rng: mha_case(rng, 2, 3, 4, 2, 3, "shared"),
            examples=BLOCK,
        ),
        Layer(
            forward="encoder_block_forward",
            backward="encoder_block_backward",
            arrays=ENC_ARGS[:17],
            no_grad=("mask",),
            cases=encoder_cases,
            points=Points(forward=2, backward=3, hidden_forward=0.5, hidden_backward=1, gradcheck=1, contract=0.5, timing_forward=1, timing_backward=1),
            tol=TOL,
            sample=lambda rng: encoder_case(rng, 2, 4, 2, 3, 5, "causal"),
            timing=Timing(benchmark=lambda rng: encoder_case(rng, 8, 32, 4, 8, 64, "causal"), max_ratio=20.0),
            examples=BLOCK,
        ),
    ),
    examples=(
        Example(
            key="layernorm-row",
            name="layernorm_forward, one row of four values",
            layer="layernorm_forward",
            case=Case(LN_ARGS, (np.array([[1.0, 2.0, 3.0, 4.0]]), np.ones(4), np.zeros(4), 1e-5)),
            points=0.5,
            note="mean 2.5, biased variance 1.25 (the squared deviations 2.25, 0.25, 0.25, 2.25 divided by D = 4, not 3): out = (x - 2.5) / sqrt(1.25 + eps)",
            expected=(np.array([[1.0, 2.0, 3.0, 4.0]]) - 2.5) / np.sqrt(1.25 + 1e-5),
        ),
        Example(
            key="causal-mask",
            name="attention_forward, a causal mask on three positions",
            layer="attention_forward",
            case=_causal_example(),
            points=1,
            note="every score 0 and a causal mask (np.tril): position i averages the values of positions 0..i",
            expected=np.array([[[1.0, 0.0], [0.5, 0.5], [2 / 3, 2 / 3]]]),
        ),
        Example(
            key="large-scores",
            name="attention_forward, scores near 1000",
            layer="attention_forward",
            case=attention_case(np.random.default_rng(5), 2, 3, 4, 3, 2, "none", LARGE),
            points=0.5,
            note="every score near 1000: exp(1000) overflows to inf unless each row's maximum is subtracted first (the softmax does not change)",
        ),
        Example(
            key="fully-masked-row",
            name="attention_forward, a query with every key masked",
            layer="attention_forward",
            case=_fully_masked(),
            points=0.5,
            note="query 1 may attend to no key: its softmax is 0 / 0, so attention_forward raises ValueError",
            raises="ValueError",
        ),
    ),
    diagnoses=(
        Diagnosis(function="layernorm_forward", hint=DDOF, variant=ddof1_forward, key="layernorm-unbiased-variance"),
        *(
            Signature(
                function="layernorm_forward" if k is None else "layernorm_backward",
                hint=ZERO_VARIANCE,
                matches=zero_variance_nan,
                output=k,
                key="layernorm-zero-variance-nan",
            )
            for k in (None, 0)
        ),
        *(
            Diagnosis(function=function, hint=SCALED_BY_D, variant=by_d(forward, k), output=k, key="attention-scaled-by-d")
            for forward in ARRAYS
            for function, outputs in ((forward, (None,)), (forward.replace("_forward", "_backward"), range(len(ARRAYS[forward]))))
            for k in outputs
        ),
        Diagnosis(function="attention_forward", hint=WRONG_AXIS, variant=softmax_over_queries, key="attention-softmax-over-queries"),
        Diagnosis(function="attention_forward", hint=MASK_AFTER, variant=mask_after_softmax, key="attention-mask-after-softmax"),
        Diagnosis(function="multihead_attention_forward", hint=NO_TRANSPOSE, variant=mha_heads_scrambled, key="mha-heads-without-transpose"),
        Diagnosis(function="encoder_block_forward", hint=NO_TRANSPOSE, variant=encoder_heads_scrambled, key="mha-heads-without-transpose"),
        *(
            Diagnosis(function="encoder_block_backward", hint=NO_SKIP_GRAD, variant=no_skip_grad(k), output=k, key="encoder-residual-grad-dropped")
            for k in range(11)
        ),
    ),
)
