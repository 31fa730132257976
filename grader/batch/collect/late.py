"""Each student's due date, how late their graded work came, and the fraction the late policy takes.

A student's due date is their extension where they have one (the roster's `extension` column
first, then the course file's `[assignments.NAME.extensions]`, keyed by student id), else the
class due date: `--deadline` where given, else the assignment's `due`. Both live in files a
re-run of the class command reads again, so an extension survives every re-run.

Work is graded from the last push (or commit) at or before the due date; without one, from the
last within the late period (`max_days` of the policy after it), with the policy's penalty;
without that, nothing is graded. An assignment without a late policy has no late period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from grader.batch.collect.roster import Student
from grader.course import DAY, Assignment, LatePolicy


@dataclass(frozen=True)
class Due:
    when: datetime | None  # None: no due date, nothing is late
    source: str  # where it came from, shown with it
    late_until: datetime | None  # the end of the late period (== when without a policy)


def due_for(assignment: Assignment, deadline: datetime | None, student: Student | None) -> Due:
    """The due date of one student's repository; `deadline` is --deadline, which replaces the class's."""
    when, source = (deadline, "--deadline") if deadline is not None else (assignment.due, "the assignment")
    if student is not None and student.extension is not None:
        when, source = student.extension, "extension (roster)"
    elif student is not None and student.student_id in assignment.extensions:
        when, source = assignment.extensions[student.student_id], "extension (course file)"
    if when is None:
        return Due(None, "", None)
    return Due(when, source, when + assignment.late.max_days * DAY)


def lateness(due: Due, submitted_at: str, policy: LatePolicy) -> tuple[float, float]:
    """(seconds late, fraction of the raw score taken off); (0, 0) when on time or not timed."""
    if due.when is None or not submitted_at:
        return 0.0, 0.0
    late = datetime.fromisoformat(submitted_at) - due.when
    if late <= timedelta(0):
        return 0.0, 0.0
    return late.total_seconds(), policy.penalty_fraction(late)
