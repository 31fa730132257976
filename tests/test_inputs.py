"""Reading submissions: folders, .zip archives (guarded) and git repositories at a deadline."""
from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from batch_fixtures import VECTORIZED, buggy, classroom_repo, commit_all, git, good, zipped

from grader.batch.run import split_clashes
from grader.batch.inputs.git import parse_deadline
from grader.batch.inputs.read import input_kind, read_submission
from grader.batch.inputs.submission import MAX_FILE_BYTES, InputError

DEADLINE = parse_deadline("2026-12-01T23:59:00+00:00")


def test_folder_keeps_only_the_package_python_files(tmp_path: Path):
    root = good(tmp_path / "alice")
    (root / "README.md").write_text("notes")
    (root / "assignments" / "__pycache__").mkdir()
    (root / "assignments" / "__pycache__" / "shapes.cpython-311.py").write_text("x = 1")
    (root / "assignments" / "data.npy").write_bytes(b"\0" * 10)

    sub = read_submission(root)

    assert sub.name == "alice" and sub.kind == "folder" and not sub.problem
    assert sorted(sub.files) == ["assignments/shapes.py"]


def test_folder_hash_changes_with_graded_code_only(tmp_path: Path):
    root = good(tmp_path / "alice")
    first = read_submission(root).content_hash
    (root / "notes.txt").write_text("not graded")
    assert read_submission(root).content_hash == first
    (root / "assignments" / "shapes.py").write_text("# edited\n")
    assert read_submission(root).content_hash != first


def test_top_level_module_files_are_a_submission_too(tmp_path: Path):
    root = tmp_path / "bob"
    root.mkdir()
    (root / "shapes.py").write_text((VECTORIZED / "assignments" / "shapes.py").read_text())

    assert sorted(read_submission(root).files) == ["shapes.py"]


def test_zip_is_named_after_the_archive_and_its_single_folder_is_stripped(tmp_path: Path):
    archive = zipped(good(tmp_path / "src"), tmp_path / "carol.zip", prefix="carol-hw3/")

    sub = read_submission(archive)

    assert (sub.name, sub.kind) == ("carol", "zip")
    assert sorted(sub.files) == ["assignments/shapes.py"]
    assert sub.content_hash == read_submission(tmp_path / "src").content_hash


def test_zip_members_that_escape_or_link_are_left_out(tmp_path: Path):
    archive = tmp_path / "mallory.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("assignments/shapes.py", "x = 1\n")
        z.writestr("../../evil.py", "boom")
        z.writestr("/abs/evil.py", "boom")
        link = zipfile.ZipInfo("assignments/link.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")

    sub = read_submission(archive)

    assert sorted(sub.files) == ["assignments/shapes.py"]
    assert any("leaves the archive" in n for n in sub.notes)
    assert any("symbolic link" in n for n in sub.notes)
    assert not (tmp_path.parent / "evil.py").exists()


def test_zip_member_larger_than_its_bound_is_left_out(tmp_path: Path):
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("assignments/shapes.py", "x = 1\n")
        z.writestr("assignments/huge.py", "#" * (MAX_FILE_BYTES + 10))  # deflates to a few KB

    sub = read_submission(archive)

    assert "assignments/huge.py" not in sub.files
    assert any("huge.py: too large" in n for n in sub.notes)


def test_corrupt_zip_is_graded_as_empty_with_why(tmp_path: Path):
    archive = tmp_path / "dave.zip"
    archive.write_bytes(b"PK\x03\x04 not really a zip")

    sub = read_submission(archive)

    assert sub.name == "dave" and sub.files == {} and "not a readable zip" in sub.problem


def test_git_repository_is_graded_at_head_without_a_deadline(tmp_path: Path):
    repo, _, after = classroom_repo(tmp_path / "hw3-erin")
    (repo / "assignments" / "shapes.py").write_text("uncommitted = True\n")

    sub = read_submission(repo)

    assert (sub.name, sub.kind, sub.revision) == ("hw3-erin", "git", after)
    assert sub.files["assignments/shapes.py"] == (VECTORIZED / "assignments" / "shapes.py").read_bytes()


def test_git_repository_is_graded_at_the_last_commit_before_the_deadline(tmp_path: Path):
    repo, before, _ = classroom_repo(tmp_path / "hw3-erin")

    sub = read_submission(repo, DEADLINE)

    assert sub.revision == before
    assert sub.content_hash == read_submission(buggy(tmp_path / "same-as-before")).content_hash
    assert any(before[:12] in n and "before the deadline" in n for n in sub.notes)


def test_git_repository_without_a_commit_before_the_deadline_is_empty_with_why(tmp_path: Path):
    repo = good(tmp_path / "late")
    git(repo, "init", "-q")
    commit_all(repo, "after the deadline", "2026-12-05T10:00:00+00:00")

    sub = read_submission(repo, DEADLINE)

    assert sub.files == {} and "no commit before the deadline" in sub.problem


def test_git_repository_with_no_commit_at_all_is_empty_with_why(tmp_path: Path):
    repo = good(tmp_path / "fresh")
    git(repo, "init", "-q")

    assert "no commit to grade" in read_submission(repo).problem


def test_deadline_without_offset_is_local_time(tmp_path: Path):
    text = parse_deadline("2026-12-01 23:59")
    assert text.startswith("2026-12-01T23:59:00") and ("+" in text[10:] or "-" in text[10:])
    with pytest.raises(ValueError, match="not a date"):
        parse_deadline("next friday")


def test_input_kind_refuses_other_files(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError):
        input_kind(tmp_path / "notes.txt")


def test_two_inputs_with_one_name_are_both_left_out_and_the_rest_kept(tmp_path: Path):
    a = read_submission(good(tmp_path / "a" / "frank"))
    b = read_submission(zipped(good(tmp_path / "src"), tmp_path / "frank.zip"))
    c = read_submission(good(tmp_path / "gina"))

    kept, clashes = split_clashes([a, b, c])

    assert [s.name for s in kept] == ["gina"]
    assert len(clashes) == 1 and clashes[0].startswith("frank:")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_folder_symlinks_are_not_followed(tmp_path: Path):
    root = good(tmp_path / "gina")
    secret = tmp_path / "secret.py"
    secret.write_text("TOKEN = 1\n")
    (root / "assignments" / "linked.py").symlink_to(secret)

    assert "assignments/linked.py" not in read_submission(root).files
