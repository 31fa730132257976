"""Hostile inputs: git config that names commands, .git that leads elsewhere, tree bombs, and
inputs that used to stop a whole batch (issue 7, findings 1, 2, 5, 6 and 8, and their siblings)."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from batch_fixtures import FAST, REPO, SHAPES_MAX, VECTORIZED, classroom_repo, commit_all, git, good, hanging, zipped
from click.testing import CliRunner
from hostile_inputs import GIT_MECHANISMS, armed_repo, corrupt_zip, raises_surrogate, tree_bomb, wide_tree, with_fifo

from grader.commands import main
from grader.options import GradeOptions
from grader.batch.inputs.git import parse_deadline
from grader.batch.gradebook import Gradebook
from grader.batch.inputs.read import read_submission
from grader.batch.inputs.submission import MAX_ENTRIES, Submission
from grader.batch.isolation import Job, run
from grader.batch.inputs.bounded import read_bounded_input

TOL = 1e-9
SHAPES = (VECTORIZED / "assignments" / "shapes.py").read_bytes()
DEADLINE = parse_deadline("2026-12-01T23:59:00+00:00")
# What no submission-derived string may carry to a terminal, Markdown, XML or SQLite.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# Finding 1: git configuration from the submission never runs.

def test_a_planted_filter_runs_under_plain_git_so_the_marker_tests_are_live(tmp_path: Path):
    marker = tmp_path / "ran"
    repo, _ = armed_repo(tmp_path / "repo", "filter.smudge", marker)

    subprocess.run(["git", "-c", "safe.directory=*", "-C", str(repo), "archive", "HEAD"], capture_output=True, check=False)

    assert marker.exists()


@pytest.mark.parametrize("mechanism", sorted(GIT_MECHANISMS))
@pytest.mark.parametrize("deadline", [None, DEADLINE], ids=["head", "deadline"])
def test_no_command_from_the_repository_config_runs_and_head_is_graded(tmp_path: Path, mechanism: str, deadline: str | None):
    marker = tmp_path / "ran"
    repo, head = armed_repo(tmp_path / "repo", mechanism, marker)

    sub = read_submission(repo, deadline)

    assert not marker.exists(), f"{mechanism} ran a command of the repository's"
    assert not sub.problem and sub.revision == head
    assert sub.files == {"assignments/shapes.py": SHAPES}


def test_the_bounded_reader_runs_no_repository_command_either(tmp_path: Path):
    marker = tmp_path / "ran"
    repo, head = armed_repo(tmp_path / "repo", "filter.smudge", marker)

    sub = read_bounded_input(repo, None)

    assert not marker.exists() and sub.revision == head and sub.files == {"assignments/shapes.py": SHAPES}


# Finding 2: a .git that leads to another repository is refused.

@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """Someone else's repository on the grading machine, with a full-marks solution committed."""
    return classroom_repo(tmp_path / "victim")[0]


def _attacker(tmp_path: Path) -> Path:
    repo = tmp_path / "attacker"
    (repo / "assignments").mkdir(parents=True)
    return repo


def _assert_refused(sub: Submission, why: str) -> None:
    assert sub.files == {} and sub.problem, "the submission was graded"
    assert why in sub.problem, sub.problem


def test_a_git_file_pointing_at_another_repository_is_refused(tmp_path: Path, victim: Path):
    repo = _attacker(tmp_path)
    (repo / ".git").write_text(f"gitdir: {victim / '.git'}\n")

    _assert_refused(read_submission(repo), ".git is a file")


def test_a_git_symlink_to_another_repository_is_refused(tmp_path: Path, victim: Path):
    repo = _attacker(tmp_path)
    (repo / ".git").symlink_to(victim / ".git")

    _assert_refused(read_submission(repo), ".git is a symbolic link")


@pytest.mark.parametrize("name, why", [("objects/info/alternates", "alternates"), ("commondir", "worktree")])
def test_alternates_and_commondir_are_refused(tmp_path: Path, victim: Path, name: str, why: str):
    repo = good(tmp_path / "repo")
    git(repo, "init", "-q")
    commit_all(repo, "mine", "2026-11-30T12:00:00+00:00")
    (repo / ".git" / name).write_text(f"{victim / '.git' / 'objects'}\n")

    _assert_refused(read_submission(repo), why)


