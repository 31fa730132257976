"""Collecting a class through the CLI: push logs, a roster with an extension, the late policy,
tamper flags, `gradebook review` and the LMS exports, all offline."""
from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from batch_fixtures import BUGGY_SHAPES, FAST, SHAPES_MAX, VECTORIZED, commit_all, git, good
from click.testing import CliRunner
from collect_fixtures import github_log, gitlab_log, make_release

from grader.commands import main

TOL = 1e-9
COURSE = """[assignments.hw1]
parts = ["shapes"]
due = 2026-12-01T23:59:00+00:00
late = { percent_per_day = 10, max_days = 3 }
"""
ROSTER = """repository,student_id,email,extension,name,section
hw1-alice,s1,alice@example.com,,"Liddell, Alice",A
hw1-bob,s2,bob@example.com,2026-12-03T23:59:00+00:00,Bob,A
https://github.com/course/hw1-carol,s3,carol@example.com,,Carol,B
"""
GOOD = (VECTORIZED / "assignments" / "shapes.py").read_text()


def cli(*args: str | Path, code: int = 0) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def student_repo(dest: Path, releases: Path) -> str:
    """A clone of the release, as the student's repository starts: returns the release commit."""
    make_release(dest, releases)
    git(dest, "init", "-q", "-b", "main")
    return commit_all(dest, "release", "2026-11-01T00:00:00+00:00")


