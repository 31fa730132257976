"""Warm-up: the output size and the cost of a convolution (lecture: padding, stride, # parameters)."""

from __future__ import annotations

import reference.shapes
from grader.parts.mistakes.shapes import SHAPES_MISTAKES
from grader.parts.strategies.shapes import COST_ARGS, OUTPUT_SIZE_ARGS, cost_cases, output_size_cases
from grader.spec import Case, Example, Layer, PartSpec, Points, Scale

COUNTS = dict(forward=2, hidden_forward=1, contract=0.5)
# An integer formula's mistakes (a missing +1, ceil for floor, a bias left out) show on most
# draws, so a few cases find them; 60 public and 200 hidden cases, a fifth of a full grade's
# time, bought nothing more (each seeded shapes bug fails its public check).
EXAMPLES: dict[Scale, int] = {"public": 40, "hidden": 80, "grad": 0}


def _size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> Case:
    return Case(OUTPUT_SIZE_ARGS, (size, kernel, stride, pad))


def _cost(*values: int) -> Case:
    return Case(COST_ARGS, values)


SHAPES = PartSpec(
    name="shapes",
    module="shapes",
    reference=reference.shapes,
    seed=101,
    layers=(
        Layer(
            forward="conv2d_output_size",
            backward=None,
            arrays=(),
            cases=output_size_cases,
            points=Points(**COUNTS),
            returns_cache=False,
            exact=True,
            sample=lambda rng: _size(8, 3, 2, 1),
            examples=EXAMPLES,
        ),
        Layer(
            forward="conv2d_cost",
            backward=None,
            arrays=(),
            cases=cost_cases,
            points=Points(**COUNTS),
            returns_cache=False,
            exact=True,
            sample=lambda rng: _cost(3, 96, 11, 11, 55, 55),
            examples=EXAMPLES,
        ),
    ),
    examples=(
        Example(
            key="slide-size",
            name="8x8 input, 3x3 filter",
            layer="conv2d_output_size",
            case=_size(8, 3),
            points=1,
            note="the slide's 8x8 input and 3x3 filter give a 6x6 output",
            expected=6,
        ),
        Example(
            key="slide-size-pad-1",
            name="8x8 input, pad 1",
            layer="conv2d_output_size",
            case=_size(8, 3, 1, 1),
            points=0.5,
            note="pad = floor(3/2) = 1 keeps the 8x8 size",
            expected=8,
        ),
        Example(
            key="slide-size-stride-2",
            name="8x8 input, stride 2",
            layer="conv2d_output_size",
            case=_size(8, 3, 2, 1),
            points=0.5,
            note="stride 2 (pad 1) halves 8x8 to 4x4",
            expected=4,
        ),
        Example(
            key="slide-filter-cost",
            name="slide filter cost",
            layer="conv2d_cost",
            case=_cost(1, 1, 3, 3, 6, 6),
            points=0.5,
            note="one 3x3 filter with a bias: 10 parameters, 10 * 6 * 6 = 360 FLOPs",
            expected=(10, 360),
        ),
        Example(
            key="alexnet-conv1-cost",
            name="AlexNet conv1 cost",
            layer="conv2d_cost",
            case=_cost(3, 96, 11, 11, 55, 55),
            points=0.5,
            note="96 filters of 3x11x11 plus 96 biases on a 55x55 output",
            expected=(34944, 105705600),
        ),
    ),
    diagnoses=SHAPES_MISTAKES,
)