@pytest.mark.parametrize("inside", ["objects", "refs/heads/main", "packed-refs", "HEAD"])
def test_a_symlink_inside_git_that_leads_outside_is_refused(tmp_path: Path, victim: Path, inside: str):
    repo = good(tmp_path / "repo")
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "mine", "2026-11-30T12:00:00+00:00")
    target = repo / ".git" / inside
    if target.is_dir():
        os.rename(target, tmp_path / "moved")
    else:
        target.unlink(missing_ok=True)
    target.symlink_to(victim / ".git" / inside)

    _assert_refused(read_submission(repo), "leads outside the submission")


def test_a_fifo_inside_git_is_refused_without_waiting_on_it(tmp_path: Path):
    repo = good(tmp_path / "repo")
    git(repo, "init", "-q")
    commit_all(repo, "mine", "2026-11-30T12:00:00+00:00")
    os.mkfifo(repo / ".git" / "packed-refs")

    start = time.monotonic()
    sub = read_submission(repo)

    assert time.monotonic() - start < 5.0
    _assert_refused(sub, "not a regular file")


def test_a_loop_of_symbolic_refs_is_no_commit_to_grade(tmp_path: Path):
    repo = good(tmp_path / "repo")
    git(repo, "init", "-q")
    commit_all(repo, "mine", "2026-11-30T12:00:00+00:00")
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/a\n")
    (repo / ".git" / "refs" / "heads" / "a").write_text("ref: refs/heads/b\n")
    (repo / ".git" / "refs" / "heads" / "b").write_text("ref: refs/heads/a\n")

    _assert_refused(read_submission(repo), "no commit to grade")


def test_a_ref_that_names_a_path_outside_refs_is_refused(tmp_path: Path, victim: Path):
    repo = good(tmp_path / "repo")
    git(repo, "init", "-q")
    commit_all(repo, "mine", "2026-11-30T12:00:00+00:00")
    (repo / ".git" / "HEAD").write_text(f"ref: refs/../../../{victim.name}/.git/refs/heads/master\n")

    _assert_refused(read_submission(repo), "invalid ref")


def test_a_commit_in_packed_refs_is_found(tmp_path: Path):
    repo, _, after = classroom_repo(tmp_path / "packed")
    git(repo, "pack-refs", "--all")
    git(repo, "gc", "-q")

    sub = read_submission(repo)

    assert sub.revision == after and sub.files == {"assignments/shapes.py": SHAPES}


# Finding 6: a tree bomb costs only its first levels, in a bounded child.

def test_a_tree_bomb_is_read_in_seconds_and_the_real_module_graded(tmp_path: Path):
    repo, commit = tree_bomb(tmp_path / "bomb")

    start = time.monotonic()
    sub = read_bounded_input(repo, None)

    assert time.monotonic() - start < 5.0
    assert sub.revision == commit and sub.files["assignments/shapes.py"] == SHAPES
    assert len(sub.files) <= 200 and not sub.problem


def test_reading_a_tree_bomb_stays_small_in_memory(tmp_path: Path):
    repo, _ = tree_bomb(tmp_path / "bomb")
    # The batch's side as VmHWM (ru_maxrss survives exec, so it would count pytest's own memory).
    probe = ("import re, resource; from grader.batch.inputs.bounded import read_bounded_input; "
             f"read_bounded_input({str(repo)!r}, None); "
             "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
             "print(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")

    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60, check=True)

    parent_kb, children_kb = map(int, out.stdout.split())
    assert parent_kb < 100_000 and children_kb < 200_000, out.stdout


def test_a_tree_with_too_many_entries_is_refused(tmp_path: Path):
    sub = read_bounded_input(wide_tree(tmp_path / "wide", MAX_ENTRIES + 10), None)

    assert sub.files == {} and f"more than {MAX_ENTRIES} entries" in sub.problem


