"""The residual block's inputs: odd kernels, with or without the projection shortcut."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference.residual
from grader.parts.strategies import SEEDS, int_or_pair, lim
from grader.spec import Case, Scale, arg_names

RESIDUAL_ARGS = arg_names(reference.residual.residual_block_forward)


@st.composite
def residual_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Odd kernels (pad = K//2 keeps the size); projection when asked, or when C != F or stride > 1."""
    n = draw(st.integers(1, lim("n", scale)))
    c = draw(st.integers(1, lim("c", scale)))
    projection = draw(st.booleans())
    f = draw(st.integers(1, lim("c", scale))) if projection else c
    stride = draw(int_or_pair(1, 2)) if projection else 1
    k1 = (draw(st.sampled_from([1, 3, 5])), draw(st.sampled_from([1, 3, 5])))
    k2 = (draw(st.sampled_from([1, 3])), draw(st.sampled_from([1, 3])))
    h = draw(st.integers(1, 1 + lim("hw", scale)))
    w = draw(st.integers(1, 1 + lim("hw", scale)))
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
