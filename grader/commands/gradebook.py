"""`cli.py gradebook export|review|show`: read what batches recorded, without grading anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.batch.collect.roster import RosterError, load_roster
from grader.batch.grade_table_json import write_grade_table_json
from grader.batch.gradebook import FILENAME, Entry, Gradebook, GradebookError, path_of
from grader.batch.lms import SYSTEMS, LmsError, System, lms_rows, write_lms_csv
from grader.batch.outputs import write_grade_table_csv
from grader.batch.stale import stale_names, stale_warning
from grader.render import format_points
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
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the grade table as CSV (with --lms: that system's import file)."
)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the grade table as JSON.")
@click.option("--lms", type=click.Choice(SYSTEMS), default=None, help="Write --csv as the file Canvas or Moodle imports: final scores, one row per student.")
@click.option("--lms-column", default=None, metavar="NAME", help="The LMS's grade column [default: the assignment's name].")
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With --lms canvas: the roster whose name and section columns fill Student and Section.",
)
@click.option("--allow-stale", is_flag=True, help="With --lms: export rows graded under other settings than the newest, as they are.")
def export(
    location: Path, csv_path: Path | None, json_path: Path | None, lms: System | None, lms_column: str | None, roster_path: Path | None, allow_stale: bool
) -> None:
    """Write the grade table: a row per submission, a column per part, the total, the penalty, the final score and the flags."""
    if csv_path is None and json_path is None:
        raise click.UsageError("give --csv FILE, --json FILE or both")
    if lms is not None and csv_path is None:
        raise click.UsageError("--lms writes the file named by --csv FILE")
    console = Console(stderr=True)
    with _open(location) as book:
        entries = book.entries()
    if csv_path is not None and lms is not None:
        _export_lms(entries, lms, csv_path, lms_column, roster_path, allow_stale, console)
    elif csv_path is not None:
        write_grade_table_csv(entries, csv_path)
    if json_path is not None:
        write_grade_table_json(entries, json_path)
    warning = stale_warning(entries, stale_names(entries))
    if warning and lms is None:
        console.print(Text(f"warning: {warning}", style="yellow"))
    written = " and ".join(str(p) for p in (csv_path, json_path) if p is not None)
    console.print(Text(f"wrote {len(entries)} submissions to {written}"))


def _export_lms(entries: list[Entry], lms: System, path: Path, column: str | None, roster_path: Path | None, allow_stale: bool, console: Console) -> None:
    try:
        roster = load_roster(roster_path) if roster_path is not None else None
        rows, warnings = lms_rows(lms, entries, column, roster, allow_stale)
    except (LmsError, RosterError) as exc:
        raise click.ClickException(str(exc)) from None
    write_lms_csv(rows, path)
    for warning in warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))


@gradebook_group.command()
@gradebook_option
def review(location: Path) -> None:
    """List the flagged submissions: late, made from an old or unknown release, or with files changed outside assignments/."""
    with _open(location) as book:
        entries = book.entries()
    flagged = [e for e in entries if e.collected.flags]
    console = Console()
    for e in flagged:
        c = e.collected
        who = ", ".join(x for x in (c.student, c.email) if x)
        head = f"{e.name}" + (f" ({who})" if who else "")
        score = f"raw {format_points(e.result.score)}, penalty {format_points(e.penalty)}, final {format_points(e.final)} / {format_points(e.result.max_score)}"
        console.print(Text(f"{head}: {score}", style="bold"))
        for f in c.flags:
            console.print(Text(f"  - {f}"))
    console.print(Text(f"{len(flagged)} of {len(entries)} submissions flagged; flags never change a score", style="dim"))


@gradebook_group.command()
@gradebook_option
@click.argument("name")
@click.option("--markdown", is_flag=True, help="Print the student's feedback.md (hidden checks without details).")
def show(location: Path, name: str, markdown: bool) -> None:
    """Print NAME's feedback, hidden checks included, and how it was graded."""
    with _open(location) as book:
        entries = book.entries()
    entry = next((e for e in entries if e.name == name), None)
    if entry is None:
        raise click.ClickException(f"{name} is not in the gradebook")
    if markdown:
        stale = entry.name in stale_names(entries)
        sys.stdout.write(to_feedback_markdown(entry.result, entry.notes, entry.graded_at, entry.collected, stale))
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
    c = entry.collected
    about += [f"student: {c.student} <{c.email}>"] if c.student or c.email else []
    about += [f"due: {c.due} ({c.due_source})"] if c.due else []
    about += [f"submitted: {c.submitted_at} (by {c.timed_by})"] if c.submitted_at else []
    about.append(f"raw {format_points(entry.result.score)}, late penalty {format_points(entry.penalty)}, final {format_points(entry.final)}")
    about += [f"flag: {f}" for f in c.flags]
    about += list(entry.notes)
    for line in about:
        console.print(Text(line, style="dim"))
