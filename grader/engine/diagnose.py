"""Naming the likely mistake behind a failure: spec-declared known bugs, then generic patterns."""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import Tolerance, compare
from grader.engine.context import CaseFailure
from grader.spec import Case, PartSpec


def likely_mistakes(part: PartSpec, failure: CaseFailure, case: Case, tol: Tolerance) -> list[str]:
    hints = []
    for d in part.diagnoses:
        if d.function != failure.function or d.output != failure.output:
            continue
        try:
            variant = d.variant(case, failure.dout)
        except Exception:  # a variant that does not apply to this case explains nothing
            continue
        if variant is not None and compare(failure.actual, variant, tol).ok:
            hints.append(d.hint)
    return hints or generic(failure.actual, failure.expected, tol, gradient=failure.output is not None)


def generic(actual: Any, expected: Any, tol: Tolerance, gradient: bool = False) -> list[str]:
    if not isinstance(actual, np.ndarray) or not isinstance(expected, np.ndarray):
        return []
    if actual.shape != expected.shape and gradient:
        return ["a gradient always has the shape of the input it belongs to (crop the padding off dx exactly)"]
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
