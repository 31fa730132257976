"""Submissions that exit, hang, hog memory or ignore signals cost their own functions only: the
call is stopped within its limit, the worker restarted, the rest graded, nothing left running."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import NO_TIMING
from hostile_suite import Arena, Run, assert_contained, assert_scores, grade_hostile

from grader.options import Limits
from grader.results import CheckResult

CONV = {"conv2d_forward", "conv2d_backward"}
MAX_POOL = {"max_pool2d_forward", "max_pool2d_backward"}
SHAPES = {"conv2d_output_size", "conv2d_cost"}
QUICK = replace(NO_TIMING, limits=Limits(call_seconds=1.0))
# Each failing call of the memory hog first fills the limit (seconds, where fresh pages are slow
# to fault in): a short search bounds the number of calls, a long call limit keeps a slow one
# from passing for a hang.
MEMORY_HOG = replace(NO_TIMING, search_budget_seconds=0.5, limits=Limits(call_seconds=60.0))


@pytest.fixture
def arena(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Arena:
    return Arena.enter(tmp_path, monkeypatch)


def _check(run: Run, name: str) -> CheckResult:
    return next(c for c in run.result.checks if c.name == name)


def test_os_exit_inside_a_function_fails_that_layer_only(arena: Arena):
    run = grade_hostile(arena, "os_exit_in_function", ["shapes", "pooling"])
    assert_scores(run.result, zeroed=MAX_POOL)
    forward = _check(run, "max_pool2d_forward forward")
    assert forward.outcome == "failed" and "exited with status 0" in forward.message, forward.message
    assert_contained(run)


def test_sys_exit_at_import_scores_zero_for_that_part(arena: Arena):
    run = grade_hostile(arena, "sys_exit_at_import", ["shapes", "pooling"])
    assert_scores(run.result, zeroed=SHAPES)
    assert "SystemExit" in (run.result.part("shapes").error or "")
    assert_contained(run)


def test_infinite_loop_is_stopped_within_the_call_limit(arena: Arena):
    run = grade_hostile(arena, "infinite_loop", ["shapes", "conv"], QUICK)
    assert_scores(run.result, zeroed=CONV)
    forward = _check(run, "conv2d_forward forward")
    assert "did not finish within 1 s" in forward.message, forward.message
    assert_contained(run, limit=15.0)


def test_unbounded_memory_is_stopped_by_the_memory_limit(arena: Arena):
    run = grade_hostile(arena, "unbounded_memory", ["shapes", "pooling"], MEMORY_HOG)
    assert_scores(run.result, zeroed=MAX_POOL)
    forward = _check(run, "max_pool2d_forward forward")
    # The hog answers correctly once it reaches 6 GiB: only the limit can have failed it.
    assert "MemoryError" in forward.message or "killed" in forward.message, forward.message
    assert_contained(run, limit=60.0)


def test_ignored_signals_do_not_keep_a_hung_call_alive(arena: Arena):
    run = grade_hostile(arena, "ignores_signals", ["shapes", "conv"], QUICK)
    assert_scores(run.result, zeroed=CONV)
    forward = _check(run, "conv2d_forward forward")
    assert "did not finish within 1 s" in forward.message, forward.message
    assert_contained(run, limit=15.0)
