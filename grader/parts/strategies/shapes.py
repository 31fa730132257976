"""The output-size and cost formulas' integer arguments."""

from __future__ import annotations

from hypothesis import strategies as st

import reference.shapes
from grader.spec import Case, Scale, arg_names

OUTPUT_SIZE_ARGS = arg_names(reference.shapes.conv2d_output_size)
COST_ARGS = arg_names(reference.shapes.conv2d_cost)


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
