"""The grade files a learning management system imports, from the gradebook's final scores.

- Canvas (Grades > Import): `Student,ID,SIS User ID,SIS Login ID,Section,<assignment>` then a
  `Points Possible` row, one row per student. Canvas matches a row by its ID, SIS User ID or SIS
  Login ID; the roster's `student_id` goes in SIS User ID, its `name` and `section` (when
  `--roster` is given to the export) in Student and Section. A column named like an existing
  assignment updates it; a new name creates one.
- Moodle (Grade administration > Import > CSV file): `Email address,ID number,<assignment>`; map
  "Email address" to the user's email and the grade column to the grade item when importing.

Every score is the final one (after the late penalty). A row without a student id (Canvas) or an
email (Moodle), a submission graded without `--roster`, is left out with a warning. Stale rows
(`grader.batch.stale`) stop the export unless allowed, since the LMS file cannot say so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from grader.batch.collect.roster import Student
from grader.batch.gradebook import Entry
from grader.batch.stale import stale_names
from grader.render import format_points, write_text_atomic
from grader.text import csv_cell

System = Literal["canvas", "moodle"]
SYSTEMS: tuple[System, ...] = ("canvas", "moodle")


class LmsError(ValueError):
    pass


def column_name(entries: Sequence[Entry], given: str | None) -> str:
    if given:
        return given
    names = {e.collected.assignment for e in entries}
    if len(names) != 1 or "" in names:
        raise LmsError("the rows do not name one assignment; name the LMS column with --lms-column")
    return names.pop()


def lms_rows(
    system: System, entries: Sequence[Entry], column: str | None = None, roster: Mapping[str, Student] | None = None, allow_stale: bool = False
) -> tuple[list[list[str]], list[str]]:
    """(the CSV's rows, warnings). LmsError for stale rows (unless allowed) or no column name."""
    stale = stale_names(entries)
    if stale and not allow_stale:
        raise LmsError(
            f"{len(stale)} row(s) were graded under another grader version or other settings than the newest ({', '.join(sorted(stale)[:5])}"
            f"{', ...' if len(stale) > 5 else ''}): grade the class again, or give --allow-stale to export them as they are"
        )
    name = column_name(entries, column)
    key = "student" if system == "canvas" else "email"
    kept = [e for e in entries if getattr(e.collected, key)]
    warnings = [f"{e.name}: no {'student id' if key == 'student' else 'email'} (not in the roster when graded); left out" for e in entries if e not in kept]
    if stale:
        warnings.append(f"exported {len(stale)} stale row(s) as they are (--allow-stale)")
    if system == "moodle":
        return [
            ["Email address", "ID number", csv_cell(name)],
            *([csv_cell(e.collected.email), csv_cell(e.collected.student), format_points(e.final)] for e in kept),
        ], warnings
    newest = max(entries, key=lambda e: e.graded_at) if entries else None
    possible = format_points(newest.result.max_score) if newest else ""
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", csv_cell(name)], ["    Points Possible", "", "", "", "", possible]]
    for e in kept:
        student = (roster or {}).get(e.name)
        rows.append(
            [
                csv_cell(student.name if student and student.name else e.collected.student),
                "",
                csv_cell(e.collected.student),
                "",
                csv_cell(student.section if student else ""),
                format_points(e.final),
            ]
        )
    return rows, warnings


def write_lms_csv(rows: Sequence[Sequence[str]], path: Path) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    write_text_atomic(Path(path), buf.getvalue())
