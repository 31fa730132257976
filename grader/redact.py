"""What of a result an audience may see: the one step between the result model and any renderer.

A hidden check tells a student its label, outcome and points, and a fixed sentence from
`grader.hidden`; never an input, a counterexample, a message its code could have chosen or a
measured time ratio (each would be a channel for the hidden inputs; timing checks are public
today, but a ratio is a number the code controls). The engine already stores hidden checks this
way; every renderer still starts from `redact`, so a result from anywhere (an old gradebook row,
a hand-made fixture, a future check) cannot show more.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from grader import hidden
from grader.results import CheckResult, PartResult, SubmissionResult

Audience = Literal["student", "instructor"]


def redact(result: SubmissionResult, audience: Audience = "student") -> SubmissionResult:
    """`result` as `audience` may see it; the instructor (gradebook show) sees what was stored."""
    if audience == "instructor":
        return result
    return replace(result, parts=tuple(_part(p) for p in result.parts))


def _part(part: PartResult) -> PartResult:
    return replace(part, checks=tuple(_check(c) for c in part.checks))


def _check(check: CheckResult) -> CheckResult:
    if check.visibility != "hidden":
        return check
    message = check.message if check.message in hidden.FIXED else hidden.message(check.outcome)
    return replace(check, message=message, counterexample=None, output="", timing=None, mistakes=())
