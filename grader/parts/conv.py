"""2-D convolution (cross-correlation with zero padding): forward and backward."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import reference.conv
from grader.compare import Tolerance
from grader.parts.mistakes.conv import CONV_MISTAKES
from grader.parts.strategies.conv import CONV_ARGS, conv_cases
from grader.spec import Case, Diagnosis, Example, Layer, PartSpec, Points, Timing

# The lecture's worked example: an 8x8 binary image under a horizontal-edge filter.
SLIDE_INPUT = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 1, 1, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, 1, 1, 1, 1, 1, 0],
        [0, 0, 1, 1, 1, 0, 0, 0],
        [0, 0, 1, 1, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
    ],
    dtype=np.float64,
)
SLIDE_FILTER = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=np.float64)
SLIDE_OUTPUT = np.array(
    [[-3, -4, -4, -4, -4, -3], [-3, -4, -4, -3, -1, 0], [0, 0, 0, 0, 0, 0], [2, 1, 0, 1, 3, 3], [2, 1, 0, 1, 3, 3], [1, 3, 4, 3, 1, 0]],
    dtype=np.float64,
)


def slide_case(stride: int = 1, pad: int = 0) -> Case:
    return Case(CONV_ARGS, (SLIDE_INPUT[None, None], SLIDE_FILTER[None, None], np.zeros(1), stride, pad))


def _sample(rng: np.random.Generator) -> Case:
    return Case(CONV_ARGS, (rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4), (2, 1), 1))


def _benchmark(rng: np.random.Generator) -> Case:
    return Case(CONV_ARGS, (rng.standard_normal((8, 16, 32, 32)), rng.standard_normal((32, 16, 3, 3)), rng.standard_normal(32), 1, 1))


def _flipped(case: Case, dout: np.ndarray | None) -> np.ndarray:
    return reference.conv.conv2d_forward(*case.replace("w", case.get("w")[:, :, ::-1, ::-1].copy()).args())[0]


def _dw_of_sample(n: int) -> Callable[[Case, np.ndarray], np.ndarray]:
    def dw(case: Case, dout: np.ndarray) -> np.ndarray:
        one = case.replace("x", case.get("x")[n : n + 1 or None])
        _, tape = reference.conv.conv2d_forward(*one.args())
        return reference.conv.conv2d_backward(dout[n : n + 1 or None], tape)[1]

    return dw


DW_ONE_SAMPLE = (
    "your dw equals the gradient of a single sample (the first sample only, or the last sample only, as a loop over the samples "
    "that sets dw instead of adding to it leaves): dw sums over every sample of the batch"
)

CONV = PartSpec(
    name="conv",
    module="conv",
    reference=reference.conv,
    seed=202,
    layers=(
        Layer(
            forward="conv2d_forward",
            backward="conv2d_backward",
            arrays=("x", "w", "b"),
            cases=conv_cases,
            points=Points(forward=5, backward=6, hidden_forward=2, hidden_backward=2, gradcheck=2, contract=1, timing_forward=1.5, timing_backward=1.5),
            tol=Tolerance(rtol=1e-6, atol=1e-8),
            sample=_sample,
            timing=Timing(benchmark=_benchmark, max_ratio=50.0),
        ),
    ),
    examples=(
        Example(
            key="slide-edge-filter",
            name="slide 8x8 edge filter",
            layer="conv2d_forward",
            case=slide_case(),
            points=2,
            note="the lecture's 8x8 input with the [[1,2,1],[0,0,0],[-1,-2,-1]] filter gives its 6x6 output",
            expected=SLIDE_OUTPUT[None, None],
        ),
        Example(
            key="slide-pad-1", name="slide input, pad 1", layer="conv2d_forward", case=slide_case(pad=1), points=1, note="pad 1 keeps the slide's input at 8x8"
        ),
        Example(
            key="slide-stride-2",
            name="slide input, stride 2",
            layer="conv2d_forward",
            case=slide_case(stride=2, pad=1),
            points=1,
            note="stride 2 with pad 1 gives 4x4",
        ),
    ),
    diagnoses=(
        Diagnosis(
            key="conv-kernel-flipped",
            function="conv2d_forward",
            hint="your output equals a convolution with the kernel flipped: the layer is a cross-correlation, y[n, m] = sum_ij w[i, j] x[n+i, m+j], with no flip",
            variant=_flipped,
        ),
        Diagnosis(
            key="conv-dw-one-sample",
            function="conv2d_backward",
            hint=DW_ONE_SAMPLE,
            variant=_dw_of_sample(0),
            output=1,
        ),
        Diagnosis(
            key="conv-dw-one-sample",
            function="conv2d_backward",
            hint=DW_ONE_SAMPLE,
            variant=_dw_of_sample(-1),
            output=1,
        ),
        *CONV_MISTAKES,
    ),
)
