"""A GitHub Actions job summary ($GITHUB_STEP_SUMMARY) in markdown.

Hidden checks show their name and status only: no points, feedback or counterexample.
"""

from __future__ import annotations

from grader.redact import redact
from grader.render import format_points
from grader.results import CheckResult, PartResult, SubmissionResult
from grader.text import markdown_fenced as _fenced
from grader.text import markdown_inline as _inline

_EMOJI = {"passed": "✅", "failed": "❌", "error": "💥", "skipped": "⏭️"}


def _row(check: CheckResult) -> str:
    label = check.name
    status = _EMOJI[check.outcome]
    if check.visibility == "hidden":
        return f"| {_inline(label)} | {status} | — | — |"
    points = f"{format_points(check.score)}/{format_points(check.max_score)}"
    return f"| {_inline(label)} | {status} | {points} | {_inline(check.headline)} |"


def _part(part: PartResult) -> list[str]:
    lines = [
        f"### {_inline(part.part)}: {format_points(part.score)} / {format_points(part.max_score)}",
        "",
    ]
    if part.error:
        lines += [f"**{_inline(part.part)} did not import:**", "", _fenced(part.error), ""]
    lines += ["| Check | Status | Points | Feedback |", "|---|:---:|---:|---|"]
    lines += [_row(c) for c in part.checks]
    examples = [(c, ce) for c in part.checks if c.visibility == "public" and c.outcome != "passed" and (ce := c.counterexample)]
    if examples:
        lines += ["", "Counterexamples:", ""]
        lines += [f"- {_inline(c.name)}: {_inline(ce.summary)}" for c, ce in examples]
    return lines + [""]


def to_markdown_summary(result: SubmissionResult, note: str = "") -> str:
    """Heading with the total, a `note` (the grader's own words, shown as a quote), how it was
    graded, warnings, then a table per part."""
    result = redact(result, "student")
    total = f"{format_points(result.score)} / {format_points(result.max_score)}"
    lines = [f"## {_inline(result.submission)}: {total}", ""]
    if note:
        lines += [f"> {line}" for line in note.splitlines()] + [""]
    lines += [f"Device: {_inline(result.device)} · Sandbox: {_inline(result.sandbox)}", ""]
    if result.warnings:
        lines += [f"- ⚠️ {_inline(w)}" for w in result.warnings] + [""]
    for part in result.parts:
        lines += _part(part)
    return "\n".join(lines)
