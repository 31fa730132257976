"""The pooling layers' inputs: tie-free feature maps, a kernel and a stride."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import reference.pooling
from grader.parts.strategies import SEEDS, as_pair, distinct_values, int_or_pair, lim
from grader.spec import Case, Scale, arg_names

POOL_ARGS = arg_names(reference.pooling.max_pool2d_forward)


@st.composite
def pool_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Tie-free inputs; the stride is omitted (None: defaults to the kernel), an int or a pair."""
    n = draw(st.integers(1, lim("n", scale)))
    c = draw(st.integers(1, lim("c", scale)))
    kernel = draw(int_or_pair(1, 3))
    stride = draw(st.one_of(st.none(), int_or_pair(1, 3)))
    kh, kw = as_pair(kernel)
    h = draw(st.integers(kh, kh + lim("hw", scale)))
    w = draw(st.integers(kw, kw + lim("hw", scale)))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(POOL_ARGS, (distinct_values(rng, (n, c, h, w)), kernel, stride), seed)
