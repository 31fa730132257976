"""`cli.py check [PART...]`: a student grades their own assignments/ with the public checks."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.ci.annotations import failure_annotations
from grader.ci.log import commands_stopped, neutralised
from grader.ci.mode import advisory_note, detect_forge
from grader.commands.options import (
    assignment_parts,
    chosen_assignment,
    course_options,
    device_option,
    part_names,
    part_points,
    parts_argument,
    sandbox_option,
    timing_option,
)
from grader.engine.grade import grade_submission
from grader.engine.parallel import available_cores
from grader.engine.plan import plan_part
from grader.options import Device, GradeOptions, SandboxChoice
from grader.parts import select
from grader.render import format_points
from grader.render.junit import write_junit
from grader.render.summary import to_markdown_summary
from grader.render.terminal import render_submission
from grader.spec import PartSpec

ROOT = Path(__file__).resolve().parents[2]
CHECK_OUTPUT_BYTES = 2000  # per check: enough for a few debug lines, not a printed array's flood
CI_WIDTH = 120  # a CI log is no terminal: rich would assume 80 columns and cut the feedback


@click.command()
@parts_argument
@click.option("--parts", "more_parts", multiple=True, metavar="PART[,PART...]", help="Parts to check, as grade takes them (the same as naming them).")
@click.option(
    "--path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=ROOT,
    show_default=False,
    help="Folder holding assignments/ (default: this repository).",
)
@click.option("--brief", is_flag=True, help="Tables only, without the feedback of each failed check.")
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GITHUB_STEP_SUMMARY",
    help="Append a markdown summary here (GitHub Actions sets $GITHUB_STEP_SUMMARY).",
)
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), help="Write JUnit XML here (CI test reports).")
@click.option(
    "--repro",
    "repro_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write each failing public case here (.npz inputs, expected output) with a numpy-only script that reruns it.",
)
@click.option(
    "--ci/--no-ci",
    "ci",
    default=None,
    help="Report for a CI job: job summary, error annotations at your functions, student output kept inert "
    "[default: on when GITHUB_ACTIONS or GITLAB_CI is set].",
)
@course_options
@sandbox_option
@device_option
@timing_option
def check(
    parts: tuple[str, ...],
    more_parts: tuple[str, ...],
    course_path: Path | None,
    assignment: str | None,
    path: Path,
    brief: bool,
    summary: Path | None,
    junit: Path | None,
    repro_dir: Path | None,
    ci: bool | None,
    sandbox: SandboxChoice,
    device: Device,
    timing: bool,
) -> None:
    """Grade your assignments/ (all parts, or the PARTs named: `conv rnn` or `conv,rnn`) with the
    public checks; exit 0 only when everything passes."""
    forge = detect_forge(ci, os.environ)
    console = Console(width=CI_WIDTH) if forge else Console()
    chosen_one = chosen_assignment(course_path, assignment, released=ROOT)
    chosen = select(list(assignment_parts(chosen_one, part_names((*parts, *more_parts)))))
    # Public checks on the student's own machine: their prints leak nothing, so each failing
    # check shows what was printed while it ran.
    options = GradeOptions(
        visibility=("public",),
        device=device,
        timing=timing,
        check_output_bytes=CHECK_OUTPUT_BYTES,
        sandbox=sandbox,
        repro_dir=repro_dir.resolve() if repro_dir else None,
        part_points=part_points(chosen_one),
        part_jobs=available_cores(),
    )
    with console.status("grading…"):
        result = grade_submission(path, chosen, options, name="your assignments")
    hidden, total = _hidden_points(chosen, options)
    # The report quotes the student's prints and exceptions: in CI, made inert and (GitHub)
    # fenced by a token drawn only now, once the student's code has stopped running.
    with commands_stopped(console.file, forge):
        shown = neutralised(result) if forge else result
        render_submission(shown, console, details=not brief, total_note=hidden_points_note(hidden, total))
    # `check` runs the public checks only: every report it writes says the grade comes elsewhere.
    note = advisory_note(hidden, total)
    if forge == "github":
        workspace = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
        for annotation in failure_annotations(result, path, workspace):
            console.file.write(annotation.github() + "\n")
        console.file.flush()
    if forge:
        console.print(Text(note, style="bold"), soft_wrap=True)
    if summary is not None:
        with summary.open("a") as f:
            f.write(to_markdown_summary(result, note) + "\n")
    if junit is not None:
        write_junit([result], junit, note)
    sys.exit(0 if result.score >= result.max_score and all(c.outcome == "passed" for c in result.checks) else 1)


def hidden_points_note(hidden: float, total: float) -> str:
    """How many points `grade` adds with the hidden checks, which `check` never runs."""
    if not hidden:
        return ""
    return f"public checks only; the hidden checks add {format_points(hidden)} more points, out of {format_points(total)}, and run in `grade`"


def _hidden_points(parts: Sequence[PartSpec], options: GradeOptions) -> tuple[float, float]:
    """(points of the hidden checks, points of every check) of `parts`, at the assignment's points."""
    every = GradeOptions(visibility=("public", "hidden"), timing=options.timing, part_points=options.part_points)
    planned = [p for part in parts for p in plan_part(part, every)]
    return sum(p.points for p in planned if p.visibility == "hidden"), sum(p.points for p in planned)
