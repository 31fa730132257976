"""`cli.py grade INPUT... --out DIR`: an instructor grades a batch, public and hidden checks.

INPUTs are submission folders, .zip archives and git repositories, each read in a bounded child
process (`grader.batch.inputs.bounded`); an input that is none of these is skipped with a warning, and one
that cannot be read is recorded as a problem, so no input stops the batch. Submissions are graded in
parallel child processes (or on a Dask cluster with --scheduler), each under a wall-clock limit,
and recorded one by one in DIR/gradebook.sqlite. A re-run grades only what is new or changed.
From the gradebook this process alone writes DIR/<name>/results.json (Gradescope's schema),
DIR/<name>/feedback.md, DIR/grades.csv and DIR/junit.xml.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from grader.batch import run as batch
from grader.batch.backends import Backend, BackendError, DaskBackend, LocalBackend
from grader.batch.collect.prepare import CollectError, Collector, deadline_changes
from grader.batch.gradebook import FILENAME, Entry, Gradebook, GradebookError, exclusive
from grader.batch.inputs.bounded import READ_SECONDS
from grader.batch.inputs.git import parse_deadline
from grader.batch.outputs import reserved_names, write_batch_files, write_submission_files
from grader.batch.stale import stale_names, stale_warning
from grader.commands.options import assignment_parts, chosen_assignment, course_options, device_option, part_points, parts_option, sandbox_option, timing_option
from grader.commands.seed import PUBLIC_SEED, allow_public_seed_option, config_option, configured_seed
from grader.course import Assignment, course_path
from grader.engine.parallel import available_cores
from grader.options import Device, GradeOptions, SandboxChoice
from grader.parts import select
from grader.render import format_points
from grader.render.terminal import render_batch
from grader.sandbox.launch import choose_launcher
from grader.spec import PartSpec


def _backend(jobs: int | None, scheduler: str | None) -> Backend:
    return DaskBackend(scheduler) if scheduler else LocalBackend(jobs or available_cores())


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output directory.")
@parts_option
@click.option(
    "--hidden-seed", type=int, default=None, help="Seed of the hidden checks' inputs [default: from --config or $GRADELAB_HIDDEN_SEED]; keep it from students."
)
@config_option
@allow_public_seed_option
@course_options
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Submissions graded at once [default: the number of cores].")
@click.option(
    "--timeout",
    "limit",
    type=click.FloatRange(min=1),
    default=600.0,
    show_default=True,
    help="Wall-clock limit of one submission, in seconds; past it every check scores 0.",
)
@click.option(
    "--deadline",
    default=None,
    help='The class due date, replacing the assignment\'s: git repositories are graded at their last commit (or push) before it, e.g. "2026-12-01 23:59" (local time unless an offset is given).',
)
@click.option(
    "--pushes",
    "pushes_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder of push logs exported from the forge, DIR/<repository>.json: the commit graded and its lateness go by push time.",
)
@click.option(
    "--roster",
    "roster_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of repository,student_id,email[,extension,name,section]: whose each repository is, and their extension.",
)
@click.option(
    "--records",
    "records_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The instructor's release records, compared with each repository [default: releases/ beside the course file].",
)
@click.option("--regrade", is_flag=True, help="Grade every input again, even those the gradebook has for the same files.")
@click.option("--gradebook", "book_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help=f"SQLite gradebook [default: OUT/{FILENAME}].")
@click.option("--scheduler", default=None, metavar="tcp://HOST:8786", help="Grade on this Dask distributed cluster instead of local processes.")
@click.option(
    "--examples-scale",
    type=click.FloatRange(min=0.01),
    default=1.0,
    hidden=True,
    help="Multiply every layer's example counts (tests and benchmarks grade faster with less).",
)
@sandbox_option
@device_option
@timing_option
def grade(**params: Any) -> None:
    """Grade INPUTS (submission folders, .zip archives, git repositories) with the public and hidden checks."""
    _grade(GradeRequest(**params))


@dataclass(frozen=True, kw_only=True)
class GradeRequest:
    """What `grade` was asked, one field per command-line option."""

    inputs: tuple[Path, ...]
    out_dir: Path
    parts: tuple[str, ...]
    hidden_seed: int | None
    config_path: Path | None
    allow_public_seed: bool
    course_path: Path | None
    assignment: str | None
    jobs: int | None
    limit: float
    deadline: str | None
    pushes_dir: Path | None
    roster_path: Path | None
    records_path: Path | None
    regrade: bool
    book_path: Path | None
    scheduler: str | None
    examples_scale: float
    sandbox: SandboxChoice
    device: Device
    timing: bool


def _grade(req: GradeRequest) -> None:
    console = Console(stderr=True)
    assignment = chosen_assignment(req.course_path, req.assignment)
    try:
        chosen = select(list(assignment_parts(assignment, req.parts)))
        when = parse_deadline(req.deadline) if req.deadline else None
    except (KeyError, ValueError) as exc:
        raise click.BadParameter(str(exc.args[0])) from None
    collector = _collector(req, assignment, when, console)
    hidden_seed = _hidden_seed(req.hidden_seed, req.config_path, req.allow_public_seed, console)
    _warn_without_sandbox(req.sandbox, console)
    options = GradeOptions(
        visibility=("public", "hidden"),
        hidden_seed=hidden_seed,
        device=req.device,
        timing=req.timing,
        examples_scale=req.examples_scale,
        sandbox=req.sandbox,
        part_points=part_points(assignment),
    )
    req.out_dir.mkdir(parents=True, exist_ok=True)
    book_path = req.book_path or req.out_dir / FILENAME
    try:
        with exclusive(book_path), Gradebook(book_path) as book:
            the_plan, report, entries = _grade_into(book, book_path, req, chosen, collector, options, console)
    except (GradebookError, BackendError) as exc:
        raise click.ClickException(str(exc)) from None
    _summarize(the_plan, report, entries, book_path, req.out_dir, console)


def _collector(req: GradeRequest, assignment: Assignment, when: str | None, console: Console) -> Collector:
    """The assignment's due date, late policy and extensions, the roster, push logs and release records."""
    try:
        collector, notes = Collector.load(
            assignment, datetime.fromisoformat(when) if when else None, req.roster_path, req.pushes_dir, req.records_path, course_path(req.course_path)
        )
    except CollectError as exc:
        raise click.UsageError(str(exc)) from None
    for note in notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    return collector


