"""grader/compare.py: a student's value against the reference's, as a Comparison value."""
from __future__ import annotations

import numpy as np
import pytest

from grader.compare import Comparison, Tolerance, compare, compare_exact, describe_type
from grader.sandbox.inside.wire import Unsendable

TOL = Tolerance(rtol=1e-6, atol=1e-8)
EXACT = 1e-12  # the errors below are sums of exactly representable floats


def test_matching_arrays_pass_and_report_their_small_error():
    expected = np.array([[1.0, -2.0], [3.0, 4.0]])
    got = expected + np.array([[0.0, 1e-9], [0.0, 0.0]])

    cmp = compare(got, expected, TOL)

    assert cmp.ok and cmp.reason == ""
    assert (cmp.expected_shape, cmp.actual_shape, cmp.worst_index, cmp.mismatches, cmp.total) == ((2, 2), (2, 2), None, 0, 4)
    assert cmp.max_abs == pytest.approx(1e-9, rel=1e-6)


def test_reports_worst_index_and_max_abs_and_rel_error():
    expected = np.full((3, 4), 2.0)
    got = expected.copy()
    got[0, 1] += 0.5
    got[2, 3] -= 1.5  # the worst
    got[1, 0] += 1.0

    cmp = compare(got, expected, TOL)

    assert not cmp.ok and cmp.reason == "has wrong values"
    assert cmp.worst_index == (2, 3)
    assert (cmp.mismatches, cmp.total) == (3, 12)
    assert cmp.max_abs == pytest.approx(1.5, abs=EXACT)
    assert cmp.max_rel == pytest.approx(0.75, abs=EXACT)


def test_relative_error_is_measured_against_atol_where_expected_is_zero():
    tol = Tolerance(rtol=1e-6, atol=1e-3)
    cmp = compare(np.array([0.5, 1.0]), np.array([0.0, 1.0]), tol)

    assert cmp.worst_index == (0,)
    assert cmp.max_rel == pytest.approx(0.5 / 1e-3, rel=1e-12)


def test_samples_put_the_worst_index_first_when_it_is_not_among_the_first_mismatches():
    expected = np.zeros(10)
    got = np.zeros(10)
    got[:6] = 1.0
    got[8] = 7.0

    cmp = compare(got, expected, TOL, samples=3)

    assert [s[0] for s in cmp.samples] == [(8,), (0,), (1,)]
    index, exp, value = cmp.samples[0]
    assert exp == pytest.approx(0.0, abs=EXACT) and value == pytest.approx(7.0, abs=EXACT)


def test_shape_mismatch_names_both_shapes():
    cmp = compare(np.zeros((2, 3)), np.zeros((3, 2)), TOL)

    assert not cmp.ok
    assert (cmp.expected_shape, cmp.actual_shape) == ((3, 2), (2, 3))
    assert cmp.reason == "has shape (2, 3), expected (3, 2)"
    assert cmp.worst_index is None


def test_a_transposed_shape_with_equal_size_is_still_a_shape_mismatch():
    expected = np.arange(6.0).reshape(2, 3)
    assert not compare(expected.T, expected, TOL).ok


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_fail_and_are_the_worst_index(bad: float):
    expected = np.ones((2, 2))
    got = expected.copy()
    got[0, 0] += 0.1
    got[1, 0] = bad

    cmp = compare(got, expected, TOL)

    assert not cmp.ok and cmp.reason == "has non-finite values"
    assert cmp.worst_index == (1, 0)
    assert cmp.mismatches == 2
    assert cmp.max_abs == pytest.approx(np.inf, abs=0)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([1.0, 2.0], "returned a list of 2 items"),
        (None, "returned None"),
        ({"out": 1}, "returned a dict"),
        (Unsendable("set"), "returned a set"),
        ((np.zeros(2), None), "returned a tuple of 2 items"),
        (3.0, "returned a float"),
    ],
)
def test_wrong_type_is_named_in_the_reason(value: object, words: str):
    cmp = compare(value, np.zeros(2), TOL)

    assert not cmp.ok
    assert cmp.reason == f"{words}, expected an ndarray of shape (2,)"
    assert cmp.describe("out") == f"out: {cmp.reason}"


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_, np.float32, np.float16])
def test_integer_bool_and_narrow_float_arrays_are_accepted_when_values_match(dtype: type):
    expected = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert compare(expected.astype(dtype), expected, TOL).ok


