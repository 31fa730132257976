"""1-D convolution (cross-correlation with zero padding and stride), the lecture's first worked example."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import reference.conv1d
from grader.compare import Tolerance
from grader.parts.strategies import SEEDS
from grader.spec import Case, Diagnosis, Example, Layer, PartSpec, Points, Scale, Timing, arg_names

ARGS = arg_names(reference.conv1d.conv1d_forward)
LENGTH: dict[Scale, int] = {"public": 10, "hidden": 40, "grad": 5}
COUNT: dict[Scale, int] = {"public": 3, "hidden": 8, "grad": 2}  # samples, channels, filters


@st.composite
def conv1d_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Sizes from 1 up; the length leaves at least one window after padding."""
    n, c, f = (draw(st.integers(1, COUNT[scale])) for _ in range(3))
    k = draw(st.integers(1, 5))
    pad = draw(st.integers(0, 2))
    stride = draw(st.integers(1, 3))
    shortest = max(1, k - 2 * pad)
    length = draw(st.integers(shortest, shortest + LENGTH[scale]))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return Case(ARGS, (rng.standard_normal((n, c, length)), rng.standard_normal((f, c, k)), rng.standard_normal(f), stride, pad), seed)


def _sample(rng: np.random.Generator) -> Case:
    return Case(ARGS, (rng.standard_normal((2, 3, 11)), rng.standard_normal((4, 3, 3)), rng.standard_normal(4), 2, 1))


def _benchmark(rng: np.random.Generator) -> Case:
    return Case(ARGS, (rng.standard_normal((8, 16, 96)), rng.standard_normal((16, 16, 5)), rng.standard_normal(16), 1, 2))


# The lecture's worked example: the filter [-1, 0, 1] slides along a step. On a flat window it
# gives -1*1 + 0*1 + 1*1 = 0; across the edge it gives -1: an edge detector.
STEP = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=np.float64)
EDGE_FILTER = np.array([-1, 0, 1], dtype=np.float64)
EDGES = np.array([0, 0, -1, -1, 0, 0], dtype=np.float64)


def slide_case(stride: int = 1, pad: int = 0) -> Case:
    return Case(ARGS, (STEP[None, None], EDGE_FILTER[None, None], np.zeros(1), stride, pad))


def _flipped(case: Case) -> Case:
    return case.replace("w", case.get("w")[:, :, ::-1].copy())


def _convolution(case: Case, dout: np.ndarray | None) -> np.ndarray:
    """The forward with the kernel flipped: a true convolution, not the layer's cross-correlation."""
    return reference.conv1d.conv1d_forward(*_flipped(case).args())[0]


def _dx_unflipped(case: Case, dout: np.ndarray) -> np.ndarray:
    """dx spread back with the kernel flipped (w[f, c, K-1-i] where w[f, c, i] belongs): the
    gradient of the flipped forward."""
    _, tape = reference.conv1d.conv1d_forward(*_flipped(case).args())
    return reference.conv1d.conv1d_backward(dout, tape)[0]


def _db_batch_mean(case: Case, dout: np.ndarray) -> np.ndarray:
    return dout.sum(axis=(0, 2)) / dout.shape[0]


CONV1D = PartSpec(
    name="conv1d",
    module="conv1d",
    reference=reference.conv1d,
    seed=606,
    layers=(
        Layer(
            forward="conv1d_forward",
            backward="conv1d_backward",
            arrays=("x", "w", "b"),
            cases=conv1d_cases,
            points=Points(forward=4, backward=5, hidden_forward=1, hidden_backward=1, gradcheck=1, contract=1, timing_forward=1, timing_backward=1),
            tol=Tolerance(rtol=1e-6, atol=1e-8),
            sample=_sample,
            timing=Timing(benchmark=_benchmark, max_ratio=20.0),
        ),
    ),
    examples=(
        Example(
            key="slide-edge-filter",
            name="slide 1-D edge filter",
            layer="conv1d_forward",
            case=slide_case(),
            points=1,
            note="the lecture's filter [-1, 0, 1] on the step 1 1 1 1 0 0 0 0 gives 0 0 -1 -1 0 0: a flat window is -1*1 + 0*1 + 1*1 = 0",
            expected=EDGES[None, None],
        ),
        Example(
            key="slide-pad-1",
            name="slide step, pad 1",
            layer="conv1d_forward",
            case=slide_case(pad=1),
            points=0.5,
            note="pad 1 keeps the step's length 8 (a zero enters each end)",
        ),
        Example(
            key="slide-stride-2",
            name="slide step, stride 2",
            layer="conv1d_forward",
            case=slide_case(stride=2, pad=1),
            points=0.5,
            note="stride 2 with pad 1 gives floor((8 + 2 - 3) / 2) + 1 = 4 outputs",
        ),
    ),
    diagnoses=(
        Diagnosis(
            key="conv1d-kernel-flipped",
            function="conv1d_forward",
            hint="your output equals a convolution with the kernel flipped: the layer is a cross-correlation, y[t] = sum_i w[i] x[t + i], with no flip",
            variant=_convolution,
        ),
        Diagnosis(
            key="conv1d-dx-kernel-reversed",
            function="conv1d_backward",
            hint="your dx spreads dout back through the kernel reversed: window t sends dout[t] * w[i] to position t*stride + i, the same offset i the forward read",
            variant=_dx_unflipped,
            output=0,
        ),
        Diagnosis(
            key="conv1d-db-batch-mean",
            function="conv1d_backward",
            hint="your db is the mean over the batch: db[f] sums dout[n, f, t] over every sample n and position t",
            variant=_db_batch_mean,
            output=2,
        ),
    ),
)