def test_a_large_blob_is_left_out_unread(tmp_path: Path):
    repo = good(tmp_path / "big")
    (repo / "assignments" / "big.py").write_text("#" * (3 << 20))
    git(repo, "init", "-q")
    commit_all(repo, "big", "2026-11-30T12:00:00+00:00")

    sub = read_submission(repo)

    assert sorted(sub.files) == ["assignments/shapes.py"] and any("big.py: too large" in n for n in sub.notes)


# Finding 5 and siblings: one input never stops the batch.

def test_a_fifo_in_a_folder_is_left_out_without_waiting_on_it(tmp_path: Path):
    start = time.monotonic()
    sub = read_submission(with_fifo(tmp_path / "fifo"))

    assert time.monotonic() - start < 5.0
    assert sorted(sub.files) == ["assignments/shapes.py"]
    assert any("pooling.py: not a regular file" in n for n in sub.notes)


def test_a_corrupt_deflate_stream_is_a_problem_for_that_archive_only(tmp_path: Path):
    sub = read_submission(corrupt_zip(good(tmp_path / "src"), tmp_path / "broken.zip"))

    assert sub.name == "broken" and sub.files == {} and "could not be read" in sub.problem


def test_zip_members_that_are_fifos_or_devices_by_mode_bits_are_left_out(tmp_path: Path):
    archive = tmp_path / "special.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("assignments/shapes.py", SHAPES)
        for name, kind in (("fifo", 0o010000), ("chardev", 0o020000), ("blockdev", 0o060000)):
            info = zipfile.ZipInfo(f"assignments/{name}.py")
            info.create_system = 3
            info.external_attr = (kind | 0o644) << 16
            z.writestr(info, "x = 1\n")

    sub = read_submission(archive)

    assert sorted(sub.files) == ["assignments/shapes.py"]
    assert sum("not a regular file" in n for n in sub.notes) == 3


def test_a_zip_member_whose_header_understates_its_size_is_not_read_past_its_bound(tmp_path: Path):
    archive = tmp_path / "liar.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("assignments/shapes.py", SHAPES)
        z.writestr("assignments/bomb.py", "#" * (4 << 20))
    data = archive.read_bytes()
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("assignments/bomb.py")
    # Rewrite the stated uncompressed size (local header and central directory) to 10 bytes.
    real = info.file_size.to_bytes(4, "little")
    archive.write_bytes(data.replace(real, (10).to_bytes(4, "little")))

    sub = read_submission(archive)

    assert len(sub.files.get("assignments/bomb.py", b"")) <= 10 or sub.problem


