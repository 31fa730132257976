"""grader/engine/search.py: hypothesis runs a property; the smallest failing case comes back as data."""
from __future__ import annotations

import time

import pytest
from hypothesis import strategies as st

from grader.engine.search import Fatal, Found, search

INTS = st.integers(0, 1000)


class Recorder:
    """A property that records every case it is called on."""

    def __init__(self, fails=lambda n: False, result="too big", sleep: float = 0.0, fatal=lambda n: False):
        self.cases: list[int] = []
        self.fails, self.result, self.sleep, self.fatal = fails, result, sleep, fatal

    def __call__(self, n: int) -> str | None:
        self.cases.append(n)
        if self.fatal(n):
            raise Fatal(f"fatal at {n}")
        if self.fails(n):
            time.sleep(self.sleep)
            return f"{self.result}: {n}"
        return None


def test_a_property_that_always_passes_finds_nothing_and_counts_its_cases():
    prop = Recorder()

    found, tried = search(INTS, prop, seed_value=1, max_examples=40)

    assert found is None
    assert tried == len(prop.cases) == 40


def test_the_count_stops_early_when_the_strategy_has_fewer_distinct_cases():
    prop = Recorder()

    found, tried = search(st.booleans(), prop, seed_value=1, max_examples=40)

    assert found is None
    assert tried == len(prop.cases) and sorted(set(prop.cases)) == [False, True]


def test_a_failure_is_shrunk_to_the_smallest_failing_case():
    prop = Recorder(fails=lambda n: n >= 10)

    found, tried = search(INTS, prop, seed_value=1, max_examples=100)

    assert isinstance(found, Found)
    assert found.case == 10 and found.failure == "too big: 10"
    assert found.shrunk
    assert found.examples == tried == len(prop.cases)


def test_a_fatal_failure_stops_the_search_at_once_without_shrinking():
    prop = Recorder(fatal=lambda n: n >= 10)

    found, tried = search(INTS, prop, seed_value=1, max_examples=100)

    assert found is not None and not found.shrunk
    assert prop.cases[-1] == found.case and found.case >= 10
    assert all(n < 10 for n in prop.cases[:-1])  # the fatal case was the last call of all
    assert found.failure == f"fatal at {found.case}"
    assert tried == found.examples == len(prop.cases)


def test_the_same_seed_gives_the_same_cases_and_result():
    runs = []
    for _ in range(2):
        prop = Recorder(fails=lambda n: n % 7 == 3 and n > 100)
        found, tried = search(INTS, prop, seed_value=42, max_examples=60)
        runs.append((found.case if found else None, tried, prop.cases))

    assert runs[0] == runs[1]


def test_the_time_budget_stops_a_long_shrink():
    # Shrinking ten values to (10, ..., 10) takes about 70 failing calls: 3.5 s at 50 ms each.
    sleep, budget = 0.05, 0.3
    failing_calls: list[tuple[int, ...]] = []

    def slow_when_all_big(xs: tuple[int, ...]) -> str | None:
        if min(xs) < 10:
            return None
        failing_calls.append(xs)
        time.sleep(sleep)
        return "all big"

    start = time.monotonic()
    found, _ = search(st.tuples(*[st.integers(0, 10**6)] * 10), slow_when_all_big, seed_value=3, max_examples=300, budget_seconds=budget)
    elapsed = time.monotonic() - start

    assert found is not None and found.failure == "all big" and min(found.case) >= 10
    assert len(failing_calls) <= budget / sleep + 2
    assert elapsed == pytest.approx(budget, abs=2 * sleep + 0.5)


def test_the_budget_does_not_cut_a_search_that_has_found_nothing():
    prop = Recorder()

    found, tried = search(INTS, prop, seed_value=1, max_examples=30, budget_seconds=0.0)

    assert found is None and tried == 30


def test_an_error_inside_the_property_is_never_reported_as_a_pass():
    """A property that raises something other than Fatal (a grader bug, a decode error on a
    forged reply) must not end as (None, n), which the engine scores as "passed on n cases"."""

    def prop(n: int) -> None:
        if n >= 10:
            raise ZeroDivisionError("a bug in the check itself")

    try:
        found, _ = search(INTS, prop, seed_value=1, max_examples=50)
        outcome = "passed" if found is None else "found"
    except ZeroDivisionError:
        outcome = "raised"  # propagating is fine too

    assert outcome != "passed"


def test_without_shrinking_the_first_failing_case_is_kept():
    # What a hidden check asks for: its input is never shown, so shrinking it only costs time.
    prop = Recorder(fails=lambda n: n >= 10)

    found, tried = search(INTS, prop, seed_value=1, max_examples=100, shrink=False)

    assert found is not None and not found.shrunk
    first = next(n for n in prop.cases if n >= 10)
    assert found.case == first and found.failure == f"too big: {first}"
    assert tried == len(prop.cases) <= prop.cases.index(first) + 2  # at most a replay of it after it
