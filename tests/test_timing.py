"""grader/checks/timing.py: verdicts from CPU time, taken in turns with the worker frozen."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GRADE, VECTORIZED, variant

from grader.sandbox import cputime
from grader.engine.checks import timing
from grader.options import GradeOptions
from grader.engine.grade import grade_submission
from grader.engine.calls import CallFailure
from grader.engine.context import Ctx
from grader.parts import BY_NAME, select
from grader.results import TimeRatio
from grader.sandbox.client import WorkerTimeout

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
        assert check.timing is not None and check.timing.limit == 50.0 and not check.timing.at_least
        assert check.timing.ratio == pytest.approx(ratio, abs=0.05)  # the headline rounds the stored ratio
        assert (timing.CLOSE_NOTE in check.message) == (37.5 <= ratio <= 62.5)


class _NoFreeze:
    """A worker stand-in that cannot be frozen: the check times wall time and never calls it."""

    frozen = None

    def freeze(self) -> bool:
        return False


def _verdict_with(student: Callable[[timing._Run], float], monkeypatch: pytest.MonkeyPatch) -> timing.Verdict:
    """The max_pool2d_forward timing verdict when each student call takes `student(run)` seconds."""
    part = BY_NAME["pooling"]
    layer = next(layer for layer in part.layers if layer.timing is not None)
    monkeypatch.setattr(timing, "_student_seconds", lambda ctx, layer, backward, run, timeout, cpu: student(run))
    return timing.timing_check(Ctx(_NoFreeze(), part, TIMING_ONLY), layer, backward=False)  # type: ignore[arg-type]


def _raise(exc: Exception) -> Callable[[timing._Run], float]:
    def call(run: timing._Run) -> float:
        raise exc

    return call


def test_the_ratio_and_limit_are_data_on_every_path(monkeypatch: pytest.MonkeyPatch):
    twice = _verdict_with(lambda run: 2 * run.seconds, monkeypatch)  # min(student) = 2 * min(reference)
    assert twice.outcome == "passed" and twice.timing == TimeRatio(50.0, pytest.approx(2.0, abs=1e-3), False)
    assert twice.message.startswith("2.0x (limit 50x)")

    hopeless = _verdict_with(lambda run: 1000 * run.seconds, monkeypatch)  # past 3x the limit on the first run
    assert hopeless.outcome == "failed" and hopeless.timing == TimeRatio(50.0, pytest.approx(1000.0, abs=1.0), False)

    stopped = _verdict_with(_raise(WorkerTimeout()), monkeypatch)
    assert stopped.timing is not None and stopped.timing.at_least and stopped.timing.limit == 50.0
    assert stopped.timing.ratio is not None and stopped.timing.ratio >= 50.0 * timing.HOPELESS
    assert stopped.message.startswith(f">{stopped.timing.ratio:.0f}x (limit 50x)")

    broken = _verdict_with(_raise(CallFailure("wrong values")), monkeypatch)
    assert broken.outcome == "failed" and broken.timing == TimeRatio(50.0, None, False)


def test_a_clear_pass_stops_after_three_turns_and_a_ratio_near_the_limit_takes_all_seven(monkeypatch: pytest.MonkeyPatch):
    calls: list[float] = []

    def student(factor: float) -> Callable[[timing._Run], float]:
        def call(run: timing._Run) -> float:
            calls.append(factor)
            return factor * run.seconds

        return call

    clear = _verdict_with(student(2.0), monkeypatch)  # 2x against a limit of 50x
    assert clear.outcome == "passed" and len(calls) == 1 + timing.CLEAR_TURNS, calls  # the warm-up call, then 3 turns
    assert "the fastest of 3 runs each" in clear.message
    calls.clear()
    near = _verdict_with(student(30.0), monkeypatch)  # above a quarter of the limit: every turn runs
    assert near.outcome == "passed" and len(calls) == 1 + 7, calls
    assert "the fastest of 7 runs each" in near.message
