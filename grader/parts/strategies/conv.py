"""The convolution's inputs: a batch, filters, a bias, a stride and a padding."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import reference.conv
from grader.parts.strategies import SEEDS, as_pair, int_or_pair, lim
from grader.spec import Case, Scale, arg_names

CONV_ARGS = arg_names(reference.conv.conv2d_forward)


@st.composite
def conv_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n = draw(st.integers(1, lim("n", scale)))
    c = draw(st.integers(1, lim("c", scale)))
    f = draw(st.integers(1, lim("c", scale)))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    pad = draw(int_or_pair(0, 2))
    stride = draw(int_or_pair(1, 3))
    ph, pw = as_pair(pad)
    h = draw(st.integers(max(1, kh - 2 * ph), max(1, kh - 2 * ph) + lim("hw", scale)))
    w = draw(st.integers(max(1, kw - 2 * pw), max(1, kw - 2 * pw) + lim("hw", scale)))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(
        CONV_ARGS,
        (rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, kh, kw)), rng.standard_normal(f), stride, pad),
        seed,
    )
