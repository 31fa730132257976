"""Hand-built SubmissionResults for the render tests: every outcome, hidden checks, import errors.

sample_result() scores 12.5 / 50:
  conv     7.5 / 22.5  forward passed, backward failed with a counterexample,
                       hidden gradcheck failed
  pooling  5   / 7.5   forward passed, timing skipped
  rnn      0   / 20    did not import: both checks error
"""
from __future__ import annotations

from grader.results import (
    CheckResult,
    Counterexample,
    Kind,
    Outcome,
    PartResult,
    SubmissionResult,
    TimeRatio,
    Visibility,
)

BACKWARD_MESSAGE = (
    "dx differs from the reference: max abs error 0.5 at (0, 0, 1, 1)\n"
    "expected dx[0, 0, 1, 1] = 1.25, got 0.75 (rtol=1e-5, atol=1e-6)"
)
BACKWARD_COUNTEREXAMPLE = Counterexample(
    summary="x: (1, 1, 3, 3), w: (1, 1, 2, 2), stride=1, pad=0",
    params={"stride": 1, "pad": 0},
    shapes={"x": [1, 1, 3, 3], "w": [1, 1, 2, 2]},
)
HIDDEN_MESSAGE = "hidden check failed\nmax abs error 3.2 on a hidden input"
IMPORT_ERROR = "ModuleNotFoundError: No module named 'torch'"


def check(
    part: str = "conv",
    function: str = "conv2d_forward",
    kind: Kind = "forward",
    *,
    visibility: Visibility = "public",
    outcome: Outcome = "passed",
    score: float = 1.0,
    max_score: float = 1.0,
    message: str = "matches the reference",
    counterexample: Counterexample | None = None,
    seconds: float = 0.01,
    timing: TimeRatio | None = None,
) -> CheckResult:
    return CheckResult(
        id=f"{part}/{function}/{kind}/{visibility}",
        part=part,
        name=f"{function} {kind}" + (" (hidden)" if visibility == "hidden" else ""),
        function=function,
        kind=kind,
        visibility=visibility,
        outcome=outcome,
        score=score,
        max_score=max_score,
        message=message,
        counterexample=counterexample,
        seconds=seconds,
        timing=timing,
    )


def conv_part() -> PartResult:
    return PartResult(
        part="conv",
        checks=(
            check(score=7.5, max_score=7.5, message="matches the reference (max abs err 1.2e-07)"),
            check(
                function="conv2d_backward",
                kind="backward",
                outcome="failed",
                score=0.0,
                max_score=5.0,
                message=BACKWARD_MESSAGE,
                counterexample=BACKWARD_COUNTEREXAMPLE,
                seconds=0.25,
            ),
            check(
                kind="gradcheck",
                visibility="hidden",
                outcome="failed",
                score=0.0,
                max_score=10.0,
                message=HIDDEN_MESSAGE,
            ),
        ),
    )


def pooling_part() -> PartResult:
    return PartResult(
        part="pooling",
        checks=(
            check("pooling", "max_pool_forward", score=5.0, max_score=5.0),
            check(
                "pooling",
                "max_pool_forward",
                "timing",
                outcome="skipped",
                score=0.0,
                max_score=2.5,
                message="skipped: timing runs only on a GPU",
                seconds=0.0,
            ),
        ),
    )


def rnn_part() -> PartResult:
    message = f"rnn did not import\n{IMPORT_ERROR}"
    return PartResult(
        part="rnn",
        error=IMPORT_ERROR,
        checks=(
            check("rnn", "rnn_step", outcome="error", score=0.0, max_score=10.0, message=message),
            check(
                "rnn",
                "rnn_step",
                "backward",
                outcome="error",
                score=0.0,
                max_score=10.0,
                message=message,
            ),
        ),
    )


def sample_result(name: str = "alice") -> SubmissionResult:
    return SubmissionResult(
        submission=name,
        parts=(conv_part(), pooling_part(), rnn_part()),
        device="cpu (numpy 2.1)",
        sandbox="subprocess, 60 s limit",
        seconds=3.5,
        warnings=("student code printed 12 KiB; output truncated",),
    )
