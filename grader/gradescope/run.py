"""Inside Gradescope: grade /autograder/submission, write /autograder/results/results.json.

`run_autograder` (see `grader.gradescope.build`) calls this for each student upload. The
submission is graded like one of a batch: in a child process under a wall-clock limit set below
Gradescope's own, so a hanging submission still gets a results.json with every check at 0 and
why, instead of Gradescope's bare "autograder timed out".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from grader.batch.inputs.submission import read_folder
from grader.batch.isolation import Job, run
from grader.engine.failed import failed_result
from grader.options import GradeOptions
from grader.parts import select
from grader.render import write_text_atomic
from grader.render.gradescope import to_gradescope
from grader.results import SubmissionResult

CONFIG = "gradelab.json"
GradescopeVisibility = Literal["hidden", "after_due_date", "after_published", "visible"]


@dataclass(frozen=True)
class AutograderConfig:
    """What the instructor chose at build time; stored in the zip as gradelab.json."""

    parts: tuple[str, ...] = ()  # empty: every part
    hidden_seed: int = 0
    timing: bool = True
    examples_scale: float = 1.0
    time_limit: float = 540.0  # seconds; Gradescope's default limit is 10 minutes
    hidden_visibility: GradescopeVisibility = "after_published"
    part_points: tuple[tuple[str, float], ...] = ()  # the assignment's points per part (GradeOptions.part_points)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @staticmethod
    def from_json(text: str) -> AutograderConfig:
        d = json.loads(text)
        points = tuple((str(part), float(total)) for part, total in d.get("part_points", ()))
        return AutograderConfig(**{**d, "parts": tuple(d.get("parts", ())), "part_points": points})


def grade_upload(submission: Path, config: AutograderConfig) -> SubmissionResult:
    parts = select(list(config.parts))
    options = GradeOptions(
        visibility=("public", "hidden"),
        hidden_seed=config.hidden_seed,
        timing=config.timing,
        examples_scale=config.examples_scale,
        part_points=config.part_points,
    )
    sub = read_folder(submission, name="submission")
    if sub.problem:
        return failed_result(sub.name, parts, options, sub.problem)
    outcome = run(Job(sub.name, sub.files, tuple(p.name for p in parts), options, config.time_limit))
    if outcome.result is not None:
        return SubmissionResult.from_dict(outcome.result)
    return failed_result(sub.name, parts, options, outcome.error, seconds=outcome.seconds)


def results_json(result: SubmissionResult, config: AutograderConfig) -> dict[str, Any]:
    """Gradescope's payload, hidden checks shown as configured (the renderer's default otherwise)."""
    return to_gradescope(result, config.hidden_visibility)


def run_autograder(root: Path, source: Path) -> SubmissionResult:
    """Grade root/submission with source/gradelab.json; write root/results/results.json."""
    config = AutograderConfig.from_json((source / CONFIG).read_text())
    result = grade_upload(root / "submission", config)
    out = root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, json.dumps(results_json(result, config), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return result
