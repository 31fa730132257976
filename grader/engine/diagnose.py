"""Naming the likely mistake behind a failure: spec-declared known bugs, then generic patterns."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import Tolerance, compare, compare_scalar
from grader.engine.context import CaseFailure
from grader.spec import Case, PartSpec


def likely_mistakes(part: PartSpec, failure: CaseFailure, case: Case, tol: Tolerance) -> list[str]:
    hints = []
    for d in part.diagnoses:
        if d.function != failure.function or d.output != failure.output:
            continue
        if d.output is None and d.forward_output != failure.forward_output:
            continue
        try:
            variant = d.variant(case, failure.dout)
        except Exception:  # a variant that does not apply to this case explains nothing
            continue
        if variant is not None and _matches(failure.actual, variant, tol):
            hints.append(d.hint)
    return hints or generic(failure.actual, failure.expected, tol, gradient=_gradient_of(part, failure), case=case)


def _matches(actual: Any, variant: Any, tol: Tolerance) -> bool:
    """Whether the student's value is the buggy variant's: an array, or a float (a loss).

    A mistake that makes 0 / 0 (a variance divided by D - 1 with D = 1) is recognised by NaN at
    exactly the variant's NaN positions and the variant's values everywhere else."""
    if isinstance(variant, np.ndarray) and variant.dtype.kind == "f" and np.isnan(variant).any():
        nan = np.isnan(variant)
        if not isinstance(actual, np.ndarray) or actual.shape != variant.shape or actual.dtype.kind != "f":
            return False
        return bool(np.array_equal(np.isnan(actual), nan)) and compare(np.where(nan, 0.0, actual), np.where(nan, 0.0, variant), tol).ok
    if isinstance(variant, np.ndarray):
        return compare(actual, variant, tol).ok
    return compare_scalar(actual, variant, tol).ok


def _gradient_of(part: PartSpec, failure: CaseFailure) -> str | None:
    """The input whose gradient failed (`x` for dx), or None for a forward's output."""
    if failure.output is None:
        return None
    for layer in part.layers:
        if layer.backward == failure.function and failure.output < len(layer.arrays):
            return layer.arrays[failure.output]
    return "the input"


def generic(actual: Any, expected: Any, tol: Tolerance, gradient: str | None = None, case: Case | None = None) -> list[str]:
    if not isinstance(actual, np.ndarray) or not isinstance(expected, np.ndarray):
        return []
    if actual.shape != expected.shape and gradient is not None:
        return [_gradient_shape_hint(actual.shape, expected.shape, gradient, case)]
    if actual.shape != expected.shape:
        diff = [a - e for a, e in zip(actual.shape, expected.shape)] if actual.ndim == expected.ndim else None
        if diff and any(diff) and all(abs(d) <= 2 for d in diff):
            return [f"the shape is off by {tuple(diff)}: check the output-size formula floor((H + 2*pad - K) / stride) + 1 and how padding is applied"]
        return []
    if expected.size == 0 or not np.isfinite(actual).all():
        return []
    if np.all(actual == 0) and np.any(np.abs(expected) > tol.atol):
        return ["every value you returned is 0: is this result computed at all?"]
    if compare(-actual, expected, tol).ok:
        return ["your values have the opposite sign of the expected ones"]
    nz = np.abs(expected) > 1e-6
    if nz.sum() >= 2:
        ratios = actual[nz] / expected[nz]
        r = float(np.median(ratios))
        if abs(r - 1) > 1e-3 and np.allclose(ratios, r, rtol=1e-6) and np.allclose(actual[~nz], 0, atol=1e-6):
            return [f"every value is {r:.6g} times the expected one: a missing or extra scale factor (e.g. a division by the window size)"]
    if expected.ndim >= 2 and actual.shape == actual.swapaxes(-1, -2).shape and compare(actual.swapaxes(-1, -2), expected, tol).ok:
        return ["your values are the expected ones with the last two axes swapped"]
    return []


def _gradient_shape_hint(got: tuple[int, ...], want: tuple[int, ...], name: str, case: Case | None) -> str:
    """A gradient of the wrong shape: it always has its input's shape. Only a dx larger than x on
    a padded case is blamed on padding left on it; a db or dw of the wrong shape is not."""
    hint = f"d{name} has shape {got}, but a gradient always has the shape of the input it belongs to: {name} is {want}"
    pad = case.get("pad") if case is not None and "pad" in case.names else 0
    padded = pad is not None and bool(np.any(np.asarray(pad) > 0))
    if name == "x" and len(got) == len(want) and 0 in got and 0 not in want:
        hint += " (it is empty: with pad = 0, a crop written dx_pad[p:-p] keeps nothing; crop with dx_pad[p:p + H])"
    elif name == "x" and padded and len(got) == len(want) and all(g >= w for g, w in zip(got, want)):
        hint += " (crop the padding off dx exactly)"
    return hint
