"""The files Canvas and Moodle import: final scores, one row per student of the roster."""
from __future__ import annotations

from dataclasses import replace

import pytest
from render_fixtures import sample_result

from grader.batch.collect.roster import Student
from grader.batch.gradebook import Entry
from grader.batch.lms import LmsError, lms_rows
from grader.collection import Collected


def entry(name: str, collected: Collected, spec: str = "s1", graded_at: str = "2026-12-02T10:00:00+00:00") -> Entry:
    return Entry(name, name, "git", "", "h", "v1", spec, "graded", "", (), "", graded_at, replace(sample_result(), submission=name), collected)


LATE = Collected("hw1", "s1", "alice@example.com", penalty_fraction=0.2)
NOBODY = Collected("hw1")


def test_canvas_rows_are_the_final_scores_under_a_points_possible_row():
    roster = {"hw1-alice": Student("hw1-alice", "s1", "alice@example.com", name="Alice, Liddell", section="A1")}

    rows, warnings = lms_rows("canvas", [entry("hw1-alice", LATE), entry("hw1-nobody", NOBODY)], roster=roster)

    assert rows == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "hw1"], ["    Points Possible", "", "", "", "", "50"],
                    ["Alice, Liddell", "", "s1", "", "A1", "10"]]  # 12.5 less 20%
    assert warnings == ["hw1-nobody: no student id (not in the roster when graded); left out"]


def test_moodle_rows_are_keyed_by_email_and_the_column_can_be_named():
    rows, _ = lms_rows("moodle", [entry("hw1-alice", LATE)], column="Homework 1 (conv)")

    assert rows == [["Email address", "ID number", "Homework 1 (conv)"], ["alice@example.com", "s1", "10"]]


def test_stale_rows_stop_an_lms_export_unless_allowed():
    entries = [entry("hw1-alice", LATE, spec="old", graded_at="2026-12-01T00:00:00+00:00"), entry("hw1-bob", replace(LATE, student="s2"))]

    with pytest.raises(LmsError, match="hw1-alice.*--allow-stale"):
        lms_rows("canvas", entries)
    rows, warnings = lms_rows("canvas", entries, allow_stale=True)
    assert len(rows) == 4 and "1 stale row" in warnings[-1]


def test_rows_of_several_assignments_need_a_column_name():
    with pytest.raises(LmsError, match="--lms-column"):
        lms_rows("moodle", [entry("a", LATE), entry("b", replace(LATE, assignment="hw2"))])
