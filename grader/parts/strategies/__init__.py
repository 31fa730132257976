"""Hypothesis strategies for the layers' inputs, one `@composite` per layer, sized by scale.

Sizes and hyper-parameters are drawn by hypothesis (so a failure shrinks to the smallest shapes,
strides and paddings); the values come from a numpy Generator seeded by a drawn integer (which
shrinks to 0). "public" draws small cases, "hidden" up to realistic sizes, "grad" tiny ones for
finite differences.

One module per part (`strategies.conv`, ...), each importing only its own reference, so a release
of some parts ships only their references; this module holds what they share.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from grader.spec import Scale

SEEDS = st.integers(0, 2**32 - 1)
LIMITS: dict[str, dict[Scale, int]] = {
    "n": {"public": 3, "hidden": 8, "grad": 2},
    "c": {"public": 3, "hidden": 8, "grad": 2},
    "hw": {"public": 7, "hidden": 20, "grad": 4},
    "t": {"public": 4, "hidden": 10, "grad": 3},
    "d": {"public": 5, "hidden": 16, "grad": 3},
}


def lim(name: str, scale: Scale) -> int:
    return LIMITS[name][scale]


def int_or_pair(lo: int, hi: int) -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(lo, hi), st.tuples(st.integers(lo, hi), st.integers(lo, hi)))


def as_pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def distinct_values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """All-distinct values spaced well above any finite-difference step, so no window has a tie."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) - n / 2) * (4.0 / max(n, 1)) + rng.uniform(0, 1e-3)
