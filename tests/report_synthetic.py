"""A small synthetic class built from the result dataclasses (no grading): for the report's unit tests."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from grader.batch.gradebook import Entry, Gradebook
from grader.collection import Collected, Flag
from grader.results import CheckResult, Counterexample, PartResult, SubmissionResult, TimeRatio

FLIP = "likely mistake: your output equals a convolution with the kernel flipped"
SCALE = "likely mistake: every value is 4 times the expected one: a missing or extra scale factor"


def check(part: str, function: str, kind: str, outcome: str, points: float, message: str = "", visibility: str = "public", inputs: dict | None = None) -> CheckResult:
    ce = Counterexample("x", {"stride": 1}, inputs) if inputs is not None else None
    name = f"{function} {kind}" + (" (hidden)" if visibility == "hidden" else "")
    return CheckResult(
        id=f"{part}/{function}/{kind}/{visibility}",
        part=part,
        name=name,
        function=function,
        kind=kind,  # type: ignore[arg-type]
        visibility=visibility,  # type: ignore[arg-type]
        outcome=outcome,  # type: ignore[arg-type]
        score=points if outcome == "passed" else 0.0,
        max_score=points,
        message=message or outcome,
        counterexample=ce,
    )


def timing(function: str, ratio: float, limit: float = 5.0) -> CheckResult:
    outcome = "passed" if ratio <= limit else "failed"
    timed = check("conv", function, "timing", outcome, 1.0, f"{ratio:.1f}x (limit {limit:g}x): {function} took 1 ms\nCPU time")
    return replace(timed, timing=TimeRatio(limit, ratio))


def submission(name: str, conv: list[CheckResult], pool: list[CheckResult], sandbox: str = "bwrap+seccomp", error: str | None = None) -> SubmissionResult:
    return SubmissionResult(name, (PartResult("conv", tuple(conv)), PartResult("pooling", tuple(pool), error)), "cpu", sandbox, 1.0)


def entry(result: SubmissionResult, source: Path, status: str = "graded", collected: Collected = Collected(), content_hash: str = "h") -> Entry:
    return Entry(result.submission, str(source), "folder", "", content_hash, "v", "s", status, "stopped after 600 s" if status == "timeout" else "", (), "", "t", result, collected)  # type: ignore[arg-type]


def synthetic_class(root: Path) -> list[Entry]:
    """Five submissions: full marks, two kernel flips (one also slow), an undiagnosed pooling bug, a late timeout."""
    ok_conv = [check("conv", "conv2d_forward", "forward", "passed", 4), check("conv", "conv2d_forward", "forward", "passed", 2, visibility="hidden")]
    flip = [
        check("conv", "conv2d_forward", "forward", "failed", 4, f"conv2d_forward: max abs error 0.5\n{FLIP}", inputs={"x": [1, 1, 2, 2], "w": [1, 1, 1, 2]}),
        check("conv", "conv2d_forward", "forward", "failed", 2, visibility="hidden"),
    ]
    pool_ok = [check("pooling", "avg_pool2d_backward", "backward", "passed", 3)]
    pool_bad = [check("pooling", "avg_pool2d_backward", "backward", "failed", 3, "dx: max abs error 1", inputs={"x": [1, 1, 2, 3]})]
    pool_scaled = [check("pooling", "avg_pool2d_backward", "backward", "failed", 3, f"dx wrong\n{SCALE}", inputs={"x": [1, 1, 2, 2]})]
    late = Collected(due="2026-12-01T23:59:00", late_seconds=90000.0, penalty_fraction=0.1, late_policy="10% a day", flags=(Flag("added", "conftest.py"),))
    results = [
        entry(submission("ana", [*ok_conv, timing("conv2d_forward", 1.5)], pool_ok), root / "ana"),
        entry(submission("bo", [*flip, timing("conv2d_forward", 2.0)], pool_scaled), root / "bo", collected=late),
        entry(submission("cy", [*flip, timing("conv2d_forward", 30.0)], pool_bad, sandbox="process"), root / "cy"),
        entry(submission("di", [*ok_conv, timing("conv2d_forward", 3.0)], pool_bad), root / "di"),
        entry(submission("ed", [check(c.part, c.function, c.kind, "error", c.max_score, "stopped", c.visibility) for c in ok_conv], [], error=None), root / "ed", status="timeout"),
    ]
    return results


def write_gradebook(path: Path, entries: list[Entry]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with Gradebook(path) as book:
        for e in entries:
            book.record(e)
    return path