def test_a_stalled_read_is_stopped_at_its_limit_and_leaves_nothing(tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()

    sub = read_bounded_input(good(tmp_path / "slow"), None, seconds=0.001, work_dir=work)

    assert sub.files == {} and "took longer than" in sub.problem
    assert list(work.iterdir()) == []


def test_submission_text_is_cleaned_in_one_place():
    sub = Submission("a\x1bb", "/x/\x1b[2Kevil\u202e.zip", "zip", {}, "h", "r\x07", "bad \udc80\x1b[31m red\x00",
                     ("left out \x1b[1A\x1b[2K\x1b[31mFORGED\x07\u202e.py", "\x9b31m"))

    for text in (sub.name, sub.source, sub.revision, sub.problem, *sub.notes):
        assert not UNSAFE.search(text), repr(text)
    assert "FORGED" in sub.notes[0] and "\ufffd" in sub.problem


def test_archive_member_names_with_escapes_never_reach_a_note_raw(tmp_path: Path):
    archive = tmp_path / "esc.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("assignments/shapes.py", SHAPES)
        z.writestr("assignments/\x1b[2K\x1b[31mFAKE\x07\u202e.py", "x = 1\n")
        z.writestr("assignments/a/b/c/\x1b]0;title\x07deep.py", "x = 1\n")

    sub = read_submission(archive)

    assert sorted(sub.files) == ["assignments/shapes.py"]
    assert len(sub.notes) == 2 and not any(UNSAFE.search(n) for n in sub.notes)


def test_the_gradebook_stores_any_string_a_submission_produces(tmp_path: Path):
    from test_gradebook import entry

    dirty = replace(entry(), error="boom \udc80\x00", notes=("a \udcff note",))
    dirty = replace(dirty, result=replace(dirty.result, stdout="out \ud800\x00"))
    with Gradebook(tmp_path / "g.sqlite") as book:
        stored = book.record(dirty)
        back = book.entry("alice")

    assert back is not None and back == stored
    assert back.error == "boom \ufffd" and back.notes == ("a \ufffd note",) and back.result.stdout == "out \ufffd"


def test_a_timed_out_submission_leaves_no_staged_copy(tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    sub = read_submission(hanging(tmp_path / "spin"))
    options = GradeOptions(visibility=("public",), timing=False, examples_scale=0.2, sandbox="process", work_dir=work)

    outcome = run(Job(sub.name, sub.files, ("shapes",), options, 2.0))

    assert outcome.timed_out
    assert [p.name for p in work.iterdir() if p.name.startswith("gradelab-")] == []


def _rows(out: Path) -> dict[str, dict]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        db.row_factory = sqlite3.Row
        return {r["name"]: dict(r) for r in db.execute("SELECT * FROM submissions")}


def test_one_innocent_and_every_batch_stopper_graded_twice_in_one_out_folder(tmp_path: Path):
    """The acceptance test of finding 5: the innocent gets full marks both times, each stopper a row."""
    inputs = tmp_path / "class"
    innocent = good(inputs / "innocent")
    stoppers = [
        raises_surrogate(inputs / "surrogate"),
        corrupt_zip(good(tmp_path / "src-corrupt"), inputs / "corrupt.zip"),
        zipped(good(tmp_path / "src-collide"), inputs / "gradebook.sqlite.zip"),
        with_fifo(inputs / "fifo"),
    ]
    (inputs / "README.md").write_text("not a submission\n")
    out = tmp_path / "out"
    args = ["grade", *FAST, "--timeout", "20", "--jobs", "2", str(innocent), *map(str, stoppers), str(inputs / "README.md"),
            "--out", str(out)]

    for attempt in range(2):
        result = CliRunner().invoke(main, args, catch_exceptions=False)

        assert result.exit_code == 0, result.output
        unwrapped = result.output.replace("\n", "")  # a long temporary path wraps anywhere at 80 columns
        assert "skipped" in unwrapped and "README.md" in unwrapped
        rows = _rows(out)
        assert set(rows) == {"innocent", "surrogate", "corrupt", "_gradebook.sqlite", "fifo"}, attempt
        assert rows["innocent"]["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
        assert rows["surrogate"]["status"] == "graded" and rows["surrogate"]["score"] == pytest.approx(0.0, abs=TOL)
        assert "could not be read" in rows["corrupt"]["error"] and rows["corrupt"]["status"] == "empty"
        assert "one of the grader's own files" in rows["_gradebook.sqlite"]["notes"]
        assert rows["_gradebook.sqlite"]["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
        assert "pooling.py: not a regular file" in rows["fifo"]["notes"]
        assert rows["fifo"]["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        messages = [m for (m,) in db.execute("SELECT message FROM checks WHERE submission = 'surrogate'")]
    assert any("bad \ufffd text" in m for m in messages), messages  # the surrogate reached the row, replaced
    feedback = (out / "surrogate" / "feedback.md").read_text(encoding="utf-8")
    assert not UNSAFE.search(feedback.replace("\n", "").replace("\t", ""))
    assert json.loads((out / "_gradebook.sqlite" / "results.json").read_text())["score"] == pytest.approx(SHAPES_MAX, abs=TOL)
    assert (out / "gradebook.sqlite").is_file()


def test_names_that_differ_only_in_case_are_one_name(tmp_path: Path):
    from grader.batch.run import split_clashes

    a, b = read_submission(good(tmp_path / "x" / "Alice")), read_submission(good(tmp_path / "y" / "alice"))

    kept, clashes = split_clashes([a, b])

    assert kept == [] and len(clashes) == 1
