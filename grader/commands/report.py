"""`cli.py report OUT_DIR`: the instructor's report of a graded batch, from its gradebook alone.

Nothing is graded again: the statistics come from the stored results, and the similarity of
the code from the files at the paths the gradebook recorded (those gone or changed are named).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.batch.gradebook import FILENAME, Gradebook, GradebookError, path_of
from grader.paths import REPO
from grader.report.build import build_report


@click.command(name="report")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--gradebook",
    "location",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help=f"The gradebook file, or the folder that holds {FILENAME} [default: OUT_DIR].",
)
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the page here [default: OUT_DIR/report.html].")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the statistics as JSON.")
@click.option(
    "--baseline",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=REPO / "assignments",
    show_default="the repository's assignments/",
    help="The released stubs: code found there never counts as similar.",
)
def report_command(out_dir: Path, location: Path | None, html_path: Path | None, json_path: Path | None, baseline: Path) -> None:
    """Write an HTML report of the graded batch in OUT_DIR: scores, checks, common mistakes, speed, flags and similar code."""
    console = Console(stderr=True)
    try:
        with Gradebook(path_of(location or out_dir), create=False) as book:
            entries = book.entries()
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None
    if not entries:
        raise click.ClickException("the gradebook holds no submission")
    try:
        # Here, not at the top: every other command starts without matplotlib (the "report" extra).
        from grader.report.html import to_html
    except ImportError as exc:
        raise click.ClickException(f"the report needs matplotlib ({exc}): pip install -e '.[report]'") from None
    report = build_report(entries, baseline)
    html_path = html_path or out_dir / "report.html"
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(to_html(report, f"gradelab report: {len(entries)} submissions"), encoding="utf-8")
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report.to_dict(), indent=1) + "\n", encoding="utf-8")
    left = len(report.similarity.left_out)
    note = f"; {left} submissions' files were not compared (see the Similarity section)" if left else ""
    written = " and ".join(str(p) for p in (html_path, json_path) if p is not None)
    console.print(Text(f"wrote {written} ({len(entries)} submissions{note})"))
