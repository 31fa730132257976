"""grader/checks/timing.py: verdicts from CPU time, taken in turns with the worker frozen."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GRADE, VECTORIZED, variant

from grader.sandbox import cputime
from grader.engine.checks import timing
from grader.options import GradeOptions
from grader.engine.grade import grade_submission
from grader.parts import select

HOSTILE = Path(__file__).resolve().parent / "hostile"
TIMING_ONLY = GradeOptions(visibility=("public",), examples_scale=0.1)
REFERENCE_TOLERANCE = 1.5  # the reference's fastest run, with and without the student's threads


def _grade_recording(src: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[float]]:
    """Grade pooling; -> the worker's thread states and the times seen at each reference run."""
    states: list[str] = []
    seconds: list[float] = []
    real = timing._reference

    def recorded(ctx, layer, case, backward, clock):
        states.extend(cputime.state(p) for p in ctx.worker.frozen or [-1])
        run = real(ctx, layer, case, backward, clock)
        seconds.append(run.seconds)
        return run

    monkeypatch.setattr(timing, "_reference", recorded)
    result = grade_submission(src, select(["pooling"]), TIMING_ONLY)
    assert all(c.score == c.max_score for c in result.checks if c.kind == "timing"), [c.message for c in result.checks]
    return states, seconds


@pytest.mark.skipif(not cputime.available(), reason="no per-process CPU clock or /proc here")
def test_no_student_thread_runs_while_the_reference_is_timed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    src = variant(tmp_path, "pooling", (HOSTILE / "background_memory_threads/assignments/pooling.py").read_text())
    (src / "assignments" / "_pooling_ok.py").write_text((VECTORIZED / "assignments" / "pooling.py").read_text())
    states, busy = _grade_recording(src, monkeypatch)
    assert states and all(set(s) <= set("TtZX") for s in states), states  # every thread stopped, every run

    _, quiet = _grade_recording(VECTORIZED, monkeypatch)
    # The memory-bound threads are stopped, so the reference's fastest run does not move (within noise).
    assert min(busy) / min(quiet) == pytest.approx(1.0, abs=REFERENCE_TOLERANCE - 1)


def test_feedback_shows_ratio_limit_both_times_and_the_close_note():
    result = grade_submission(VECTORIZED, select(["pooling"]), GRADE)
    for check in (c for c in result.checks if c.kind == "timing"):
        head = check.message.splitlines()[0]
        assert head.split("x (limit ")[0].replace(".", "").isdigit(), head  # the ratio comes first
        assert "(limit 50x)" in head and head.count(" ms") == 2, head
        ratio = float(head.split("x (limit")[0])
        assert (timing.CLOSE_NOTE in check.message) == (37.5 <= ratio <= 62.5)
