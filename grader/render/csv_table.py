"""A grades spreadsheet: one row per submission, one column per part, then total and max_total.

Given each row's collection (a batch's grades.csv and `gradebook export`), more columns follow:
`penalty` and `final` (`total` is the raw score, before the late penalty), `flags`, `stale` (graded
under another grader version or other settings than the newest row), `student_id`, `email`,
`due` (the due date applied), `submitted` (push or commit time) and `late`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from grader.collection import Collected
from grader.render import format_points, part_names, write_text_atomic
from grader.results import SubmissionResult
from grader.text import csv_cell

COLLECTION_COLUMNS = ["penalty", "final", "flags", "stale", "student_id", "email", "due", "submitted", "late"]


def _collection_cells(r: SubmissionResult, c: Collected, stale: bool) -> list[str]:
    submitted = f"{c.submitted_at} ({c.timed_by})" if c.submitted_at else ""
    return [
        format_points(c.penalty(r.score)),
        format_points(c.final(r.score)),
        csv_cell("; ".join(str(f) for f in c.flags)),
        "stale" if stale else "",
        csv_cell(c.student),
        csv_cell(c.email),
        csv_cell(c.due),
        csv_cell(submitted),
        c.late_text(),
    ]


def grades_rows(results: Sequence[SubmissionResult], collected: Sequence[Collected] | None = None, stale: Sequence[bool] = ()) -> list[list[str]]:
    """Header then one row per submission; a part a submission lacks is an empty cell.
    `collected` and `stale` (when given) hold one item per result, in the same order."""
    parts = part_names(results)
    rows = [["submission", *parts, "total", "max_total", *(COLLECTION_COLUMNS if collected is not None else [])]]
    for i, r in enumerate(results):
        scores = {p.part: format_points(p.score) for p in r.parts}
        extra = _collection_cells(r, collected[i], bool(stale) and stale[i]) if collected is not None else []
        rows.append(
            [
                csv_cell(r.submission),
                *(scores.get(name, "") for name in parts),
                format_points(r.score),
                format_points(r.max_score),
                *extra,
            ]
        )
    return rows


def write_grades_csv(results: Sequence[SubmissionResult], path: Path, collected: Sequence[Collected] | None = None, stale: Sequence[bool] = ()) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(grades_rows(results, collected, stale))
    write_text_atomic(path, buf.getvalue())
