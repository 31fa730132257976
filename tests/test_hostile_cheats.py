"""Submissions that try to pass without computing the answer score nothing for what they fake;
every other part is graded as usual, and nothing is left behind."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GRADE
from hostile_suite import Arena, assert_contained, assert_scores, grade_hostile

CONV = {"conv2d_forward", "conv2d_backward"}
MAX_POOL = {"max_pool2d_forward", "max_pool2d_backward"}
POOLING = MAX_POOL | {"avg_pool2d_forward", "avg_pool2d_backward"}


@pytest.fixture
def arena(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Arena:
    return Arena.enter(tmp_path, monkeypatch)


def test_monkeypatched_numpy_comparisons_do_not_pass_zeros(arena: Arena):
    run = grade_hostile(arena, "monkeypatch_allclose", ["shapes", "pooling"])
    assert_scores(run.result, zeroed=POOLING)
    assert run.result.part("pooling").score == pytest.approx(0.0, abs=1e-12)
    assert_contained(run)


def test_ndarray_subclass_with_lying_comparisons_scores_zero(arena: Arena):
    run = grade_hostile(arena, "lying_ndarray_subclass", ["shapes", "conv"])
    assert_scores(run.result, zeroed=CONV)
    assert run.result.part("conv").score == pytest.approx(0.0, abs=1e-12)
    assert_contained(run)


def test_expected_values_cannot_be_stolen_from_the_callers_frames(arena: Arena):
    run = grade_hostile(arena, "steal_expected_from_frames", ["shapes", "conv"])
    assert_scores(run.result, zeroed=CONV)
    assert "stealer: walked frames" in run.result.stdout  # it ran, and what it saw is on record
    assert "stole nothing" in run.result.stdout and "stole expected" not in run.result.stdout
    assert_contained(run)


def test_plain_torch_import_fails_the_module(arena: Arena):
    run = grade_hostile(arena, "imports_torch", ["shapes", "conv"])
    assert_scores(run.result, zeroed=CONV)
    assert "torch" in (run.result.part("conv").error or ""), run.result.part("conv").error
    assert_contained(run)


def test_torch_reached_through_import_tricks_scores_zero_for_the_part(arena: Arena):
    run = grade_hostile(arena, "imports_torch_via_dunder_import", ["shapes", "pooling"])
    # README: a forbidden import, however it is spelled, scores zero for its whole part.
    assert_scores(run.result, zeroed=POOLING)
    assert "forbidden import" in (run.result.part("pooling").error or ""), run.result.part("pooling").error
    assert_contained(run)


def test_torch_is_out_of_reach_once_the_import_hook_is_removed(arena: Arena):
    run = grade_hostile(arena, "imports_torch_without_import_hook", ["shapes", "conv"])
    assert_scores(run.result, zeroed=CONV)
    assert "torch: imported without the hook" not in run.result.stdout, run.result.stdout
    assert_contained(run)


def test_answers_right_only_on_small_inputs_lose_the_hidden_checks(arena: Arena):
    run = grade_hostile(arena, "correct_only_on_small_inputs", ["shapes", "pooling"])
    result = run.result
    hidden = next(c for c in result.checks if c.name == "max_pool2d_forward forward (hidden)")
    assert hidden.outcome == "failed" and hidden.score == pytest.approx(0.0, abs=1e-12), hidden.message
    assert result.part("pooling").score < result.part("pooling").max_score - 1e-9
    # The backward is right (its cache is), but its gradcheck waits on the forward passing.
    for c in result.checks:
        if c.function != "max_pool2d_forward" and c.name != "max_pool2d_backward gradcheck":
            assert c.score == pytest.approx(c.max_score, abs=1e-9), (c.name, c.message)
    assert_contained(run)


def test_forged_worker_replies_never_count_as_passes(arena: Arena):
    run = grade_hostile(arena, "forges_worker_replies", ["shapes", "conv"])
    assert_scores(run.result, zeroed=CONV)
    assert run.result.part("conv").score == pytest.approx(0.0, abs=1e-12)
    assert_contained(run)


def test_computing_only_some_entries_of_a_timed_result_loses_the_speed_points(arena: Arena):
    # Nothing in a request names the verified positions, and the whole result is compared.
    run = grade_hostile(arena, "computes_only_some_entries", ["conv"], options=GRADE)
    forward = next(c for c in run.result.checks if c.name == "conv2d_forward timing")
    assert forward.score == 0 and "wrong values in a timed run" in forward.message, forward.message
    assert all(c.score == 0 for c in run.result.checks if c.kind == "timing")
    assert all(c.outcome == "passed" for c in run.result.checks if c.kind in ("forward", "backward"))
    assert_contained(run)


def test_answering_timed_calls_without_the_work_loses_the_speed_points(arena: Arena):
    run = grade_hostile(arena, "fakes_fast_timing", ["pooling"], options=GRADE)
    timing = [c for c in run.result.checks if c.kind == "timing"]
    assert timing and all(c.score == 0 and "wrong values in a timed run" in c.message for c in timing), [c.message for c in timing]
    correctness = [c for c in run.result.checks if c.kind in ("forward", "backward")]
    assert all(c.outcome == "passed" for c in correctness)
    assert_contained(run)
