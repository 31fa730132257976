"""Run a property over hypothesis-drawn cases and keep the smallest failing case as data.

Hypothesis shrinks a failure and replays the minimal example last, so the last failure recorded
is the shrunk one. A call that hangs or kills the worker is not shrunk (each try would cost a
timeout): `Fatal` stops the search at once with that case; so does running out of time budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings
from hypothesis.strategies import SearchStrategy

T = TypeVar("T")
F = TypeVar("F")


class Fatal(Exception):
    """Raised by a property to end the search with this failure (no shrinking)."""

    def __init__(self, failure: object):
        super().__init__()
        self.failure = failure


class _Stop(BaseException):
    """Escapes hypothesis (which catches Exception) to end the search."""


@dataclass
class Found(Generic[T, F]):
    case: T
    failure: F
    examples: int
    shrunk: bool


def _settings(max_examples: int, shrink: bool = True) -> settings:
    """Quiet, no database or deadline, every health check off: the engine owns time and output."""
    return settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.shrink) if shrink else (Phase.explicit, Phase.generate),
    )


def search(
    strategy: SearchStrategy[T],
    prop: Callable[[T], F | None],
    *,
    seed_value: int,
    max_examples: int,
    budget_seconds: float = 30.0,
    shrink: bool = True,
) -> tuple[Found[T, F] | None, int]:
    """Return (the smallest failing case found or None, the number of cases tried). With
    `shrink` False the first failing case is kept as it is (a hidden check shows no input)."""
    state: dict = {"n": 0, "last": None, "fatal": False, "error": None}
    stop_at = time.monotonic() + budget_seconds

    def test(case: T) -> None:
        if state["last"] is not None and time.monotonic() > stop_at:
            state["fatal"] = True  # cut short: what we hold is a failing input, maybe not the smallest
            raise _Stop()
        state["n"] += 1
        try:
            failure = prop(case)
        except Fatal as fatal:
            state["last"], state["fatal"] = (case, fatal.failure), True
            raise _Stop() from None
        except Exception as exc:  # the property itself broke: never let that read as a pass
            state["error"] = exc
            raise _Stop() from None
        if failure is not None:
            state["last"] = (case, failure)
            raise AssertionError("case failed")

    run = _settings(max_examples, shrink)(seed(seed_value)(given(strategy)(test)))
    try:
        run()
    except _Stop:
        pass
    except Exception:  # the shrunk failure re-raised by hypothesis, or its Flaky report
        if state["last"] is None and state["error"] is None:
            raise
    if state["error"] is not None:
        raise state["error"]
    if state["last"] is None:
        return None, state["n"]
    case, failure = state["last"]
    return Found(case, failure, state["n"], shrunk=shrink and not state["fatal"]), state["n"]
