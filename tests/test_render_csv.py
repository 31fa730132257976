from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest
from render_fixtures import conv_part, pooling_part, rnn_part, sample_result

from grader.render import format_points
from grader.render.csv_table import write_grades_csv


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_one_row_per_submission_with_part_scores_total_and_max(tmp_path: Path):
    path = tmp_path / "grades.csv"

    write_grades_csv([sample_result("alice"), sample_result("bob")], path)

    assert _read(path) == [
        ["submission", "conv", "pooling", "rnn", "total", "max_total"],
        ["alice", "7.5", "5", "0", "12.5", "50"],
        ["bob", "7.5", "5", "0", "12.5", "50"],
    ]


def test_part_columns_are_the_union_in_first_seen_order(tmp_path: Path):
    only_rnn = replace(sample_result("alice"), parts=(rnn_part(),))
    conv_then_pooling = replace(sample_result("bob"), parts=(conv_part(), pooling_part()))
    path = tmp_path / "grades.csv"

    write_grades_csv([only_rnn, conv_then_pooling], path)

    rows = _read(path)
    assert rows[0] == ["submission", "rnn", "conv", "pooling", "total", "max_total"]
    assert rows[1] == ["alice", "0", "", "", "0", "20"]
    assert rows[2] == ["bob", "", "7.5", "5", "12.5", "30"]


@pytest.mark.parametrize(
    ("x", "text"),
    [(40.0, "40"), (12.5, "12.5"), (1 / 3, "0.3333"), (0.0, "0"), (-0.0, "0"), (2.00004, "2")],
)
def test_points_have_at_most_four_decimals_and_no_trailing_zeros(x: float, text: str):
    assert format_points(x) == text


@pytest.mark.parametrize("name", ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)"])
def test_formula_like_submission_names_get_a_leading_apostrophe(tmp_path: Path, name: str):
    path = tmp_path / "grades.csv"

    write_grades_csv([sample_result(name)], path)

    assert _read(path)[1][0] == "'" + name


def test_a_leading_tab_in_a_name_is_gone_before_the_csv_sees_it(tmp_path: Path):
    path = tmp_path / "grades.csv"

    write_grades_csv([sample_result("\tx")], path)

    assert _read(path)[1][0] == " x"


def test_ordinary_names_with_commas_and_quotes_round_trip(tmp_path: Path):
    name = 'doe, "jj" o\'neil'
    path = tmp_path / "grades.csv"

    write_grades_csv([sample_result(name)], path)

    assert _read(path)[1][0] == name


def test_write_replaces_the_old_file_and_leaves_no_temp_file(tmp_path: Path):
    path = tmp_path / "grades.csv"
    path.write_text("stale\n")

    write_grades_csv([sample_result()], path)

    assert _read(path)[1][0] == "alice"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]


def test_with_a_collection_the_penalty_final_score_flags_and_stale_mark_follow(tmp_path: Path):
    from grader.collection import Collected, Flag

    late = Collected(student="s1", email="a@x", due="2026-12-01T23:59:00+00:00", submitted_at="2026-12-03T00:00:00+00:00",
                     timed_by="push", late_seconds=86460.0, penalty_fraction=0.2, flags=(Flag("late", "1 d after the due date"),
                                                                                         Flag("changed", "=cmd|x")))
    path = tmp_path / "grades.csv"

    write_grades_csv([sample_result("alice"), sample_result("bob")], path, [late, Collected()], [False, True])

    rows = _read(path)
    assert rows[0][-9:] == ["penalty", "final", "flags", "stale", "student_id", "email", "due", "submitted", "late"]
    assert rows[1][4:] == ["12.5", "50", "2.5", "10", "late: 1 d after the due date; changed: =cmd|x", "", "s1", "a@x",
                           "2026-12-01T23:59:00+00:00", "2026-12-03T00:00:00+00:00 (push)", "1 d"]
    assert rows[2][4:] == ["12.5", "50", "0", "12.5", "", "stale", "", "", "", "", ""]
