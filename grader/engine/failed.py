"""A submission that could not be graded still gets every check, each scoring 0 with the reason.

Used when there is nothing to grade (no commit before the deadline, an unreadable archive) and
when grading was stopped (the per-submission limit passed, the grading process died): the
gradebook, the CSV and the feedback then show each part's full max_score and why it is 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader import hidden
from grader.engine.plan import Planned, plan_part
from grader.options import GradeOptions
from grader.results import CheckResult, PartResult, SubmissionResult
from grader.spec import PartSpec


def failed_result(
    name: str,
    parts: Sequence[PartSpec],
    options: GradeOptions,
    message: str,
    *,
    device: str = "not run",
    sandbox: str = "not run",
    seconds: float = 0.0,
) -> SubmissionResult:
    """Every planned check of every part as an error scoring 0; `message` is said once, as the
    submission's warning, and each check points to it (the same reason under every check of every
    part buried the checks).

    PartResult.error stays None: renderers read it as "did not import", which is not the reason.
    """
    results = tuple(zero_part(part, plan_part(part, options), NOT_GRADED) for part in parts)
    return SubmissionResult(name, results, device, sandbox, round(seconds, 3), warnings=(message,))


NOT_GRADED = "not graded: the submission could not be graded (the reason is given once, at the top)"


def zero_part(part: PartSpec, planned: Sequence[Planned], message: str, error: str | None = None) -> PartResult:
    """Every planned check of a part as an error scoring 0 with `message`; `error` is set when the
    part's module itself is at fault (missing, not importing, a forbidden import)."""
    checks = tuple(
        CheckResult(
            id=p.id,
            part=part.name,
            name=p.label,
            function=p.function,
            kind=p.kind,
            visibility=p.visibility,
            outcome="error",
            score=0.0,
            max_score=p.points,
            message=hidden.NOT_GRADED if p.hidden else message,
        )
        for p in planned
    )
    return PartResult(part.name, checks, error)
