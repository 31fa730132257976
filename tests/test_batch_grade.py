"""`cli.py grade` over a batch: every input form, parallel slots, the gradebook, resume, exports."""
from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_fixtures import FAST, REPO, SHAPES_MAX, buggy, classroom_repo, good, hanging, zipped
from click.testing import CliRunner

from grader.commands import main
from grader.batch.gradebook import Gradebook
from grader.hidden import MESSAGES as HIDDEN_MESSAGES

TOL = 1e-9
LIMIT = ["--timeout", "8"]  # two workers per submission (public, then hidden) on a loaded 2-core runner


def grade(*args: str | Path) -> str:
    result = CliRunner().invoke(main, ["grade", *FAST, *LIMIT, *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def rows(out: Path) -> dict[str, dict]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        db.row_factory = sqlite3.Row
        return {r["name"]: dict(r) for r in db.execute("SELECT * FROM submissions")}


def csv_totals(path: Path) -> dict[str, float]:
    with open(path, newline="") as f:
        return {r["submission"]: float(r["total"]) for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One submission of each kind and outcome, and the first batch over all of them."""
    root = tmp_path_factory.mktemp("course")
    subs = {
        "alice": good(root / "alice"),
        "bob": zipped(buggy(root / "src-bob"), root / "bob.zip", prefix="bob/"),
        "hw3-carol": classroom_repo(root / "hw3-carol")[0],
        "dave": hanging(root / "dave"),
    }
    out = root / "out"
    grade(*subs.values(), "--out", out, "--jobs", "2", "--deadline", "2026-12-01T23:59:00+00:00")
    return {**subs, "out": out}


def test_each_input_form_is_graded_and_named_after_its_folder_archive_or_repository(course: dict[str, Path]):
    graded = rows(course["out"])

    assert set(graded) == {"alice", "bob", "hw3-carol", "dave"}
    assert {n: r["input_kind"] for n, r in graded.items()} == {"alice": "folder", "bob": "zip", "hw3-carol": "git", "dave": "folder"}
    assert graded["alice"]["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    assert 0 < graded["bob"]["score"] < SHAPES_MAX


def test_the_git_repository_is_graded_at_its_commit_before_the_deadline(course: dict[str, Path]):
    carol = rows(course["out"])["hw3-carol"]

    # The buggy first try, not the fixed commit pushed after the deadline.
    assert carol["score"] == pytest.approx(rows(course["out"])["bob"]["score"], abs=TOL)
    assert carol["revision"] and "before the deadline" in carol["notes"]


def test_a_hanging_submission_costs_only_its_own_slot(course: dict[str, Path]):
    dave = rows(course["out"])["dave"]

    assert dave["status"] == "timeout" and dave["score"] == pytest.approx(0.0, abs=TOL)
    assert dave["max_score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    assert "did not finish within 8 s" in dave["error"]


def test_every_row_is_complete_with_its_checks(course: dict[str, Path]):
    with Gradebook(course["out"] / "gradebook.sqlite") as book:
        for entry in book.entries():
            assert book.check_counts()[entry.name] == len(entry.result.checks) > 0
            assert entry.grader_version and entry.spec and entry.content_hash and entry.graded_at


def test_files_are_rendered_for_each_submission_and_the_batch(course: dict[str, Path]):
    out = course["out"]

    assert csv_totals(out / "grades.csv") == pytest.approx(
        {n: r["score"] for n, r in rows(out).items()}, abs=TOL
    )
    for name in ("alice", "bob", "hw3-carol", "dave"):
        payload = json.loads((out / name / "results.json").read_text())
        assert payload["score"] == pytest.approx(rows(out)[name]["score"], abs=TOL)
        assert (out / name / "feedback.md").read_text().startswith(f"# Feedback: {name}")
    assert "<testsuites" in (out / "junit.xml").read_text()


def test_feedback_shows_public_failures_but_never_hidden_inputs(course: dict[str, Path]):
    text = (course["out"] / "bob" / "feedback.md").read_text()

    assert "conv2d\\_cost forward" in text and "Smallest failing input" in text
    assert "(hidden): ❌ failed" in text
    assert HIDDEN_MESSAGES["failed"] not in text  # the hidden message itself is left out


def test_a_rerun_grades_nothing_and_a_stale_results_file_is_not_trusted(course: dict[str, Path], tmp_path: Path):
    out = course["out"]
    before = {n: r["graded_at"] for n, r in rows(out).items()}
    (out / "alice" / "results.json").write_text('{"score": 999}')
    (out / "grades.csv").write_text("submission,total\nalice,999\n")

    output = grade(*(course[n] for n in ("alice", "bob", "hw3-carol", "dave")), "--out", out,
                   "--deadline", "2026-12-01T23:59:00+00:00")

    assert {n: r["graded_at"] for n, r in rows(out).items()} == before
    assert "graded 0" in output and "unchanged 4" in output
    assert json.loads((out / "alice" / "results.json").read_text())["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    assert csv_totals(out / "grades.csv")["alice"] == pytest.approx(SHAPES_MAX, abs=TOL)


def test_a_changed_submission_alone_is_graded_again(tmp_path: Path):
    a, b = good(tmp_path / "a"), good(tmp_path / "b")
    out = tmp_path / "out"
    grade(a, b, "--out", out)
    before = {n: r["graded_at"] for n, r in rows(out).items()}

    (b / "assignments" / "shapes.py").write_text((b / "assignments" / "shapes.py").read_text() + "\n# resubmitted\n")
    grade(a, b, "--out", out)

    after = {n: r["graded_at"] for n, r in rows(out).items()}
    assert after["a"] == before["a"] and after["b"] > before["b"]


def test_regrade_grades_everything_again(tmp_path: Path):
    a = good(tmp_path / "a")
    out = tmp_path / "out"
    grade(a, "--out", out)
    before = rows(out)["a"]["graded_at"]

    grade(a, "--out", out, "--regrade")

    assert rows(out)["a"]["graded_at"] > before
    assert len(rows(out)) == 1


def test_other_settings_are_another_spec_and_regrade(tmp_path: Path):
    a = good(tmp_path / "a")
    out = tmp_path / "out"
    grade(a, "--out", out)
    before = rows(out)["a"]

    grade(a, "--out", out, "--hidden-seed", "8")  # after FAST's seed 7: click keeps the last

    assert rows(out)["a"]["spec"] != before["spec"] and rows(out)["a"]["graded_at"] > before["graded_at"]


def test_export_writes_the_grade_table_as_csv_and_json(course: dict[str, Path], tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(main, ["gradebook", "export", "--gradebook", str(course["out"]),
                                  "--csv", str(tmp_path / "g.csv"), "--json", str(tmp_path / "g.json")])
    assert result.exit_code == 0, result.output

    totals = csv_totals(tmp_path / "g.csv")
    table = {s["submission"]: s for s in json.loads((tmp_path / "g.json").read_text())["submissions"]}
    assert set(totals) == set(table) == {"alice", "bob", "hw3-carol", "dave"}
    assert table["alice"]["total"] == pytest.approx(totals["alice"], abs=TOL) == pytest.approx(SHAPES_MAX, abs=TOL)
    assert table["dave"]["status"] == "timeout" and table["hw3-carol"]["revision"]
    assert all("message" not in c for c in table["bob"]["checks"])  # grades only, no feedback text


def test_show_prints_one_submissions_feedback(course: dict[str, Path]):
    runner = CliRunner()
    shown = runner.invoke(main, ["gradebook", "show", "--gradebook", str(course["out"]), "bob"])
    missing = runner.invoke(main, ["gradebook", "show", "--gradebook", str(course["out"]), "nobody"])
    markdown = runner.invoke(main, ["gradebook", "show", "--gradebook", str(course["out"]), "bob", "--markdown"])

    assert shown.exit_code == 0 and "conv2d_cost" in shown.output and "status: graded" in shown.output
    assert missing.exit_code != 0 and "not in the gradebook" in missing.output
    assert markdown.output == (course["out"] / "bob" / "feedback.md").read_text()


def test_two_inputs_with_one_name_are_not_graded_but_the_rest_are(tmp_path: Path):
    eve, other_eve = good(tmp_path / "x" / "eve"), zipped(good(tmp_path / "s"), tmp_path / "eve.zip")
    result = CliRunner().invoke(main, ["grade", str(eve), str(other_eve), str(good(tmp_path / "fay")),
                                       "--out", str(tmp_path / "out"), *FAST])

    assert result.exit_code == 1 and "share the gradebook name" in result.output
    with Gradebook(tmp_path / "out" / "gradebook.sqlite") as book:
        assert [e.name for e in book.entries()] == ["fay"]


def test_a_batch_killed_by_sigkill_resumes_without_losing_or_repeating_work(tmp_path: Path):
    names = [f"s{i:02d}" for i in range(6)]
    subs = [good(tmp_path / n) for n in names]
    out = tmp_path / "out"
    cmd = [sys.executable, str(REPO / "cli.py"), "grade", *map(str, subs), "--out", str(out), "--jobs", "1", *FAST, *LIMIT]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and done < 2:
            time.sleep(0.1)
            if (out / "gradebook.sqlite").exists():
                try:
                    done = len(rows(out))
                except sqlite3.OperationalError:  # the tables are being made
                    continue
        assert 2 <= done < len(names), f"{done} graded before the kill: the test needs a batch killed halfway"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = rows(out)

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=180)

    assert rerun.returncode == 0, rerun.stderr
    after = rows(out)
    assert set(after) == set(names)
    assert {n: after[n]["graded_at"] for n in before} == {n: r["graded_at"] for n, r in before.items()}
    assert f"graded {len(names) - len(before)}," in rerun.stderr
    with Gradebook(out / "gradebook.sqlite") as book:
        counts = book.check_counts()
        assert all(counts[e.name] == len(e.result.checks) > 0 for e in book.entries())
        assert all(e.result.score == pytest.approx(SHAPES_MAX, abs=TOL) for e in book.entries())


def test_ctrl_c_stops_the_children_and_says_how_to_go_on(tmp_path: Path):
    subs = [hanging(tmp_path / f"h{i}") for i in range(3)]
    out = tmp_path / "out"
    cmd = [sys.executable, str(REPO / "cli.py"), "grade", *map(str, subs), "--out", str(out), "--jobs", "2", *FAST,
           "--timeout", "120"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (out / "gradebook.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(3.0)  # the children are grading (hanging) by now

    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    start = time.monotonic()
    output, _ = proc.communicate(timeout=60)

    assert proc.returncode == 130, output
    assert time.monotonic() - start < 15.0  # not the 120 s limit: the children were stopped
    assert "run the same command to go on" in " ".join(output.split())  # rich wraps at 80 columns


def test_the_progress_bar_says_its_counts_in_words_and_leaves_zeros_out():
    from grader.commands.grade import progress_tally

    assert progress_tally(0, 0) == "none below full marks yet"
    assert progress_tally(3, 0) == "3 below full marks"
    assert progress_tally(0, 1) == "1 stopped (time limit or crash)"
    assert "0" not in progress_tally(2, 0) + progress_tally(0, 2)
