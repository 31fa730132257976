"""Correct solutions score what they deserve; the shipped stubs score nothing, without a crash."""
from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import NO_TIMING, VECTORIZED, grade

from grader.results import SubmissionResult
from grader.hidden import MESSAGES as HIDDEN_MESSAGES


# Each part's points with timing. The first five are the course's original 100 points, unchanged
# by the parts added after them.
MAX_SCORES = {"shapes": 10.0, "conv1d": 17.0, "conv": 25.0, "pooling": 20.0, "rnn": 25.0, "lstm": 25.0, "seq2seq": 28.5, "residual": 20.0, "lenet": 31.5, "transformer": 36.0}
TOTAL = sum(MAX_SCORES.values())


def test_vectorized_solution_scores_full_marks(vectorized_result: SubmissionResult):
    failed = [f"{c.name}: {c.message}" for c in vectorized_result.checks if c.outcome != "passed"]
    assert failed == []
    assert {p.part: p.max_score for p in vectorized_result.parts} == pytest.approx(MAX_SCORES, abs=1e-9)
    assert vectorized_result.max_score == pytest.approx(TOTAL, abs=1e-9)
    assert vectorized_result.score == pytest.approx(TOTAL, abs=1e-9)


def test_every_kind_of_check_is_graded(vectorized_result: SubmissionResult):
    kinds = {c.kind for c in vectorized_result.checks}
    assert kinds == {"forward", "backward", "gradcheck", "example", "contract", "timing", "training"}
    assert {c.visibility for c in vectorized_result.checks} == {"public", "hidden"}


def test_loop_solution_loses_timing_points_only(loops_result: SubmissionResult):
    lost = [c for c in loops_result.checks if c.outcome != "passed"]
    assert lost, "the loop solution should be too slow somewhere"
    assert {c.kind for c in lost} == {"timing"}, [c.name for c in lost if c.kind != "timing"]
    timing = [c for c in loops_result.checks if c.kind == "timing"]
    assert all(c.outcome == "failed" and "too slow" in c.message for c in timing)
    assert loops_result.score == pytest.approx(TOTAL - sum(c.max_score for c in timing), abs=1e-9)
    # a correct solution gets no named mistake and no observation, however slow it is
    assert [line for c in loops_result.checks for line in c.message.splitlines() if line.startswith(("likely mistake:", "observation:"))] == []


def test_stubs_score_zero_with_not_implemented(stubs_result: SubmissionResult):
    assert stubs_result.score == pytest.approx(0.0, abs=1e-12)
    assert stubs_result.max_score == pytest.approx(TOTAL, abs=1e-9)
    assert all(p.error is None for p in stubs_result.parts)
    forwards = [c for c in stubs_result.checks if c.kind == "forward"]
    public = [c for c in forwards if c.visibility == "public"]
    assert public and all("not implemented yet" in c.message for c in public)
    assert all(c.message == HIDDEN_MESSAGES["failed"] for c in forwards if c.visibility == "hidden")
    assert all(c.outcome in ("failed", "skipped") for c in stubs_result.checks)


def test_gated_checks_earn_nothing_for_stubs(stubs_result: SubmissionResult):
    gated = [c for c in stubs_result.checks if c.kind in ("gradcheck", "contract", "timing")]
    assert gated and all(c.outcome == "skipped" and c.score == 0 for c in gated)


def test_grading_twice_gives_identical_results():
    first = grade(VECTORIZED, ["shapes", "pooling"])
    second = grade(VECTORIZED, ["shapes", "pooling"])
    assert [(c.name, c.outcome, c.score, c.message) for c in first.checks] == [
        (c.name, c.outcome, c.score, c.message) for c in second.checks
    ]


def test_grading_the_multi_output_parts_twice_gives_identical_results():
    # lstm's step has two outputs and upstream gradients; seq2seq's loss a float output and
    # integer and boolean inputs; transformer's attention optional boolean masks and an example
    # that must raise. A fifth of the cases keeps this quick.
    options = replace(NO_TIMING, examples_scale=0.2)
    first, second = (grade(VECTORIZED, ["lstm", "seq2seq", "transformer"], options) for _ in range(2))
    assert [(c.id, c.outcome, c.score, c.message) for c in first.checks] == [(c.id, c.outcome, c.score, c.message) for c in second.checks]
    assert first.score == pytest.approx(first.max_score, abs=1e-9)


def test_results_record_device_and_sandbox(vectorized_result: SubmissionResult):
    assert vectorized_result.device.startswith(("cpu", "cuda"))
    # What the worker itself reported: bubblewrap with its seccomp filter here, or the fallback.
    from grader.sandbox.launch import bwrap_works

    expected = {"bwrap+seccomp"} if bwrap_works() else {"process", "process+seccomp", "process+landlock+seccomp"}
    assert vectorized_result.sandbox in expected
