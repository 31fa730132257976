"""Gradescope's autograder results.json, one test per CheckResult.

Schema (https://gradescope-autograders.readthedocs.io/en/latest/specs/): top level `score`,
`execution_time`, `output`, `output_format`, `test_output_format`, `stdout_visibility`, `tests`;
each test `name`, `number`, `score`, `max_score`, `status`, `output`, `tags`, `visibility`.
The top level has no `max_score`: Gradescope takes it from the assignment's settings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.collection import Collected
from grader.redact import redact
from grader.render import format_points, write_text_atomic
from grader.results import CheckResult, SubmissionResult, Visibility

# By default hidden checks appear once the instructor publishes grades, never while the
# assignment is open; a Gradescope autograder can choose otherwise (`hidden_visibility`).
HIDDEN_VISIBILITY = "after_published"


def _test(check: CheckResult, number: str, visibility: dict[Visibility, str]) -> dict[str, Any]:
    return {
        "name": f"{check.part}: {check.name}",
        "number": number,
        "score": float(check.score),
        "max_score": float(check.max_score),
        "status": "passed" if check.outcome == "passed" else "failed",
        "output": check.message,
        "tags": [check.part, check.kind],
        "visibility": visibility[check.visibility],
    }


def _summary(result: SubmissionResult, collected: Collected | None) -> str:
    lines = [f"Total: {format_points(result.score)} / {format_points(result.max_score)}"]
    if collected is not None:
        late = f" ({collected.late_text()} late; {collected.late_policy})" if collected.late_seconds > 0 else ""
        lines += [f"Late penalty: {format_points(collected.penalty(result.score))}{late}", f"Final score: {format_points(collected.final(result.score))}"]
        lines += [f"Flag: {f}" for f in collected.flags]
    lines += [f"Device: {result.device}", f"Sandbox: {result.sandbox}"]
    lines += [f"Part {p.part} did not import; its checks score 0." for p in result.parts if p.error]
    lines += [f"Warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def to_gradescope(result: SubmissionResult, hidden_visibility: str = HIDDEN_VISIBILITY, collected: Collected | None = None) -> dict[str, Any]:
    """The results.json payload; test `number` is "part.check", both 1-based. With a batch's
    `collected`, `score` is the final score (after the late penalty) and `output` states all three."""
    result = redact(result, "student")
    visibility: dict[Visibility, str] = {"public": "visible", "hidden": hidden_visibility}
    tests = [_test(check, f"{i}.{j}", visibility) for i, part in enumerate(result.parts, start=1) for j, check in enumerate(part.checks, start=1)]
    return {
        "score": float(result.score if collected is None else collected.final(result.score)),
        "execution_time": round(float(result.seconds), 3),
        "output": _summary(result, collected),
        "output_format": "text",
        "test_output_format": "text",  # student text is shown as typed, never as markdown/html
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_gradescope(result: SubmissionResult, path: Path, collected: Collected | None = None) -> None:
    """Write results.json atomically; NaN or infinite scores raise instead of writing bad JSON."""
    text = json.dumps(to_gradescope(result, collected=collected), indent=2, ensure_ascii=False, allow_nan=False)
    write_text_atomic(path, text + "\n")
