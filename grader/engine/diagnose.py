"""Naming the likely mistake behind a failure (spec-declared), else a generic observation.

A named mistake comes from the part's spec: a `Diagnosis` (the student's value is the value a
known bug gives, computed from the reference) or a `Signature` (a trait only that bug leaves).
An observation says what is visible in the numbers without naming a cause; feedback labels it
as such. Everything here runs in the parent, on values the worker sent back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grader.compare import Tolerance, compare, compare_exact, compare_scalar
from grader.engine.context import CaseFailure
from grader.spec import Case, Diagnosis, PartSpec, Seen, Signature


def named_mistakes(part: PartSpec, failure: CaseFailure, case: Case, tol: Tolerance) -> list[Diagnosis | Signature]:
    """The declared mistakes (each with its key, function and hint) this failure shows: by value
    first, then by signature."""
    found: list[Diagnosis | Signature] = []
    variants: list[Any] = []
    if failure.actual is None:  # the call raised: only what its error shows can name a mistake
        return _signatures(part, failure, Seen(case, None, failure.expected, failure.dout, f"{failure.text}\n{failure.traceback}"), True)
    if _matches(failure.actual, failure.expected, tol):  # a right value (another output failed)
        return found
    for d in _aimed(part, failure, Diagnosis):
        try:
            variant = d.variant(case, failure.dout)
        except Exception:  # a variant that does not apply to this case explains nothing
            continue
        # A variant equal to the right answer cannot tell the mistake on this case; one equal to
        # an earlier-declared variant is that mistake too, as far as this case can tell.
        if variant is None or _matches(failure.expected, variant, tol) or not _matches(failure.actual, variant, tol):
            continue
        if any(_matches(v, variant, tol) for v in variants):
            continue
        variants.append(variant)
        found.append(d)
    if found:
        return found
    return _signatures(part, failure, Seen(case, failure.actual, failure.expected, failure.dout), False)


def _signatures(part: PartSpec, failure: CaseFailure, seen: Seen, on_error: bool) -> list[Diagnosis | Signature]:
    # Signatures are declared most specific first, and one case can show the trait of two (a
    # kernel-sized swap and a missing + 1 both empty a 1-row output): the first is named.
    for s in _aimed(part, failure, Signature):
        if s.on_error != on_error:
            continue
        try:
            if s.matches(seen):
                return [s]
        except Exception:  # a trait that cannot be read on this value is absent
            continue
    return []


def observations(part: PartSpec, failure: CaseFailure, case: Case, tol: Tolerance) -> list[str]:
    """What the failing value shows, for a failure no declared mistake explains."""
    return generic(failure.actual, failure.expected, tol, gradient=_gradient_of(part, failure), case=case)


def _aimed(part: PartSpec, failure: CaseFailure, kind: type) -> list[Any]:
    """The part's diagnoses of `kind` that explain this failure's function and output."""
    found = []
    for d in part.diagnoses:
        if not isinstance(d, kind) or d.function != failure.function or d.output != failure.output:
            continue
        if d.output is None and d.forward_output != failure.forward_output:
            continue
        found.append(d)
    return found


def _matches(actual: Any, variant: Any, tol: Tolerance) -> bool:
    """Whether the student's value is the buggy variant's: an array, a float (a loss), or an
    exact value (a count, a tuple of counts)."""
    if isinstance(variant, np.ndarray):
        return compare(actual, variant, tol).ok
    if isinstance(variant, float) and not isinstance(actual, (tuple, list)):
        return compare_scalar(actual, variant, tol).ok
    return compare_exact(actual, variant).ok


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
    if expected.size == 0 or not np.isfinite(actual).all() or compare(actual, expected, tol).ok:
        return []
    if np.all(actual == 0) and np.any(np.abs(expected) > tol.atol):
        return ["every value you returned is 0, where the expected ones are not"]
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
    return _where_it_differs(actual, expected, tol)


def _where_it_differs(actual: np.ndarray, expected: np.ndarray, tol: Tolerance) -> list[str]:
    """Which slice of the array the wrong entries sit in, where that is a telling one."""
    wrong = ~np.isclose(actual, expected, rtol=tol.rtol, atol=tol.atol)
    if not wrong.any() or wrong.all() or expected.ndim < 2:
        return []
    said = []
    if expected.shape[0] > 1 and not wrong[0].any():
        said.append("only entries with n > 0 differ (the first sample is right): look for a batch axis summed, averaged or indexed wrongly")
    if expected.ndim == 3 and expected.shape[1] > 1:
        if not wrong[:, -1].any():
            said.append("only time steps before the last differ (the last is right): look at what flows back from later steps")
        elif not wrong[:, :-1].any():
            said.append("only the last time step differs")
    if expected.ndim == 4 and min(expected.shape[2:]) > 1:
        border = np.zeros(expected.shape[2:], dtype=bool)
        first, last = border.copy(), border.copy()
        first[0, :] = first[:, 0] = True
        last[-1, :] = last[:, -1] = True
        spatial = wrong.any(axis=(0, 1))
        if not (spatial & ~first).any():
            said.append("only the first row and column differ: look at the top and left border (padding, the first window)")
        elif not (spatial & ~last).any():
            said.append("only the last row and column differ: look at the bottom and right border (padding, the last window, the output size)")
    return said


def _gradient_shape_hint(got: tuple[int, ...], want: tuple[int, ...], name: str, case: Case | None) -> str:
    """A gradient of the wrong shape: it always has its input's shape. Only a dx larger than x on
    a padded case is blamed on padding left on it; a db or dw of the wrong shape is not."""
    hint = f"d{name} has shape {got}, but a gradient always has the shape of the input it belongs to: {name} is {want}"
    pad = case.get("pad") if case is not None and "pad" in case.names else 0
    padded = pad is not None and bool(np.any(np.asarray(pad) > 0))
    if name == "x" and len(got) == len(want) and 0 in got and 0 not in want:
        hint += " (it is empty)"
    elif name == "x" and padded and len(got) == len(want) and all(g >= w for g, w in zip(got, want)):
        hint += " (is the padding still on it?)"
    return hint
