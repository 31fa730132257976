"""feedback.md: what a student reads after a batch, one file per submission.

Per part: the checks that passed, then each public check that did not, with its whole message
(expected vs got, the likely mistake) and the smallest failing input; hidden checks show their
name and outcome only, never their message or inputs. What the student's code printed is left
out on purpose: code can print the hidden inputs it was called with. A batch adds the raw score,
the late penalty and the final score, the due date applied and when the work came, and the flags
raised for the instructor.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.collection import Collected
from grader.redact import redact
from grader.render import format_points
from grader.results import CheckResult, PartResult, SubmissionResult
from grader.text import markdown_fenced as fenced
from grader.text import markdown_inline as inline

_MARK = {"passed": "✅ passed", "failed": "❌ failed", "error": "💥 error", "skipped": "⏭️ not counted"}


def _points(score: float, max_score: float) -> str:
    return f"{format_points(score)} / {format_points(max_score)}"


def _public_failure(check: CheckResult) -> list[str]:
    lines = [f"#### {_MARK[check.outcome]}: {inline(check.name)} ({_points(check.score, check.max_score)})", ""]
    if check.message:
        lines += [fenced(check.message), ""]
    if check.counterexample is not None:
        lines += [f"Smallest failing input: {inline(check.counterexample.summary)}", ""]
    return lines


def _part(part: PartResult) -> list[str]:
    lines = [f"## {inline(part.part)}: {_points(part.score, part.max_score)}", ""]
    if part.error:
        lines += [f"`assignments/{inline(part.part)}` could not be graded:", "", fenced(part.error), ""]
    public = [c for c in part.checks if c.visibility == "public"]
    hidden = [c for c in part.checks if c.visibility == "hidden"]
    passed = [c for c in public if c.outcome == "passed"]
    if passed:
        lines += ["Passed: " + ", ".join(inline(c.name) for c in passed) + ".", ""]
    for c in public:
        if c.outcome != "passed":
            lines += _public_failure(c)
    if hidden:
        lines += ["Hidden checks (their inputs are not shown):", ""]
        lines += [f"- {inline(c.name)}: {_MARK[c.outcome]}" for c in hidden]
        lines.append("")
    return lines


def _collection(result: SubmissionResult, c: Collected, stale: bool) -> list[str]:
    """The penalty and the final score (the total above is the raw score); when it was due and
    came; the flags."""
    late = f" ({c.late_text()} after the due date; {inline(c.late_policy)})" if c.late_seconds > 0 else ""
    lines = [f"Late penalty {format_points(c.penalty(result.score))}{late} · **final score: {_points(c.final(result.score), result.max_score)}**", ""]
    when = [
        f"Due {inline(c.due)} ({inline(c.due_source)})" if c.due else "",
        f"submitted {inline(c.submitted_at)} (by {inline(c.timed_by)})" if c.submitted_at else "",
    ]
    if any(when):
        lines += [" · ".join(w for w in when if w), ""]
    if stale:
        lines += ["This grade was given under another grader version or other settings than the newest grades; it will be graded again.", ""]
    if c.flags:
        lines += ["## Flags for your instructor", "", "These do not change your score; your instructor reviews them.", ""]
        lines += [f"- {inline(f.kind)}: {inline(f.text)}" for f in c.flags] + [""]
    return lines


def to_feedback_markdown(
    result: SubmissionResult, notes: Sequence[str] = (), graded_at: str = "", collected: Collected | None = None, stale: bool = False
) -> str:
    """The whole feedback file: total, how it was graded, then every part. With the batch's
    `collected`: the penalty, the final score, the due date, the flags, and whether it is stale."""
    result = redact(result, "student")
    lines = [f"# Feedback: {inline(result.submission)}", "", f"**Total: {_points(result.score, result.max_score)}**", ""]
    if collected is not None:
        lines += _collection(result, collected, stale)
    ran = result.device != "not run"  # a submission stopped or with nothing to grade ran no reference
    about = [f"Graded {inline(graded_at)}" if graded_at else "", f"references on {inline(result.device)}" if ran else ""]
    lines += [" · ".join(a for a in about if a), ""]
    extra = [*notes, *result.warnings]
    if extra:
        lines += [f"- {inline(n)}" for n in extra] + [""]
    for part in result.parts:
        lines += _part(part)
    return "\n".join(lines).rstrip("\n") + "\n"
