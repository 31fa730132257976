"""grader/engine/diagnose.py: generic patterns behind a wrong value."""

from __future__ import annotations

import numpy as np
import pytest

from grader.compare import Tolerance
from grader.engine.context import CaseFailure
from grader.engine.diagnose import generic, named_mistakes, observations
from grader.parts import PARTS
from grader.spec import Case, PartSpec

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
    assert "dx has shape (3, 6)" in hint and "x is (3, 4)" in hint and "padding still on it" in hint


def test_an_empty_dx_is_said_to_be_empty():
    # naming the crop that empties it is the conv part's diagnosis (grader/parts/mistakes/conv.py)
    (hint,) = generic(np.zeros((3, 0)), EXPECTED, TOL, gradient="x", case=padded_case(0))
    assert hint.endswith("(it is empty)")


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
    from grader.engine.diagnose import named_mistakes, observations

    part = replace(TOY, layers=TOY.layers[::-1])
    case = Case(("x", "w"), (EXPECTED, EXPECTED.T))
    failure = CaseFailure("dx: wrong", "split_backward", 0, np.zeros_like(EXPECTED), EXPECTED)
    assert named_mistakes(part, failure, case, TOL) == []
    assert observations(part, failure, case, TOL) == ["every value you returned is 0, where the expected ones are not"]


def _off(where: str) -> np.ndarray:
    """A (2, 3, 4, 5) array wrong at `where` only."""
    expected = np.arange(1.0, 1 + 2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    actual = expected.copy()
    if where == "n>0":
        actual[1:] += 1.5
    elif where == "first":
        actual[..., 0, :] += 1.5
        actual[..., :, 0] += 1.5
    else:
        actual[..., -1, :] += 1.5
    return actual


@pytest.mark.parametrize(
    ("where", "says"),
    [("n>0", "only entries with n > 0 differ"), ("first", "only the first row and column differ"), ("last", "only the last row and column differ")],
)
def test_where_the_wrong_entries_sit_is_an_observation(where: str, says: str):
    expected = np.arange(1.0, 1 + 2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    (observation,) = generic(_off(where), expected, TOL)
    assert says in observation


def test_only_earlier_time_steps_wrong_is_an_observation():
    expected = np.arange(1.0, 25.0).reshape(2, 3, 4)
    actual = expected.copy()
    actual[:, :-1] += 1.5
    assert any("only time steps before the last differ" in o for o in generic(actual, expected, TOL))


def _correct_values(part: PartSpec) -> list[tuple[CaseFailure, Case, Tolerance]]:
    """Each output and gradient of the reference, posed as the student's value, on every layer's
    sample case and every example's case."""
    from grader.engine.calls import make_douts, one_or_all, reference_backward, reference_forward

    posed = []
    for layer in part.layers:
        cases = [ex.case for ex in part.examples if ex.layer == layer.forward and ex.raises is None]  # one that raises has no value
        cases += [layer.sample(np.random.default_rng(seed)) for seed in range(2)] if layer.sample else []
        for case in cases:
            outs, tape = reference_forward(part, layer, case)
            posed += [(CaseFailure("", layer.forward, None, v, v, forward_output=i), case, layer.tol) for i, v in enumerate(outs)]
            if layer.backward is None:
                continue
            douts = make_douts(case, outs)
            grads = reference_backward(part, layer, douts, tape)
            posed += [(CaseFailure("", layer.backward, k, g, g, one_or_all(douts)), case, layer.tol) for k, g in enumerate(grads) if g is not None]
    return posed


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_no_diagnosis_fires_on_a_right_value(part: PartSpec):
    """A correct solution's value (the reference's) gets no named mistake and no observation: a
    diagnosis cannot mislabel a right answer, whichever solution computed it."""
    posed = _correct_values(part)
    assert posed
    for failure, case, tol in posed:
        assert named_mistakes(part, failure, case, tol) == [], (failure.function, failure.output, case.summary())
        assert observations(part, failure, case, tol) == [], (failure.function, failure.output, case.summary())


def test_every_diagnosis_has_a_key_or_a_unique_hint():
    """The class report counts mistakes by key: one key per mistake, one hint per key."""
    for part in PARTS:
        by_key: dict[str, set[str]] = {}
        for d in part.diagnoses:
            by_key.setdefault(d.key or d.hint, set()).add(d.hint)
        assert all(len(hints) == 1 for hints in by_key.values()), (part.name, by_key)
