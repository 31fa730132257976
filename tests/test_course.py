"""The course file: assignments as data, and the clear refusal of a malformed one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from grader.course import DEFAULT_ASSIGNMENT, CourseError, LatePolicy, load_course
from grader.parts import BY_NAME

GOOD = """
[assignments.hw1]
parts = ["conv", "shapes"]
due = 2026-12-01T23:59:00-05:00
late = { percent_per_day = 10, max_days = 3 }
points = { conv = 30 }

[assignments.hw1.extensions]
alice = "2026-12-03T23:59:00-05:00"

[assignments.hw2]
parts = ["rnn"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(text)
    return path


def test_reads_assignments_in_course_part_order(tmp_path: Path) -> None:
    course = load_course(write(tmp_path, GOOD))
    hw1 = course.assignment("hw1")
    assert hw1.parts == ("shapes", "conv")
    assert hw1.points == {"conv": 30.0}
    assert hw1.due == datetime(2026, 12, 2, 4, 59, tzinfo=UTC)
    assert hw1.due_for("alice") == datetime(2026, 12, 4, 4, 59, tzinfo=UTC)
    assert hw1.due_for("bob") == hw1.due
    assert course.assignment("hw2").late.none and course.assignment("hw2").due is None


def test_without_a_course_file_one_assignment_has_every_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADELAB_COURSE", raising=False)
    only = load_course().assignment(None)
    assert only.name == DEFAULT_ASSIGNMENT and only.parts == tuple(BY_NAME)


def test_environment_names_the_course_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADELAB_COURSE", str(write(tmp_path, GOOD)))
    assert set(load_course().assignments) == {"hw1", "hw2"}


def test_two_assignments_need_a_name(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="--assignment"):
        load_course(write(tmp_path, GOOD)).assignment(None)
    with pytest.raises(CourseError, match="no assignment 'hw3'"):
        load_course(write(tmp_path, GOOD)).assignment("hw3")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[assignments.a]\nparts = ["convv"]\n', "unknown part.*convv"),
        ('[assignments.a]\nparts = ["conv"]\ndue = 2026-12-01T23:59:00\n', "no UTC offset"),
        ('[assignments.a]\nparts = ["conv"]\ndue = "tomorrow"\n', "not a date"),
        ('[assignments.hw-1]\nparts = ["conv"]\n[assignments.hw_1]\nparts = ["rnn"]\n', "overlaps"),
        ('[assignments.a]\nparts = ["conv"]\n[assignments.a]\nparts = ["rnn"]\n', "not valid TOML"),
        ('[assignments.HW]\nparts = ["conv"]\n', "lowercase"),
        ('[assignments.a]\nparts = ["conv"]\npoints = { rnn = 3 }\n', "not a part of this assignment"),
        ('[assignments.a]\nparts = ["conv"]\npoints = { conv = -3 }\n', "positive"),
        ('[assignments.a]\nparts = ["conv"]\nlate = { percent_per_day = 10, max_days = 2 }\n', "needs a due date"),
        ('[assignments.a]\nparts = ["conv"]\ndue = 2026-12-01T23:59:00Z\nlate = "some"\n', "none"),
        ('[assignments.a]\nparts = ["conv"]\nduedate = 2026-12-01T23:59:00Z\n', "unknown key.*duedate"),
        ("[assignments.a]\nparts = []\n", "non-empty"),
        ("title = 'x'\n", "unknown key"),
        ('[assignments.a]\nparts = ["seq2seq"]\n', "built from the student's own rnn.py"),
    ],
)
def test_a_malformed_course_file_is_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CourseError, match=message) as info:
        load_course(write(tmp_path, text))
    assert "course.toml" in str(info.value)


def test_late_policy_takes_a_share_per_started_day_then_everything() -> None:
    policy = LatePolicy(percent_per_day=10, max_days=3)
    assert policy.penalty_fraction(timedelta(0)) == 0.0
    assert policy.penalty_fraction(timedelta(minutes=1)) == pytest.approx(0.1, abs=1e-12)
    assert policy.penalty_fraction(timedelta(days=2, seconds=1)) == pytest.approx(0.3, abs=1e-12)
    assert policy.penalty_fraction(timedelta(days=3, seconds=1)) == 1.0
    assert LatePolicy().penalty_fraction(timedelta(days=30)) == 0.0
