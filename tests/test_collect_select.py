"""The commit graded: the last pushed by the due date, by the forge's push log, not by commit dates."""
from __future__ import annotations

from pathlib import Path

from batch_fixtures import BUGGY_SHAPES, VECTORIZED, commit_all, git
from collect_fixtures import github_log, gitlab_log

from grader.batch.collect.pushes import parse_push_log
from grader.batch.inputs.bounded import read_bounded_input
from grader.batch.inputs.read import read_submission
from grader.batch.inputs.read_options import ReadOptions

DUE, LATE_UNTIL = "2026-12-01T23:59:00+00:00", "2026-12-04T23:59:00+00:00"
GOOD = (VECTORIZED / "assignments" / "shapes.py").read_bytes()


def backdated_repo(dest: Path) -> tuple[Path, str, str]:
    """A buggy commit pushed on time, then a fix committed with a date before it but pushed late."""
    (dest / "assignments").mkdir(parents=True)
    (dest / "assignments" / "shapes.py").write_text(BUGGY_SHAPES)
    git(dest, "init", "-q", "-b", "main")
    on_time = commit_all(dest, "first try", "2026-11-30T12:00:00+00:00")
    (dest / "assignments" / "shapes.py").write_bytes(GOOD)
    late = commit_all(dest, "fix, backdated", "2026-11-29T12:00:00+00:00")
    return dest, on_time, late


def asked(log: str, due: str = DUE) -> ReadOptions:
    return ReadOptions(due, LATE_UNTIL, parse_push_log(log, "log.json"))


def test_a_backdated_commit_pushed_late_is_not_graded_when_the_push_log_is_known(tmp_path: Path):
    repo, on_time, late = backdated_repo(tmp_path / "hw1-alice")
    log = github_log((on_time, "2026-12-01T20:00:00Z"), (late, "2026-12-02T09:00:00Z"))

    by_date = read_submission(repo, ReadOptions(DUE, LATE_UNTIL))
    by_push = read_submission(repo, asked(log))

    assert by_date.revision == late  # what commit dates alone would grade: the student's claim
    assert by_push.revision == on_time and by_push.files["assignments/shapes.py"] == BUGGY_SHAPES.encode()
    assert (by_push.submitted_at, by_push.timed_by) == ("2026-12-01T20:00:00+00:00", "push")
    assert any("pushed 2026-12-01T20:00:00+00:00" in n and "1 later push not graded" in n for n in by_push.notes)


def test_without_an_on_time_push_the_late_push_is_graded_with_its_push_time(tmp_path: Path):
    repo, _, late = backdated_repo(tmp_path / "hw1-bob")

    sub = read_bounded_input(repo, asked(gitlab_log((late, "2026-12-02T09:00:00Z"))))

    assert sub.revision == late and sub.submitted_at == "2026-12-02T09:00:00+00:00" and sub.timed_by == "push"


def test_a_pushed_commit_missing_from_the_clone_is_a_problem_that_says_how_to_fix_it(tmp_path: Path):
    repo, on_time, _ = backdated_repo(tmp_path / "hw1-carol")
    lost = "d" * 40  # force-pushed away before the clone was made

    sub = read_submission(repo, asked(github_log((on_time, "2026-11-30T13:00:00Z"), (lost, "2026-12-01T22:00:00Z"))))

    assert sub.files == {} and f"commit {lost[:12]} was pushed to refs/heads/main" in sub.problem
    assert f"git fetch origin {lost}" in sub.problem


def test_pushes_to_another_branch_than_the_one_head_names_are_not_graded(tmp_path: Path):
    repo, on_time, _ = backdated_repo(tmp_path / "hw1-dave")

    sub = read_submission(repo, asked(github_log((on_time, "2026-11-30T13:00:00Z"), ref="refs/heads/scratch")))

    assert sub.files == {} and "no push to refs/heads/main" in sub.problem


def test_by_commit_date_the_late_period_grades_the_last_late_commit(tmp_path: Path):
    (tmp_path / "r" / "assignments").mkdir(parents=True)
    repo = tmp_path / "r"
    (repo / "assignments" / "shapes.py").write_bytes(GOOD)
    git(repo, "init", "-q")
    late = commit_all(repo, "late", "2026-12-02T12:00:00+00:00")

    sub = read_submission(repo, ReadOptions(DUE, LATE_UNTIL))
    strict = read_submission(repo, ReadOptions(DUE, DUE))

    assert sub.revision == late and sub.timed_by == "commit date" and sub.submitted_at == "2026-12-02T12:00:00+00:00"
    assert strict.files == {} and "no commit before the deadline" in strict.problem
