"""An output folder's files, rendered from gradebook entries and never read back.

DIR/<name>/results.json (Gradescope's schema) and DIR/<name>/feedback.md per submission, then
DIR/grades.csv and DIR/junit.xml over the whole gradebook. Each file is replaced atomically, so
a stale one from an earlier run is overwritten, never trusted.

The grader's own files sit at DIR's top level under fixed names (`reserved_names`); a submission
whose name begins with one of them is graded under another (`grader.batch.run.unreserved`), so an
input named `gradebook.sqlite.zip` can never make its folder where the gradebook is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grader.batch.gradebook import FILENAME, Entry
from grader.batch.stale import stale_names
from grader.render import write_text_atomic
from grader.render.csv_table import write_grades_csv
from grader.render.feedback_md import to_feedback_markdown
from grader.render.gradescope import write_gradescope
from grader.render.junit import write_junit

GRADES_CSV = "grades.csv"
JUNIT_XML = "junit.xml"


def reserved_names(out_dir: Path, gradebook: Path) -> tuple[str, ...]:
    """Names of the grader's files in `out_dir` (the gradebook's -wal, -shm and .lock begin
    with its name): no submission folder may begin with one."""
    names = [FILENAME, GRADES_CSV, JUNIT_XML]
    if Path(gradebook).absolute().parent == Path(out_dir).absolute():
        names.append(Path(gradebook).name)
    return tuple(names)


def write_submission_files(entry: Entry, out_dir: Path, stale: bool = False) -> None:
    folder = Path(out_dir) / entry.name  # names pass text.file_name: no separators, no dot-files
    folder.mkdir(parents=True, exist_ok=True)
    write_gradescope(entry.result, folder / "results.json", entry.collected)
    write_text_atomic(folder / "feedback.md", to_feedback_markdown(entry.result, entry.notes, entry.graded_at, entry.collected, stale))


def write_grade_table_csv(entries: Sequence[Entry], path: Path) -> None:
    """grades.csv with the collection's columns and the stale mark (`grader.batch.stale`)."""
    stale = stale_names(entries)
    write_grades_csv([e.result for e in entries], path, [e.collected for e in entries], [e.name in stale for e in entries])


def write_batch_files(entries: Sequence[Entry], out_dir: Path) -> None:
    write_grade_table_csv(entries, Path(out_dir) / GRADES_CSV)
    write_junit([e.result for e in entries], Path(out_dir) / JUNIT_XML)