def test_integer_arrays_with_wrong_values_fail():
    cmp = compare(np.array([1, 2, 4]), np.array([1.0, 2.0, 3.0]), TOL)

    assert not cmp.ok and cmp.worst_index == (2,)
    assert cmp.max_abs == pytest.approx(1.0, abs=EXACT)


@pytest.mark.parametrize("dtype", [np.complex128, np.str_])
def test_non_real_dtypes_are_rejected(dtype: type):
    cmp = compare(np.zeros(2, dtype=dtype), np.zeros(2), TOL)

    assert not cmp.ok
    assert "expected a float array" in cmp.reason


def test_empty_arrays_of_the_same_shape_match():
    cmp = compare(np.zeros((0, 3)), np.zeros((0, 3)), TOL)

    assert cmp.ok and cmp.total == 0


def test_empty_arrays_of_different_shapes_do_not():
    assert not compare(np.zeros((0, 3)), np.zeros((0, 4)), TOL).ok


def test_error_exactly_at_atol_plus_rtol_times_expected_passes():
    # All exactly representable: bound = 0.25 + 0.5 * 2.0 = 1.25, and 3.25 - 2.0 == 1.25.
    tol = Tolerance(rtol=0.5, atol=0.25)
    assert compare(np.array([3.25, 0.75]), np.array([2.0, 2.0]), tol).ok


def test_error_just_above_the_bound_fails():
    tol = Tolerance(rtol=0.5, atol=0.25)
    above = np.nextafter(3.25, np.inf)

    cmp = compare(np.array([above, 2.0]), np.array([2.0, 2.0]), tol)

    assert not cmp.ok and cmp.worst_index == (0,)


def test_bound_uses_the_expected_magnitude_not_the_returned_one():
    # |got| is large, |expected| small: rtol * |got| would wrongly accept.
    tol = Tolerance(rtol=0.5, atol=0.0)
    assert not compare(np.array([3.0]), np.array([1.0]), tol).ok


def test_default_tolerance_is_isclose_like():
    assert (Tolerance().rtol, Tolerance().atol) == (pytest.approx(1e-6, rel=0), pytest.approx(1e-8, rel=0))


def test_describe_a_match():
    assert Comparison(True).describe("dx") == "dx: matches"


def test_describe_wrong_values_lists_counts_error_and_samples():
    expected = np.zeros((2, 2))
    got = np.array([[0.0, 0.5], [0.0, 2.0]])

    text = compare(got, expected, TOL, samples=2).describe("dw")

    lines = text.splitlines()
    assert lines[0] == "dw: has wrong values: 2 of 4 elements differ; max abs error 2 at [1, 1], max rel error 2e+08"
    assert lines[1].split() == ["index", "expected", "got"]
    assert lines[2].split() == ["[0,", "1]", "0", "0.5"]  # row-major, the worst is among them
    assert lines[3].split() == ["[1,", "1]", "0", "2"]


def test_compare_exact_accepts_an_int_and_an_integral_float():
    assert compare_exact(6, 6).ok
    assert compare_exact(6.0, 6).ok


@pytest.mark.parametrize("value", [True, "6", None, 6.5, np.array(6)])
def test_compare_exact_rejects_bool_string_none_and_near_misses(value: object):
    cmp = compare_exact(value, 6)

    assert not cmp.ok
    assert cmp.reason.startswith(f"returned {describe_type(value)}")
    assert cmp.reason.endswith("expected 6")


def test_compare_exact_compares_tuples_elementwise():
    assert compare_exact((10, 360), (10, 360)).ok
    assert compare_exact([10, 360], (10, 360)).ok  # a list is as good as a tuple
    assert not compare_exact((10, 361), (10, 360)).ok
    assert not compare_exact((10,), (10, 360)).ok
    assert not compare_exact((10, True), (10, 1)).ok


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "None"),
        (Unsendable("generator"), "a generator"),
        (np.zeros((2, 3)), "an ndarray of shape (2, 3)"),
        ((1, 2), "a tuple of 2 items"),
        ([], "a list of 0 items"),
        ({"a": 1}, "a dict"),
        (4, "an int"),
        (object(), "an object"),
        (Unsendable("iterator"), "an iterator"),
        (2.0, "a float"),
        ("x", "a str"),
    ],
)
def test_describe_type_names_what_a_student_returned(value: object, text: str):
    assert describe_type(value) == text
