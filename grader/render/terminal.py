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

from grader.redact import Audience, redact
from grader.render import format_points, part_names
from grader.results import CheckResult, PartResult, SubmissionResult

_STATUS = {
    "passed": ("✔", "bold green"),
    "failed": ("✘", "bold red"),
    "error": ("!", "bold magenta"),
    "skipped": ("-", "dim"),
}


HEADLINE_MIN = 22


def _points(score: float, max_score: float) -> str:
    return f"{format_points(score)}/{format_points(max_score)}"


def _part_table(part: PartResult, width: int, wrap: bool = False) -> Table:
    table = Table(
        title=Text(part.part, style="bold"),
        caption=Text(f"{part.part}: {_points(part.score, part.max_score)}"),
        caption_justify="right",
    )
    # Fixed widths: rich would otherwise squeeze the short columns away on an 80-column terminal.
    # The feedback keeps at least HEADLINE_MIN columns, so a timing headline's leading ratio and
    # limit ("22.8x (limit 50x): ...") always show; a long check name folds instead.
    check_w = max(10, min(max((len(c.name) for c in part.checks), default=10), 42, width - 6 - 6 - 7 - 16 - HEADLINE_MIN))
    feedback_w = max(HEADLINE_MIN, width - check_w - 6 - 6 - 7 - 16)
    table.add_column("check", width=check_w, overflow="fold")
    table.add_column("vis", width=6, no_wrap=True)
    table.add_column("status", width=6, justify="center", no_wrap=True)
    table.add_column("points", width=7, justify="right", no_wrap=True)
    # wrap: the whole headline over several lines (an instructor reading a record) rather than
    # one line cut with an ellipsis (a student's overview, whose details follow in panels).
    table.add_column("feedback", width=feedback_w, overflow="fold" if wrap else "ellipsis", no_wrap=not wrap)
    for c in part.checks:
        symbol, style = _STATUS[c.outcome]
        table.add_row(
            Text(c.name),
            Text(c.visibility, style="dim" if c.visibility == "hidden" else ""),
            Text(symbol, style=style),
            Text(_points(c.score, c.max_score)),
            Text(c.headline),
        )
    return table


def _detail_panel(check: CheckResult) -> Panel:
    body = Text(check.message)
    # The engine's failure messages already name the failing input; said twice reads as two cases.
    if check.counterexample is not None and check.counterexample.summary not in check.message:
        body.append("\n\nCounterexample: ", style="bold")
        body.append(check.counterexample.summary)
    if check.output:
        body.append("\n\nYour code printed (during this check):\n", style="bold")
        body.append(check.output.rstrip("\n"))
    _, style = _STATUS[check.outcome]
    return Panel(
        body,
        title=Text(f"{check.part}: {check.name}", style=style),
        title_align="left",
        border_style=style,
    )


def render_submission(
    result: SubmissionResult,
    console: Console,
    *,
    details: bool = True,
    audience: Audience = "student",
    wrap: bool = False,
    total_note: str = "",
) -> None:
    """Per-part tables, then (details) a panel per failed/errored public check, then the total.
    `wrap`: the feedback column wraps instead of cutting each headline at the column's width.
    `total_note`: said after the total (check: the points its run leaves to grade)."""
    result = redact(result, audience)
    console.print(Text(f"Submission: {result.submission}", style="bold"))
    for part in result.parts:
        console.print(_part_table(part, console.width, wrap))
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
        shown: set[tuple[str, str]] = set()
        for part in result.parts:
            if part.error:
                continue  # its panel above already says why every check failed
            for c in part.checks:
                # The same text (a function not implemented yet, say) is told once.
                if c.visibility == "public" and c.outcome in ("failed", "error") and (c.message, c.output) not in shown:
                    shown.add((c.message, c.output))
                    console.print(_detail_panel(c))
    console.print(
        Text(
            f"Total: {format_points(result.score)} / {format_points(result.max_score)}" + (f" ({total_note})" if total_note else ""),
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
