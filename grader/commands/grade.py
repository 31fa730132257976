"""`cli.py grade SUBMISSION... --out DIR`: an instructor grades submissions, public and hidden checks.

Writes DIR/<submission>/results.json (Gradescope's schema), DIR/grades.csv and DIR/junit.xml.
Results are written by this process only, after each submission is graded; a broken
submission costs its own scores and never stops the batch.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from grader.commands.options import device_option, timing_option
from grader.context import GradeOptions
from grader.engine import grade_submission
from grader.parts import select
from grader.render.csv_table import write_grades_csv
from grader.render.gradescope import write_gradescope
from grader.render.junit import write_junit
from grader.render.terminal import render_batch
from grader.results import SubmissionResult


def safe_name(name: str) -> str:
    """A submission's folder name in the output directory: no separators, no dot-files."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".") or "submission"
    return cleaned[:100]


@click.command()
@click.argument("submissions", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output directory.")
@click.option("--parts", default="", help="Comma-separated parts to grade (default: all).")
@click.option("--hidden-seed", type=int, envvar="GRADELAB_HIDDEN_SEED", default=0, show_envvar=True,
              help="Seed of the hidden checks' inputs; keep it out of what students see.")
@device_option
@timing_option
def grade(submissions: tuple[Path, ...], out_dir: Path, parts: str, hidden_seed: int, device: str, timing: bool) -> None:
    """Grade SUBMISSION folders with the public and hidden checks."""
    console = Console(stderr=True)
    chosen = select([p for p in parts.split(",") if p])
    options = GradeOptions(visibility=("public", "hidden"), hidden_seed=hidden_seed, device=device, timing=timing)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[SubmissionResult] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("failures: {task.fields[failures]}"), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("grading", total=len(submissions), failures=0)
        failures = 0
        for src in submissions:
            name = safe_name(src.resolve().name)
            progress.update(task, description=f"grading {name}")
            result = grade_submission(src, chosen, options, name=name)
            write_gradescope(result, out_dir / name / "results.json")
            results.append(result)
            failures += result.score < result.max_score
            progress.update(task, advance=1, failures=failures)
            write_grades_csv(results, out_dir / "grades.csv")
    write_junit(results, out_dir / "junit.xml")
    render_batch(results, Console())
    for warning in sorted({w for r in results for w in r.warnings}):
        console.print(f"[bold yellow]warning:[/] {warning}", markup=True, highlight=False)
    console.print(f"wrote {out_dir / 'grades.csv'} and {len(results)} results.json under {out_dir}{os.sep}")
