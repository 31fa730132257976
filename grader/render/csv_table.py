"""A grades spreadsheet: one row per submission, one column per part, then total and max_total."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from grader.render import format_points, part_names, write_text_atomic
from grader.results import SubmissionResult
from grader.text import csv_cell


def grades_rows(results: Sequence[SubmissionResult]) -> list[list[str]]:
    """Header then one row per submission; a part a submission lacks is an empty cell."""
    parts = part_names(results)
    rows = [["submission", *parts, "total", "max_total"]]
    for r in results:
        scores = {p.part: format_points(p.score) for p in r.parts}
        rows.append(
            [
                csv_cell(r.submission),
                *(scores.get(name, "") for name in parts),
                format_points(r.score),
                format_points(r.max_score),
            ]
        )
    return rows


def write_grades_csv(results: Sequence[SubmissionResult], path: Path) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(grades_rows(results))
    write_text_atomic(path, buf.getvalue())
