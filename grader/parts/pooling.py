"""Max and average pooling (no padding, floor mode): forward and backward."""

from __future__ import annotations

import numpy as np

import reference.pooling
from grader.compare import Tolerance
from grader.parts.mistakes.pooling import POOLING_MISTAKES
from grader.parts.strategies import distinct_values
from grader.parts.strategies.pooling import POOL_ARGS, pool_cases
from grader.spec import Case, Diagnosis, Example, Layer, PartSpec, Points, Timing

TOL = Tolerance(rtol=1e-7, atol=1e-9)


def _sample(rng: np.random.Generator) -> Case:
    return Case(POOL_ARGS, (distinct_values(rng, (2, 3, 8, 7)), 3, 2))


def _benchmark(rng: np.random.Generator) -> Case:
    # Many channels on a small map, as deep in a network: vectorizing over channels pays here.
    # Uniform draws, not distinct_values: its permutation of 524288 values took 30 ms per input,
    # 1.3 s of each grade. A tie in one window has odds of about 1e-10 (53-bit doubles), and the
    # benchmark is never differentiated, so its values need no spacing.
    return Case(POOL_ARGS, (rng.uniform(-2.0, 2.0, (8, 64, 32, 32)), 2, None))


# Ties on purpose: every 2x2 window (stride 1, so windows overlap) holds repeated maxima.
TIES = np.array([[[[1.0, 3.0, 3.0, 0.0], [3.0, 3.0, 2.0, 3.0], [0.0, 1.0, 3.0, 3.0], [2.0, 2.0, 2.0, 1.0]]]])
TIES_DOUT = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)


def _all_tied_maxima(case: Case, dout: np.ndarray) -> np.ndarray:
    """The gradient split to every tied maximum of each window (the mistake), not the first."""
    x, k = case.get("x"), case.get("kernel_size")
    s = case.get("stride") or k
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            win = x[:, :, i * s : i * s + k, j * s : j * s + k]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * s : i * s + k, j * s : j * s + k] += mask * dout[:, :, i : i + 1, j : j + 1]
    return dx


POOLING = PartSpec(
    name="pooling",
    module="pooling",
    reference=reference.pooling,
    seed=303,
    layers=(
        Layer(
            forward="max_pool2d_forward",
            backward="max_pool2d_backward",
            arrays=("x",),
            cases=pool_cases,
            points=Points(forward=3, backward=3, hidden_forward=1, hidden_backward=1, gradcheck=1, contract=0.5, timing_forward=0.5, timing_backward=1),
            tol=TOL,
            sample=_sample,
            timing=Timing(benchmark=_benchmark, max_ratio=50.0),
        ),
        Layer(
            forward="avg_pool2d_forward",
            backward="avg_pool2d_backward",
            arrays=("x",),
            cases=pool_cases,
            points=Points(forward=2, backward=2, hidden_forward=0.5, hidden_backward=0.5, gradcheck=0.5, contract=0.5, timing_forward=0.5, timing_backward=0.5),
            tol=TOL,
            sample=_sample,
            timing=Timing(benchmark=_benchmark, max_ratio=50.0),
        ),
    ),
    examples=(
        Example(
            key="ties",
            name="max_pool2d_backward ties",
            layer="max_pool2d_forward",
            case=Case(POOL_ARGS, (TIES, 2, 1)),
            points=2,
            note="tied maxima: each window's gradient goes to its first maximum in row-major order (as PyTorch does), and overlapping windows add up",
            target="backward",
            kind="backward",
            dout=TIES_DOUT,
        ),
    ),
    diagnoses=(
        Diagnosis(
            key="maxpool-all-tied-maxima",
            function="max_pool2d_backward",
            hint="your dx sends each window's gradient to every tied maximum; it belongs to the first maximum in row-major order only",
            variant=_all_tied_maxima,
            output=0,
        ),
        *POOLING_MISTAKES,
    ),
)
