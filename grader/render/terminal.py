"""Rich terminal report of one submission, or a one-table overview of a batch.

Student-originated text (messages, import errors, stdout-derived warnings) reaches the console
only inside rich.text.Text, which is never parsed for markup, so "[red]" or "[/]" in a student's
exception prints as typed.
"""
from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.render import format_points, part_names
from grader.results import CheckResult, PartResult, SubmissionResult

_STATUS = {
    "passed": ("✔", "bold green"),
    "failed": ("✘", "bold red"),
    "error": ("!", "bold magenta"),
    "skipped": ("-", "dim"),
}


def _points(score: float, max_score: float) -> str:
    return f"{format_points(score)}/{format_points(max_score)}"


def _check_label(check: CheckResult) -> str:
    return f"{check.function} {check.kind}"


def _part_table(part: PartResult) -> Table:
    table = Table(
        title=Text(part.part, style="bold"),
        caption=Text(f"{part.part}: {_points(part.score, part.max_score)}"),
        caption_justify="right",
    )
    table.add_column("check")
    table.add_column("visibility")
    table.add_column("status", justify="center")
    table.add_column("points", justify="right")
    table.add_column("feedback")
    for c in part.checks:
        symbol, style = _STATUS[c.outcome]
        table.add_row(
            Text(_check_label(c)),
            Text(c.visibility, style="dim" if c.visibility == "hidden" else ""),
            Text(symbol, style=style),
            Text(_points(c.score, c.max_score)),
            Text(c.headline),
        )
    return table


def _detail_panel(check: CheckResult) -> Panel:
    body = Text(check.message)
    if check.counterexample is not None:
        body.append("\n\nCounterexample: ", style="bold")
        body.append(check.counterexample.summary)
    _, style = _STATUS[check.outcome]
    return Panel(
        body,
        title=Text(f"{check.part}: {_check_label(check)}", style=style),
        title_align="left",
        border_style=style,
    )


def render_submission(
    result: SubmissionResult, console: Console, *, details: bool = True
) -> None:
    """Per-part tables, then (details) a panel per failed/errored public check, then the total."""
    console.print(Text(f"Submission: {result.submission}", style="bold"))
    for part in result.parts:
        console.print(_part_table(part))
        if part.error:
            console.print(
                Panel(
                    Text(part.error),
                    title=Text(f"{part.part} did not import", style="bold red"),
                    title_align="left",
                    border_style="red",
                )
            )
    if details:
        for c in result.checks:
            if c.visibility == "public" and c.outcome in ("failed", "error"):
                console.print(_detail_panel(c))
    console.print(
        Text(
            f"Total: {format_points(result.score)} / {format_points(result.max_score)}",
            style="bold",
        )
    )
    console.print(Text(f"Device: {result.device} | Sandbox: {result.sandbox}", style="dim"))
    for warning in result.warnings:
        console.print(Text(f"Warning: {warning}", style="yellow"))


def render_batch(results: Sequence[SubmissionResult], console: Console) -> None:
    """One row per submission: each part's score (blank where absent), then the total."""
    parts = part_names(results)
    table = Table(title=Text("Grades", style="bold"))
    table.add_column("submission")
    for name in parts:
        table.add_column(Text(name), justify="right")
    table.add_column("total", justify="right", style="bold")
    for r in results:
        scores = {p.part: format_points(p.score) for p in r.parts}
        table.add_row(
            Text(r.submission),
            *(Text(scores.get(name, "")) for name in parts),
            Text(f"{format_points(r.score)} / {format_points(r.max_score)}"),
        )
    console.print(table)
