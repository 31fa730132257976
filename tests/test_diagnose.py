"""grader/engine/diagnose.py: generic patterns behind a wrong value."""

from __future__ import annotations

import numpy as np
import pytest

from grader.compare import Tolerance
from grader.engine.diagnose import generic
from grader.spec import Case

TOL = Tolerance(rtol=1e-6, atol=1e-8)
EXPECTED = np.arange(1.0, 13.0).reshape(3, 4)


@pytest.mark.parametrize(
    ("actual", "says"),
    [
        (np.zeros_like(EXPECTED), "every value you returned is 0"),
        (-EXPECTED, "opposite sign"),
        (EXPECTED / 4, "0.25 times the expected one"),
        (np.zeros((3, 5)), "the shape is off by (0, 1)"),
    ],
)
def test_names_the_pattern(actual: np.ndarray, says: str):
    (hint,) = generic(actual, EXPECTED, TOL)
    assert says in hint


def test_swapped_axes():
    square = np.arange(9.0).reshape(3, 3) + 1
    assert generic(square.T.copy(), square, TOL) == ["your values are the expected ones with the last two axes swapped"]


def padded_case(pad: int) -> Case:
    return Case(("x", "w", "b", "stride", "pad"), (EXPECTED, EXPECTED, EXPECTED[0], 1, pad))


def test_a_dx_larger_than_x_on_a_padded_case_is_about_cropping_the_padding():
    (hint,) = generic(np.zeros((3, 6)), EXPECTED, TOL, gradient="x", case=padded_case(1))
    assert "dx has shape (3, 6)" in hint and "x is (3, 4)" in hint and "crop the padding" in hint


def test_an_empty_dx_names_the_crop_that_keeps_nothing_at_pad_zero():
    (hint,) = generic(np.zeros((3, 0)), EXPECTED, TOL, gradient="x", case=padded_case(0))
    assert "dx_pad[p:-p] keeps nothing" in hint


@pytest.mark.parametrize(("name", "got"), [("b", (1,)), ("w", (3, 6)), ("x", (3, 6))])
def test_a_wrong_shaped_gradient_other_than_a_padded_dx_says_nothing_of_padding(name: str, got: tuple[int, ...]):
    case = padded_case(0 if name == "x" else 1)
    (hint,) = generic(np.zeros(got), EXPECTED, TOL, gradient=name, case=case)
    assert f"d{name} has shape {got}" in hint and "padding" not in hint


def test_nothing_to_say_about_unrelated_values_or_non_arrays():
    assert generic(EXPECTED + np.random.default_rng(0).standard_normal(EXPECTED.shape), EXPECTED, TOL) == []
    assert generic([1, 2], EXPECTED, TOL) == []
    assert generic(np.full_like(EXPECTED, np.nan), EXPECTED, TOL) == []


def test_a_backward_failure_is_diagnosed_in_a_part_that_also_has_a_layer_without_backward():
    # The loss layer (no backward) comes first: looking up the gradient's name must skip it.
    from dataclasses import replace

    from multi_output_part import TOY

    from grader.engine.context import CaseFailure
    from grader.engine.diagnose import likely_mistakes

    part = replace(TOY, layers=TOY.layers[::-1])
    case = Case(("x", "w"), (EXPECTED, EXPECTED.T))
    failure = CaseFailure("dx: wrong", "split_backward", 0, np.zeros_like(EXPECTED), EXPECTED)
    assert likely_mistakes(part, failure, case, TOL) == ["every value you returned is 0: is this result computed at all?"]


def test_a_variant_with_nan_matches_only_nan_at_the_same_places_and_its_values_elsewhere():
    # A variance of 0 divided by D - 1 (D = 1) makes 0 / 0: the mistake is recognised by its NaN.
    from dataclasses import replace

    from multi_output_part import TOY

    from grader.engine.context import CaseFailure
    from grader.engine.diagnose import likely_mistakes
    from grader.spec import Diagnosis

    variant = EXPECTED.copy()
    variant[0] = np.nan
    part = replace(TOY, diagnoses=(Diagnosis(function="split_forward", hint="0 / 0", variant=lambda case, dout: variant),))
    case = Case(("x", "w"), (EXPECTED, EXPECTED.T))

    def hints(actual: np.ndarray) -> list[str]:
        return likely_mistakes(part, CaseFailure("out: wrong", "split_forward", None, actual, EXPECTED + 1), case, TOL)

    assert hints(variant.copy()) == ["0 / 0"]
    assert hints(np.full_like(EXPECTED, np.nan)) == []  # NaN where the variant has values
    shifted = variant.copy()
    shifted[1, 0] += 1
    assert hints(shifted) == []  # the variant's NaN, but another value elsewhere
