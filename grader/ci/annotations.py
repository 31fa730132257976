"""Error annotations for a GitHub job: one per failing student function, at its `def` line.

A function's annotation gathers its failed checks; the functions that lose the most points come
first, and at most MAX_ANNOTATIONS are made (GitHub itself shows 10 errors per step). A part
whose module did not import gets one annotation, at the syntax error's line where there is one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.ci.locate import definitions
from grader.parts import BY_NAME
from grader.redact import redact
from grader.render import format_points
from grader.results import CheckResult, PartResult, SubmissionResult
from grader.text import ci_log, clean_line, workflow_data, workflow_property

MAX_ANNOTATIONS = 10
MAX_MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Annotation:
    """One error annotation: `file` relative to the job's workspace, `lost` the points it covers."""

    file: str
    line: int
    title: str
    message: str
    lost: float

    def github(self) -> str:
        """The `::error` workflow command; the message is neutralised, then escaped onto one line."""
        props = ",".join(f"{k}={workflow_property(v)}" for k, v in (("file", self.file), ("line", str(self.line)), ("title", self.title)))
        return f"::error {props}::{workflow_data(ci_log(self.message))}"


def failure_annotations(result: SubmissionResult, root: Path, workspace: Path) -> list[Annotation]:
    """The annotations for `result`, graded from `root` (which holds assignments/); file paths
    are given relative to `workspace`, the folder the CI job checked the repository out in."""
    found: list[Annotation] = []
    for part in redact(result, "student").parts:
        source = root / "assignments" / f"{BY_NAME[part.part].module}.py" if part.part in BY_NAME else None
        found += _part(part, source, workspace)
    found.sort(key=lambda a: -a.lost)  # stable: equal losses keep the course's order
    return found[:MAX_ANNOTATIONS]


def _part(part: PartResult, source: Path | None, workspace: Path) -> list[Annotation]:
    failing = [c for c in part.checks if c.outcome in ("failed", "error")]
    if not failing:
        return []
    file = _relative(source, workspace) if source else ""
    where = definitions(source) if source else None
    if part.error:
        line = (where.syntax_error or 1) if where else 1
        lost = sum(c.max_score - c.score for c in part.checks)
        message = f"{part.part} did not import, so its {len(part.checks)} checks scored 0 ({format_points(lost)} points).\n{part.error}"
        return [Annotation(file, line, f"{part.part} did not import", message[:MAX_MESSAGE_CHARS], lost)]
    names = dict.fromkeys(c.function for c in failing)  # in the course's order
    return [_function(name, [c for c in part.checks if c.function == name], part.part, file, where.line(name) if where else 1) for name in names]


def _function(name: str, checks: list[CheckResult], part: str, file: str, line: int) -> Annotation:
    """The annotation of one function: every point its checks lost, those that failed listed;
    the checks skipped until those pass lose their points too and are counted in one line."""
    failing = [c for c in checks if c.outcome in ("failed", "error")]
    skipped = [c for c in checks if c.outcome == "skipped" and c.score < c.max_score]
    lost = sum(c.max_score - c.score for c in checks)
    total = sum(c.max_score for c in checks)
    lines = [f"{len(failing)} check(s) failed; {format_points(lost)} of {format_points(total)} points lost:"]
    lines += [f"- {c.name} ({format_points(c.score)}/{format_points(c.max_score)}): {clean_line(c.headline, 300)}" for c in failing]
    if skipped:
        lines.append(f"- {len(skipped)} more check(s) not run until these pass ({format_points(sum(c.max_score - c.score for c in skipped))} points)")
    message = "\n".join(lines)
    return Annotation(file, line, f"{part}: {name} loses {format_points(lost)} points", message[:MAX_MESSAGE_CHARS], lost)


def _relative(path: Path, workspace: Path) -> str:
    """`path` as GitHub matches it to the repository: relative to the workspace, `/`-separated."""
    try:
        return Path(os.path.relpath(path.resolve(), workspace.resolve())).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()
