"""The classic mistakes of the output-size and cost formulas (grader/parts/shapes.py)."""

from __future__ import annotations

import math

from grader.spec import Case, Diagnosis


def _size(rule: str):
    def variant(case: Case, dout: object) -> int | float:
        size, kernel, stride, pad = case.args()
        span = size + 2 * pad - kernel
        return {"ceil": math.ceil(span / stride) + 1, "no+1": span // stride, "div": span / stride + 1}[rule]

    return variant


def _cost_without_bias(case: Case, dout: object) -> tuple[int, int]:
    c_in, c_out, kh, kw, h_out, w_out = case.args()
    params = c_out * c_in * kh * kw
    return params, params * h_out * w_out


SIZE = "conv2d_output_size"
FORMULA = "H_out = floor((H_in + 2*pad - K) / stride) + 1"

SHAPES_MISTAKES: tuple[Diagnosis, ...] = (
    Diagnosis(key="shapes-ceil", function=SIZE, hint=f"your size rounds up; the lecture floors: {FORMULA} (// in Python)", variant=_size("ceil")),
    Diagnosis(key="shapes-missing-plus-one", function=SIZE, hint=f"your size misses the + 1 (the first window): {FORMULA}", variant=_size("no+1")),
    Diagnosis(
        key="shapes-true-division",
        function=SIZE,
        hint=f"your size uses true division (/), which gives a float and a fraction; {FORMULA}: use // for the floor",
        variant=_size("div"),
    ),
    Diagnosis(
        key="shapes-cost-without-bias",
        function="conv2d_cost",
        hint="your parameter count leaves out the biases: # parameters = C_o*C_i*K_h*K_w weights + C_o biases, and FLOPs = # parameters * H_o * W_o",
        variant=_cost_without_bias,
    ),
)
