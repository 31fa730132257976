"""Hypothesis strategies for the layers' inputs, one `@composite` per layer, sized by scale.

Sizes and hyper-parameters are drawn by hypothesis (so a failure shrinks to the smallest shapes,
strides and paddings); the values come from a numpy Generator seeded by a drawn integer (which
shrinks to 0). "public" draws small cases, "hidden" up to realistic sizes, "grad" tiny ones for
finite differences.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference.conv
import reference.pooling
import reference.residual
import reference.rnn
import reference.shapes
from grader.spec import Case, Scale, arg_names

# Each part's argument names, read from its reference's signature (never retyped).
CONV_ARGS = arg_names(reference.conv.conv2d_forward)
POOL_ARGS = arg_names(reference.pooling.max_pool2d_forward)
RNN_STEP_ARGS = arg_names(reference.rnn.rnn_step_forward)
RNN_ARGS = arg_names(reference.rnn.rnn_forward)
OUTPUT_SIZE_ARGS = arg_names(reference.shapes.conv2d_output_size)
COST_ARGS = arg_names(reference.shapes.conv2d_cost)
RESIDUAL_ARGS = arg_names(reference.residual.residual_block_forward)

SEEDS = st.integers(0, 2**32 - 1)
LIMITS: dict[str, dict[Scale, int]] = {
    "n": {"public": 3, "hidden": 8, "grad": 2},
    "c": {"public": 3, "hidden": 8, "grad": 2},
    "hw": {"public": 7, "hidden": 20, "grad": 4},
    "t": {"public": 4, "hidden": 10, "grad": 3},
    "d": {"public": 5, "hidden": 16, "grad": 3},
}


def _lim(name: str, scale: Scale) -> int:
    return LIMITS[name][scale]


def int_or_pair(lo: int, hi: int) -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(lo, hi), st.tuples(st.integers(lo, hi), st.integers(lo, hi)))


def as_pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def distinct_values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """All-distinct values spaced well above any finite-difference step, so no window has a tie."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) - n / 2) * (4.0 / max(n, 1)) + rng.uniform(0, 1e-3)


@st.composite
def conv_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n = draw(st.integers(1, _lim("n", scale)))
    c = draw(st.integers(1, _lim("c", scale)))
    f = draw(st.integers(1, _lim("c", scale)))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    pad = draw(int_or_pair(0, 2))
    stride = draw(int_or_pair(1, 3))
    ph, pw = as_pair(pad)
    h = draw(st.integers(max(1, kh - 2 * ph), max(1, kh - 2 * ph) + _lim("hw", scale)))
    w = draw(st.integers(max(1, kw - 2 * pw), max(1, kw - 2 * pw) + _lim("hw", scale)))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(
        CONV_ARGS,
        (rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, kh, kw)), rng.standard_normal(f), stride, pad),
        seed,
    )


@st.composite
def pool_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Tie-free inputs; the stride is omitted (None: defaults to the kernel), an int or a pair."""
    n = draw(st.integers(1, _lim("n", scale)))
    c = draw(st.integers(1, _lim("c", scale)))
    kernel = draw(int_or_pair(1, 3))
    stride = draw(st.one_of(st.none(), int_or_pair(1, 3)))
    kh, kw = as_pair(kernel)
    h = draw(st.integers(kh, kh + _lim("hw", scale)))
    w = draw(st.integers(kw, kw + _lim("hw", scale)))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(POOL_ARGS, (distinct_values(rng, (n, c, h, w)), kernel, stride), seed)


@st.composite
def rnn_step_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n = draw(st.integers(1, _lim("n", scale)))
    d = draw(st.integers(1, _lim("d", scale)))
    hd = draw(st.integers(1, _lim("d", scale)))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(RNN_STEP_ARGS, (rng.standard_normal((n, d)), *rnn_state(rng, n, d, hd)), seed)


@st.composite
def rnn_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n = draw(st.integers(1, _lim("n", scale)))
    t = draw(st.integers(1, _lim("t", scale)))
    d = draw(st.integers(1, _lim("d", scale)))
    hd = draw(st.integers(1, _lim("d", scale)))
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


@st.composite
def residual_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Odd kernels (pad = K//2 keeps the size); projection when asked, or when C != F or stride > 1."""
    n = draw(st.integers(1, _lim("n", scale)))
    c = draw(st.integers(1, _lim("c", scale)))
    projection = draw(st.booleans())
    f = draw(st.integers(1, _lim("c", scale))) if projection else c
    stride = draw(int_or_pair(1, 2)) if projection else 1
    k1 = (draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 3, 5])))
    k2 = (draw(st.sampled_from([1, 3])), draw(st.sampled_from([1, 3])))
    h = draw(st.integers(1, 1 + _lim("hw", scale)))
    w = draw(st.integers(1, 1 + _lim("hw", scale)))
    seed = draw(SEEDS)
    return residual_case(np.random.default_rng(seed), n, c, f, h, w, k1, k2, stride, projection, seed)


def residual_case(
    rng: np.random.Generator,
    n: int,
    c: int,
    f: int,
    h: int,
    w: int,
    k1: tuple[int, int],
    k2: tuple[int, int],
    stride: Any,
    projection: bool,
    seed: int = 0,
) -> Case:
    def he(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape) * np.sqrt(2.0 / np.prod(shape[1:]))

    ws = he(f, c, 1, 1) if projection else None
    bs = rng.standard_normal(f) * 0.1 if projection else None
    return Case(
        RESIDUAL_ARGS,
        (rng.standard_normal((n, c, h, w)), he(f, c, *k1), rng.standard_normal(f) * 0.1, he(f, f, *k2), rng.standard_normal(f) * 0.1, ws, bs, stride),
        seed,
    )


@st.composite
def output_size_cases(draw: st.DrawFn, scale: Scale) -> Case:
    kernel = draw(st.integers(1, 11))
    pad = draw(st.integers(0, 3))
    stride = draw(st.integers(1, 4))
    size = draw(st.integers(max(1, kernel - 2 * pad), 64 if scale == "public" else 512))
    return Case(OUTPUT_SIZE_ARGS, (size, kernel, stride, pad))


@st.composite
def cost_cases(draw: st.DrawFn, scale: Scale) -> Case:
    top = 64 if scale == "public" else 1024
    values = tuple(draw(st.integers(1, top)) for _ in range(6))
    return Case(COST_ARGS, values)