def _warn(lines: list[str], console: Console) -> None:
    for line in lines:
        console.print(f"[bold yellow]warning:[/] {escape(line)}", highlight=False)


def _grade_into(
    book: Gradebook, book_path: Path, req: GradeRequest, chosen: tuple[PartSpec, ...], collector: Collector, options: GradeOptions, console: Console
) -> tuple[batch.Plan, batch.Report, list[Entry]]:
    """Read the inputs, grade what changed into the gradebook, and render every file again."""
    out_dir = req.out_dir
    given = {"--out": out_dir, "--pushes": req.pushes_dir, "--roster": req.roster_path, "--records": req.records_path, "--config": req.config_path}
    with console.status("reading submissions…"):
        submissions, warnings = collector.read(req.inputs, {**given, "--course": course_path(req.course_path)}, READ_SECONDS, req.jobs or available_cores())
    _warn(warnings, console)
    recorded = book.dues()
    the_plan = batch.plan(submissions, chosen, options, book, req.regrade, reserved_names(out_dir, book_path))
    for refused in the_plan.refused:
        console.print(f"[bold red]error:[/] {escape(refused)}", highlight=False)
    _warn(deadline_changes(recorded, [*the_plan.todo, *the_plan.skipped]), console)
    book.update_collected({s.name: s.collected for s in the_plan.skipped})  # a changed roster, extension or record applies without a regrade
    if the_plan.todo and not req.scheduler:  # fewer submissions than cores: the rest grade parts
        options = replace(options, part_jobs=max(1, (req.jobs or available_cores()) // len(the_plan.todo)))
    report = _run(the_plan, chosen, options, book, lambda: _backend(req.jobs, req.scheduler), req.limit, out_dir, console)
    entries = book.entries()
    stale = stale_names(entries)
    _warn([stale_warning(entries, stale)] if stale else [], console)
    # Every file is rendered again from the gradebook: a stale results.json never survives.
    fresh = {*report.graded, *report.stopped}
    for entry in entries:
        if entry.name not in fresh or entry.name in stale:
            _write_files(entry, out_dir, console, entry.name in stale)
    write_batch_files(entries, out_dir)
    return the_plan, report, entries


def _summarize(the_plan: batch.Plan, report: batch.Report, entries: list[Entry], book_path: Path, out_dir: Path, console: Console) -> None:
    """The grade table of this run's submissions, their warnings, the counts; the exit status."""
    names = {s.name for s in (*the_plan.todo, *the_plan.skipped)}
    mine = [e for e in entries if e.name in names]
    render_batch([e.result for e in mine], Console())
    for warning in sorted({w for e in mine for w in e.result.warnings}):
        console.print(f"[bold yellow]warning:[/] {warning}", markup=True, highlight=False)
    for e in (e for e in mine if e.penalty):
        console.print(f"late: {e.name} {format_points(e.result.score)} - {format_points(e.penalty)} = {format_points(e.final)}", highlight=False)
    flagged = [e for e in mine if e.collected.flags]
    if flagged:
        console.print(f"{len(flagged)} submission(s) flagged, raw scores unchanged: cli.py gradebook review --gradebook {book_path}", highlight=False)
    console.print(
        f"graded {len(report.graded)}, stopped {len(report.stopped)} (time limit or crash), "
        f"unchanged {len(report.skipped)}; gradebook {book_path}, files under {out_dir}{os.sep}",
        highlight=False,
    )
    if report.interrupted:
        console.print("interrupted: every submission graded so far is in the gradebook; run the same command to go on")
        sys.exit(130)
    if the_plan.refused:
        sys.exit(1)  # the rest was graded, but a script must notice inputs that were not


def _write_files(entry: Entry, out_dir: Path, console: Console, stale: bool = False) -> None:
    """One submission's files; a folder that cannot be written costs that submission's files only."""
    try:
        write_submission_files(entry, out_dir, stale)
    except OSError as exc:
        console.print(f"[bold red]error:[/] the files of {escape(entry.name)} could not be written ({escape(str(exc))})", highlight=False)


def _hidden_seed(given: int | None, config_path: Path | None, allow_public: bool, console: Console) -> int:
    """The hidden seed; unset, grading goes on with seed 0 under a warning nobody can miss."""
    seed = configured_seed(given, config_path)
    if seed is None and not allow_public:
        console.print(Panel(Text(f"{PUBLIC_SEED}. Pass --allow-public-seed to accept that."), title="WARNING: public hidden seed", border_style="bold red"))
    return 0 if seed is None else seed


def _warn_without_sandbox(choice: str, console: Console) -> None:
    try:
        launcher = choose_launcher(choice)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if launcher.warning:
        console.print(Panel(Text(launcher.warning), title="WARNING: no sandbox", border_style="bold red"))


def progress_tally(below_full: int, stopped: int) -> str:
    """The progress bar's counts in words; a zero count is left out rather than shown as "✗ 0"."""
    said = []
    if below_full:
        said.append(f"{below_full} below full marks")
    if stopped:
        said.append(f"{stopped} stopped (time limit or crash)")
    return " · ".join(said) or "none below full marks yet"


def _run(
    the_plan: batch.Plan,
    chosen: tuple[PartSpec, ...],
    options: GradeOptions,
    book: Gradebook,
    make_backend: Callable[[], Backend],
    limit: float,
    out_dir: Path,
    console: Console,
) -> batch.Report:
    """Grade the plan's submissions under a progress bar: done/total, failures, stopped, ETA."""
    if not the_plan.todo:
        return batch.Report((), tuple(s.name for s in the_plan.skipped), (), False)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TextColumn("{task.fields[tally]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    skipped = f" ({len(the_plan.skipped)} unchanged)" if the_plan.skipped else ""
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(f"grading{skipped}", total=len(the_plan.todo), tally=progress_tally(0, 0))
        counts = {"failures": 0, "stopped": 0}

        def recorded(entry: Entry) -> None:
            _write_files(entry, out_dir, console)
            counts["failures"] += entry.result.score < entry.result.max_score
            counts["stopped"] += entry.status in ("timeout", "crashed")
            progress.update(task, advance=1, tally=progress_tally(counts["failures"], counts["stopped"]))

        def labelled() -> Backend:
            backend = make_backend()
            progress.update(task, description=f"{backend.label}{skipped}")
            return backend

        return batch.grade(the_plan, chosen, options, book, labelled, limit_seconds=limit, on_recorded=recorded)
