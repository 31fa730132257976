"""`cli.py gradebook export|show`: read what batches recorded, without grading anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.batch.grade_table_json import write_grade_table_json
from grader.batch.gradebook import FILENAME, Gradebook, GradebookError, path_of
from grader.render.csv_table import write_grades_csv
from grader.render.feedback_md import to_feedback_markdown
from grader.render.terminal import render_submission

gradebook_option = click.option(
    "--gradebook",
    "location",
    type=click.Path(exists=True, path_type=Path),
    default=Path("."),
    show_default=True,
    help=f"The gradebook file, or the output folder that holds {FILENAME}.",
)


def _open(location: Path) -> Gradebook:
    try:
        return Gradebook(path_of(location), create=False)
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(name="gradebook")
def gradebook_group() -> None:
    """Export grades from a batch's SQLite gradebook, or show one submission's feedback."""


@gradebook_group.command()
@gradebook_option
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the grade table as CSV.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the grade table as JSON.")
def export(location: Path, csv_path: Path | None, json_path: Path | None) -> None:
    """Write the grade table: a row per submission, a column per part, the total."""
    if csv_path is None and json_path is None:
        raise click.UsageError("give --csv FILE, --json FILE or both")
    with _open(location) as book:
        entries = book.entries()
    if csv_path is not None:
        write_grades_csv([e.result for e in entries], csv_path)
    if json_path is not None:
        write_grade_table_json(entries, json_path)
    written = " and ".join(str(p) for p in (csv_path, json_path) if p is not None)
    Console(stderr=True).print(Text(f"wrote {len(entries)} submissions to {written}"))


@gradebook_group.command()
@gradebook_option
@click.argument("name")
@click.option("--markdown", is_flag=True, help="Print the student's feedback.md (hidden checks without details).")
def show(location: Path, name: str, markdown: bool) -> None:
    """Print NAME's feedback, hidden checks included, and how it was graded."""
    with _open(location) as book:
        entry = book.entry(name)
    if entry is None:
        raise click.ClickException(f"{name} is not in the gradebook")
    if markdown:
        sys.stdout.write(to_feedback_markdown(entry.result, entry.notes, entry.graded_at))
        return
    console = Console()
    # The whole feedback, however narrow the terminal (or 80 columns when piped to a file).
    render_submission(entry.result, console, audience="instructor", wrap=True)
    about = [
        f"status: {entry.status}",
        f"graded at: {entry.graded_at}",
        f"source: {entry.source} ({entry.input_kind})",
        f"content hash: {entry.content_hash[:16]}",
        f"grader version: {entry.grader_version}",
    ]
    if entry.revision:
        about.append(f"commit: {entry.revision}")
    about += list(entry.notes)
    for line in about:
        console.print(Text(line, style="dim"))
