"""Pure comparisons of a student's value with the reference's: values in, a Comparison out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.sandbox.inside.wire import Unsendable


@dataclass(frozen=True)
class Tolerance:
    """|got - expected| <= atol + rtol * |expected|, elementwise (numpy.isclose's rule)."""

    rtol: float = 1e-6
    atol: float = 1e-8


@dataclass(frozen=True)
class Comparison:
    ok: bool
    reason: str = ""  # why not, in one line: wrong type, wrong shape, non-finite, wrong values
    expected_shape: tuple[int, ...] | None = None
    actual_shape: tuple[int, ...] | None = None
    max_abs: float = 0.0
    max_rel: float = 0.0
    worst_index: tuple[int, ...] | None = None
    mismatches: int = 0
    total: int = 0
    samples: tuple[tuple[tuple[int, ...], float, float], ...] = field(default_factory=tuple)  # (index, expected, got)

    def describe(self, label: str) -> str:
        if self.ok:
            return f"{label}: matches"
        if self.worst_index is None:
            return f"{label}: {self.reason}"
        idx = ", ".join(map(str, self.worst_index))
        lines = [
            f"{label}: {self.reason}: {self.mismatches} of {self.total} elements differ; "
            f"max abs error {self.max_abs:.3g} at [{idx}], max rel error {self.max_rel:.3g}",
            "    index            expected          got",
        ]
        for index, exp, got in self.samples:
            lines.append(f"    [{', '.join(map(str, index))}]".ljust(18) + f"{exp: .8g}".ljust(18) + f"{got: .8g}")
        return "\n".join(lines)


def compare(actual: Any, expected: np.ndarray, tol: Tolerance, samples: int = 4) -> Comparison:
    """Compare a returned value with an expected float array under `tol`."""
    expected = np.asarray(expected, dtype=np.float64)
    if not isinstance(actual, np.ndarray):
        return Comparison(False, f"returned {describe_type(actual)}, expected an ndarray of shape {expected.shape}", expected.shape)
    if actual.shape != expected.shape:
        return Comparison(False, f"has shape {actual.shape}, expected {expected.shape}", expected.shape, actual.shape)
    if actual.dtype.kind not in "fiub":
        return Comparison(False, f"has dtype {actual.dtype}, expected a float array", expected.shape, actual.shape)
    got = actual.astype(np.float64)
    total = int(expected.size)
    if total == 0:
        return Comparison(True, expected_shape=expected.shape, actual_shape=actual.shape)
    err = np.abs(got - expected)
    err = np.where(np.isfinite(got), err, np.inf)
    bad = ~(err <= tol.atol + tol.rtol * np.abs(expected))
    rel = err / np.maximum(np.abs(expected), tol.atol)
    worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), expected.shape) if bad.any() else None
    n_bad = int(bad.sum())
    if not n_bad:
        return Comparison(True, "", expected.shape, actual.shape, float(err.max()), float(rel.max()), None, 0, total)
    picks = [tuple(int(i) for i in ix) for ix in np.argwhere(bad)[:samples]]
    if worst is not None and tuple(int(i) for i in worst) not in picks:
        picks = [tuple(int(i) for i in worst)] + picks[: samples - 1]
    reason = "has non-finite values" if not np.isfinite(got).all() else "has wrong values"
    return Comparison(
        False,
        reason,
        expected.shape,
        actual.shape,
        float(err.max()),
        float(rel.max()),
        tuple(int(i) for i in worst) if worst is not None else None,
        n_bad,
        total,
        tuple((ix, float(expected[ix]), float(got[ix])) for ix in picks),
    )


def compare_scalar(actual: Any, expected: Any, tol: Tolerance) -> Comparison:
    """A float output (a loss) under `tol`. Its value is compared whatever holds it (a Python or
    numpy float, an int, a 0-d float array); whether it is a float is the contract check's."""
    exp = float(expected) + 0.0  # no "-0" in feedback
    if isinstance(actual, np.ndarray) and actual.shape == () and actual.dtype.kind in "fiu":
        actual = actual.item()
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return Comparison(False, f"returned {describe_type(actual)}, expected a float", ())
    got = float(actual)
    err = abs(got - exp) if math.isfinite(got) else math.inf
    rel = err / max(abs(exp), tol.atol)
    if err <= tol.atol + tol.rtol * abs(exp):
        return Comparison(True, "", (), (), err, rel, None, 0, 1)
    return Comparison(False, f"is {got:.10g}, expected {exp:.10g} (abs error {err:.3g})", (), (), err, rel, None, 1, 1)


def compare_value(actual: Any, expected: Any, tol: Tolerance, *, exact: bool = False, scalar: bool = False) -> Comparison:
    """One output by its kind: a count (exactly), a float (a loss) or an array, under `tol`."""
    if exact:
        return compare_exact(actual, expected)
    if scalar:
        return compare_scalar(actual, expected, tol)
    return compare(actual, expected, tol)


def compare_exact(actual: Any, expected: Any) -> Comparison:
    """Counts (output sizes, parameter counts) must equal the reference's exactly."""
    if _numeric(actual) and _plain(actual) == _plain(expected):
        return Comparison(True)
    return Comparison(False, f"returned {describe_type(actual)} {actual!r:.60}, expected {expected!r}")


def _plain(v: Any) -> Any:
    if isinstance(v, (tuple, list)):
        return tuple(_plain(x) for x in v)
    return v


def _numeric(v: Any) -> bool:
    """Numbers or sequences of numbers; the contract check, not this one, insists on int."""
    if isinstance(v, (tuple, list)):
        return all(_numeric(x) for x in v)
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_integral(v: Any) -> bool:
    if isinstance(v, (tuple, list)):
        return all(is_integral(x) for x in v)
    return isinstance(v, int) and not isinstance(v, bool)


def describe_type(v: Any) -> str:
    """'a dict', 'a tuple of 2 items', 'an ndarray of shape (2, 3)': what a student returned."""
    if v is None:
        return "None"
    if isinstance(v, Unsendable):
        return _article(v.type)
    if isinstance(v, np.ndarray):
        return f"an ndarray of shape {v.shape}"
    if isinstance(v, (tuple, list)):
        return f"a {type(v).__name__} of {len(v)} items"
    return _article(type(v).__name__)


def _article(noun: str) -> str:
    """'an int', 'a float': by the first letter's sound, as type names read (no 'an unicorn')."""
    return f"{'an' if noun[:1].lower() in 'aeio' else 'a'} {noun}"