def rows(out: Path) -> dict[str, dict]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        db.row_factory = sqlite3.Row
        return {r["name"]: dict(r) for r in db.execute("SELECT * FROM submissions")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """alice: a buggy commit pushed on time with a tampered grader/ file, then a fix pushed late;
    bob: buggy, pushed after the class due date but within his roster extension; carol: the fix,
    pushed an hour late. The class folder also holds the roster, the push logs and a README."""
    root = tmp_path_factory.mktemp("class")
    (root / "course.toml").write_text(COURSE)
    releases = root / "releases"  # the default beside the course file
    klass, pushes = root / "class", root / "class" / "pushes"
    pushes.mkdir(parents=True)
    (klass / "roster.csv").write_text(ROSTER)
    (klass / "README.md").write_text("hw1 clones\n")
    shas: dict[str, str] = {}

    alice = klass / "hw1-alice"
    shas["alice-release"] = student_repo(alice, releases)
    (alice / "assignments" / "shapes.py").write_text(BUGGY_SHAPES)
    (alice / "grader" / "check.py").write_text("PUBLIC_ONLY = False  # tampered\n")
    shas["alice-on-time"] = commit_all(alice, "try", "2026-12-01T19:00:00+00:00")
    (alice / "assignments" / "shapes.py").write_text(GOOD)
    shas["alice-late"] = commit_all(alice, "fix", "2026-11-30T09:00:00+00:00")  # backdated; pushed late
    (pushes / "hw1-alice.json").write_text(github_log((shas["alice-release"], "2026-11-01T00:05:00Z"),
                                                      (shas["alice-on-time"], "2026-12-01T20:00:00Z"),
                                                      (shas["alice-late"], "2026-12-02T09:00:00Z")))
    bob = klass / "hw1-bob"
    student_repo(bob, releases)
    (bob / "assignments" / "shapes.py").write_text(BUGGY_SHAPES)
    shas["bob"] = commit_all(bob, "try", "2026-12-02T10:00:00+00:00")
    (pushes / "hw1-bob.json").write_text(gitlab_log((shas["bob"], "2026-12-02T10:00:00Z")))
    carol = klass / "hw1-carol"
    student_repo(carol, releases)
    (carol / "assignments" / "shapes.py").write_text(GOOD)
    shas["carol"] = commit_all(carol, "done", "2026-12-01T12:00:00+00:00")  # committed on time, pushed late
    (pushes / "hw1-carol.json").write_text(github_log((shas["carol"], "2026-12-02T01:00:00Z")))

    out = root / "out"
    command = ["grade", *FAST, "--timeout", "20", *sorted(klass.iterdir()), "--out", out, "--course", root / "course.toml",
               "--assignment", "hw1", "--roster", klass / "roster.csv", "--pushes", pushes]
    output = cli(*command)
    return {"root": root, "out": out, "shas": shas, "output": output, "command": command}


def test_the_last_push_by_the_due_date_is_graded_not_the_late_or_backdated_one(graded: dict):
    r = rows(graded["out"])

    assert r["hw1-alice"]["revision"] == graded["shas"]["alice-on-time"]
    assert r["hw1-alice"]["submitted_at"] == "2026-12-01T20:00:00+00:00" and r["hw1-alice"]["timed_by"] == "push"
    assert r["hw1-alice"]["penalty"] == pytest.approx(0.0, abs=TOL)
    assert r["hw1-carol"]["revision"] == graded["shas"]["carol"]


def test_a_tampered_grader_file_is_flagged_and_the_score_is_the_same_as_without_it(graded: dict):
    r = rows(graded["out"])
    flags = json.loads(r["hw1-alice"]["flags"])

    assert [f["kind"] for f in flags] == ["changed"] and "grader/check.py" in flags[0]["text"]
    assert 0 < r["hw1-alice"]["score"] < SHAPES_MAX
    assert r["hw1-alice"]["score"] == pytest.approx(r["hw1-bob"]["score"], abs=TOL)  # the same code, untampered
    assert json.loads(r["hw1-bob"]["flags"]) == []


def test_the_late_push_costs_the_policys_penalty_and_the_row_keeps_all_three_scores(graded: dict):
    carol = rows(graded["out"])["hw1-carol"]

    assert carol["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    assert carol["late_seconds"] == pytest.approx(3600 + 60, abs=TOL)  # 01:00 the day after 23:59
    assert carol["penalty"] == pytest.approx(0.1 * SHAPES_MAX, abs=TOL)
    assert carol["final_score"] == pytest.approx(0.9 * SHAPES_MAX, abs=TOL)
    assert [f["kind"] for f in json.loads(carol["flags"])] == ["late"]


def test_a_roster_extension_makes_a_push_after_the_class_due_date_on_time(graded: dict):
    bob = rows(graded["out"])["hw1-bob"]

    assert (bob["due"], bob["due_source"]) == ("2026-12-03T23:59:00+00:00", "extension (roster)")
    assert bob["late_seconds"] == pytest.approx(0.0, abs=TOL) and bob["student"] == "s2"


def test_the_class_folders_roster_push_logs_and_readme_are_skipped_with_a_warning(graded: dict):
    text = " ".join(graded["output"].split())

    assert "roster.csv: it is the --roster given" in text and "pushes: it is the --pushes given" in text
    assert "README.md is not a folder, a .zip archive or a git repository" in text
    assert set(rows(graded["out"])) == {"hw1-alice", "hw1-bob", "hw1-carol"}


def test_grades_csv_has_the_raw_score_penalty_final_score_and_flags(graded: dict):
    with open(graded["out"] / "grades.csv", newline="") as f:
        table = {r["submission"]: r for r in csv.DictReader(f)}

    assert float(table["hw1-carol"]["total"]) == pytest.approx(SHAPES_MAX, abs=TOL)
    assert float(table["hw1-carol"]["penalty"]) == pytest.approx(1.0, abs=TOL)
    assert float(table["hw1-carol"]["final"]) == pytest.approx(9.0, abs=TOL)
    assert table["hw1-carol"]["late"] == "1 h 1 min" and table["hw1-carol"]["flags"].startswith("late: ")
    assert table["hw1-alice"]["flags"].startswith("changed: ") and "grader/check.py" in table["hw1-alice"]["flags"]
    assert table["hw1-bob"]["flags"] == "" and table["hw1-bob"]["due"] == "2026-12-03T23:59:00+00:00"
    assert {r["stale"] for r in table.values()} == {""}


def test_feedback_and_results_json_show_the_penalty_and_final_score(graded: dict):
    out = graded["out"]
    carol = (out / "hw1-carol" / "feedback.md").read_text()
    alice = (out / "hw1-alice" / "feedback.md").read_text()

    assert "**Total: 10 / 10**" in carol and "Late penalty 1 (1 h 1 min after the due date" in carol and "**final score: 9 / 10**" in carol
    assert "## Flags for your instructor" in alice and "grader/check.py" in alice
    assert json.loads((out / "hw1-carol" / "results.json").read_text())["score"] == pytest.approx(9.0, abs=TOL)


def test_review_lists_the_flagged_submissions_only(graded: dict):
    text = cli("gradebook", "review", "--gradebook", graded["out"])

    assert "hw1-alice (s1, alice@example.com)" in text and "hw1-carol (s3, carol@example.com)" in text
    assert "hw1-bob" not in text and "2 of 3 submissions flagged" in text
    assert "final 9 / 10" in text


def test_canvas_and_moodle_files_carry_the_final_scores(graded: dict, tmp_path: Path):
    cli("gradebook", "export", "--gradebook", graded["out"], "--lms", "canvas", "--csv", tmp_path / "canvas.csv",
        "--roster", graded["root"] / "class" / "roster.csv")
    cli("gradebook", "export", "--gradebook", graded["out"], "--lms", "moodle", "--csv", tmp_path / "moodle.csv")
    with open(tmp_path / "canvas.csv", newline="") as f:
        canvas = list(csv.reader(f))
    with open(tmp_path / "moodle.csv", newline="") as f:
        moodle = list(csv.reader(f))
    raw = {n: r["score"] for n, r in rows(graded["out"]).items()}

    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "hw1"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", "10"]
    assert canvas[2][:5] == ["Liddell, Alice", "", "s1", "", "A"] and float(canvas[2][5]) == pytest.approx(raw["hw1-alice"], abs=1e-4)
    assert canvas[4] == ["Carol", "", "s3", "", "B", "9"]
    assert moodle[0] == ["Email address", "ID number", "hw1"] and moodle[3] == ["carol@example.com", "s3", "9"]


def test_a_rerun_of_the_class_command_keeps_the_extension_and_grades_nothing(graded: dict):
    output = cli(*graded["command"])

    assert "graded 0" in output and "unchanged 3" in output and "due date changed" not in output
    assert rows(graded["out"])["hw1-bob"]["due_source"] == "extension (roster)"


def test_an_extension_added_to_the_roster_later_lifts_the_penalty_without_a_regrade(graded: dict, tmp_path: Path):
    """Last in this module: it changes carol's row."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.replace("hw1-carol,s3,carol@example.com,,", "hw1-carol,s3,carol@example.com,2026-12-02T12:00:00+00:00,"))
    before = rows(graded["out"])["hw1-carol"]
    command = [str(a) for a in graded["command"]]
    command[command.index("--roster") + 1] = str(roster)

    output = " ".join(cli(*command).split())

    after = rows(graded["out"])["hw1-carol"]
    assert "graded 0" in output and "hw1-carol: due date changed from 2026-12-01T23:59:00+00:00 to 2026-12-02T12:00:00+00:00" in output
    assert after["graded_at"] == before["graded_at"] and after["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    assert after["penalty"] == pytest.approx(0.0, abs=TOL) and after["final_score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    assert json.loads(after["flags"]) == [] and after["due_source"] == "extension (roster)"
    with open(graded["out"] / "grades.csv", newline="") as f:
        assert float({r["submission"]: r for r in csv.DictReader(f)}["hw1-carol"]["final"]) == pytest.approx(SHAPES_MAX, abs=TOL)


def test_a_deadline_given_for_one_student_then_the_class_command_warns_of_the_change(tmp_path: Path):
    repo = good(tmp_path / "hw1-erin")
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "done", "2026-11-30T12:00:00+00:00")
    out = tmp_path / "out"
    (tmp_path / "course.toml").write_text(COURSE)
    common = ["grade", *FAST, "--timeout", "20", repo, "--out", out, "--course", tmp_path / "course.toml"]

    cli(*common, "--deadline", "2026-12-05T23:59:00+00:00")
    first = rows(out)["hw1-erin"]
    output = " ".join(cli(*common).split())

    assert first["due"] == "2026-12-05T23:59:00+00:00" and first["due_source"] == "--deadline"
    assert "hw1-erin: due date changed from 2026-12-05T23:59:00+00:00 to 2026-12-01T23:59:00+00:00" in output
    assert "no push log" in output  # graded by commit dates, and told so
    assert rows(out)["hw1-erin"]["due"] == "2026-12-01T23:59:00+00:00"


def test_changed_settings_for_one_student_mark_the_other_rows_stale_in_every_export(tmp_path: Path):
    a, b = good(tmp_path / "a"), good(tmp_path / "b")
    out = tmp_path / "out"
    cli("grade", *FAST, "--timeout", "20", a, b, "--out", out)

    output = " ".join(cli("grade", *FAST, "--timeout", "20", b, "--out", out, "--hidden-seed", "8").split())
    cli("gradebook", "export", "--gradebook", out, "--json", tmp_path / "g.json", "--csv", tmp_path / "g.csv")
    refused = CliRunner().invoke(main, ["gradebook", "export", "--gradebook", str(out), "--lms", "moodle", "--csv", str(tmp_path / "m.csv")])

    assert "1 row(s) were graded under another grader version or other settings" in output
    with open(tmp_path / "g.csv", newline="") as f:
        assert {r["submission"]: r["stale"] for r in csv.DictReader(f)} == {"a": "stale", "b": ""}
    assert {s["submission"]: s["stale"] for s in json.loads((tmp_path / "g.json").read_text())["submissions"]} == {"a": True, "b": False}
    assert "under another grader version or other settings" in (out / "a" / "feedback.md").read_text()
    assert refused.exit_code != 0 and "--allow-stale" in refused.output
