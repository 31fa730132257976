"""The roster, each student's due date, and the late penalty."""
from __future__ import annotations

from datetime import datetime

import pytest

from grader.batch.collect.late import due_for, lateness
from grader.batch.collect.roster import RosterError, Student, parse_roster
from grader.course import Assignment, LatePolicy

TOL = 1e-9
DUE = datetime.fromisoformat("2026-12-01T23:59:00+00:00")
HW1 = Assignment("hw1", ("shapes",), due=DUE, late=LatePolicy(10, 3), extensions={"s2": datetime.fromisoformat("2026-12-05T23:59:00+00:00")})


def test_a_roster_maps_each_repository_however_written_to_its_student():
    text = ("repository,student_id,email,extension,name,section\n"
            "hw1-alice,s1,alice@example.com,2026-12-03T23:59:00-05:00,\"Liddell, Alice\",A1\n"
            "https://github.com/course/hw1-bob.git,s2,bob@example.com,,,\n\n")

    roster = parse_roster(text, "roster.csv")

    assert set(roster) == {"hw1-alice", "hw1-bob"}
    assert roster["hw1-alice"].extension == datetime.fromisoformat("2026-12-03T23:59:00-05:00")
    assert roster["hw1-alice"].name == "Liddell, Alice" and roster["hw1-alice"].section == "A1"
    assert roster["hw1-bob"] == Student("hw1-bob", "s2", "bob@example.com")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("repository,email\nhw1-a,a@x\n", "no column student_id"),
        ("repository,student_id,email\nhw1-a,,a@x\n", "line 2: student_id is empty"),
        ("repository,student_id,email,extension\nhw1-a,s1,a@x,tomorrow\n", "line 2: extension 'tomorrow' is not a date"),
        ("repository,student_id,email,extension\nhw1-a,s1,a@x,2026-12-03T23:59:00\n", "has no UTC offset"),
        ("repository,student_id,email\nhw1-a,s1,a@x\norg/hw1-a,s2,b@x\n", "line 3: repository hw1-a is listed twice"),
    ],
)
def test_a_bad_roster_names_the_file_the_line_and_what_is_wrong(text: str, why: str):
    with pytest.raises(RosterError, match=f"roster.csv.*{why}"):
        parse_roster(text, "roster.csv")


def test_an_extension_comes_from_the_roster_first_then_the_course_file_else_the_class_date():
    alice = Student("hw1-alice", "s1", "a@x", datetime.fromisoformat("2026-12-03T23:59:00+00:00"))
    bob = Student("hw1-bob", "s2", "b@x")
    carol = Student("hw1-carol", "s3", "c@x")

    assert (due_for(HW1, None, alice).when, due_for(HW1, None, alice).source) == (alice.extension, "extension (roster)")
    assert (due_for(HW1, None, bob).when, due_for(HW1, None, bob).source) == (HW1.extensions["s2"], "extension (course file)")
    assert (due_for(HW1, None, carol).when, due_for(HW1, None, carol).source) == (DUE, "the assignment")
    assert due_for(HW1, None, None).late_until == datetime.fromisoformat("2026-12-04T23:59:00+00:00")


def test_deadline_replaces_the_class_due_date_but_not_an_extension():
    deadline = datetime.fromisoformat("2026-12-02T12:00:00+00:00")

    assert due_for(HW1, deadline, None).when == deadline and due_for(HW1, deadline, None).source == "--deadline"
    assert due_for(HW1, deadline, Student("hw1-bob", "s2", "b@x")).when == HW1.extensions["s2"]


def test_without_a_late_policy_there_is_no_late_period():
    strict = Assignment("hw1", ("shapes",), due=DUE)

    assert due_for(strict, None, None).late_until == DUE


def test_lateness_counts_started_days_by_the_policy():
    due = due_for(HW1, None, None)

    assert lateness(due, "2026-12-01T23:59:00+00:00", HW1.late) == (0.0, 0.0)
    seconds, fraction = lateness(due, "2026-12-02T01:00:00+00:00", HW1.late)
    assert seconds == pytest.approx(61 * 60, abs=TOL) and fraction == pytest.approx(0.1, abs=TOL)
    assert lateness(due, "2026-12-03T23:59:01+00:00", HW1.late)[1] == pytest.approx(0.3, abs=TOL)
    assert lateness(due, "", HW1.late) == (0.0, 0.0)  # a folder or zip: not timed
