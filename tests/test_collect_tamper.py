"""Tamper flags: every file of a repository, hashed in the bounded reader, against the
instructor's record of the release it names."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from batch_fixtures import VECTORIZED, commit_all, git, zipped
from collect_fixtures import make_release

from grader.batch.collect.tamper import release_flags
from grader.batch.inputs.bounded import read_bounded_input
from grader.batch.inputs.read import read_submission
from grader.batch.inputs.read_options import ReadOptions
from grader.batch.inputs.snapshot import LINK
from grader.release_manifest import MANIFEST

SNAP = ReadOptions(snapshot=True)


def kinds(flags) -> dict[str, str]:
    return {f.kind: f.text for f in flags}


@pytest.fixture
def released(tmp_path: Path):
    records = tmp_path / "records"
    repo = tmp_path / "hw1-alice"
    manifest = make_release(repo, records)
    return repo, records, manifest


def test_an_untouched_release_with_a_solved_assignment_has_no_flag(released):
    repo, records, manifest = released
    (repo / "assignments" / "shapes.py").write_text((VECTORIZED / "assignments" / "shapes.py").read_text())
    (repo / "assignments" / "__pycache__").mkdir()
    (repo / "assignments" / "__pycache__" / "shapes.cpython-311.pyc").write_bytes(b"\0")

    snapshot = read_submission(repo, SNAP).snapshot

    assert snapshot is not None and snapshot.release == manifest.release
    assert release_flags(snapshot, records, manifest, "hw1") == []


def test_each_kind_of_edit_outside_the_editable_files_is_flagged_by_name(released):
    repo, records, manifest = released
    (repo / "grader" / "check.py").write_text("PUBLIC_ONLY = False\n")
    (repo / "tests").mkdir()
    (repo / "tests" / "conftest.py").write_text("import os\n")
    (repo / "evil.pth").write_text("import os\n")
    (repo / ".github" / "workflows" / "gradelab.yml").write_text("on: [push]\n")
    (repo / ".gitlab-ci.yml").unlink()
    (repo / "README.md").unlink()
    (repo / "notes.txt").write_text("mine\n")

    flags = kinds(release_flags(read_submission(repo, SNAP).snapshot, records, manifest, "hw1"))  # type: ignore[arg-type]

    assert set(flags) == {"changed", "runs-code", "workflow", "missing", "added"}
    assert "grader/check.py" in flags["changed"] and manifest.release in flags["changed"]
    assert "tests/conftest.py" in flags["runs-code"] and "evil.pth" in flags["runs-code"]
    assert ".github/workflows/gradelab.yml (changed)" in flags["workflow"] and ".gitlab-ci.yml (removed)" in flags["workflow"]
    assert flags["missing"].startswith("README.md (") and flags["added"].startswith("notes.txt (")


def test_a_folder_a_zip_and_a_git_commit_of_the_same_files_hash_alike(released, tmp_path: Path):
    repo, records, manifest = released
    (repo / "grader" / "check.py").write_text("tampered = 1\n")
    archive = zipped(repo, tmp_path / "hw1-alice.zip", prefix="hw1-alice/")
    git(repo, "init", "-q", "-b", "main")
    commit_all(repo, "mine", "2026-11-30T12:00:00+00:00")
    (repo / "cli.py").write_text("uncommitted\n")  # in the working tree, not in the commit: never read

    by_zip, by_git = read_submission(archive, SNAP).snapshot, read_bounded_input(repo, SNAP).snapshot

    assert by_zip is not None and by_git is not None
    assert by_git.hashes == by_zip.hashes and by_git.release == by_zip.release == manifest.release
    assert kinds(release_flags(by_git, records, manifest, "hw1")).keys() == {"changed"}


def test_a_plain_folder_is_hashed_as_it_is_on_disk(released):
    repo, records, manifest = released
    (repo / "cli.py").write_text("edited\n")

    snapshot = read_submission(repo, SNAP).snapshot

    assert snapshot is not None
    assert kinds(release_flags(snapshot, records, manifest, "hw1")) == {"changed": f"cli.py (outside the editable files, against release {manifest.release})"}


def test_a_link_in_place_of_a_released_file_is_flagged_not_followed(released, tmp_path: Path):
    repo, records, manifest = released
    outside = tmp_path / "outside.py"
    outside.write_text("PUBLIC_ONLY = True\n")  # the released bytes, behind a link
    (repo / "grader" / "check.py").unlink()
    os.symlink(outside, repo / "grader" / "check.py")

    snapshot = read_submission(repo, SNAP).snapshot

    assert snapshot is not None and snapshot.hashes["grader/check.py"] == LINK
    assert "grader/check.py" in kinds(release_flags(snapshot, records, manifest, "hw1"))["changed"]


def test_an_older_release_is_flagged_and_compared_with_its_own_record(released, tmp_path: Path):
    repo, records, old = released
    newer = make_release(tmp_path / "newer", records, created="2026-11-10T00:00:00+00:00", extra={"cli.py": "print('fixed')\n"})

    flags = kinds(release_flags(read_submission(repo, SNAP).snapshot, records, newer, "hw1"))  # type: ignore[arg-type]

    assert set(flags) == {"old-release"} and old.release in flags["old-release"] and newer.release in flags["old-release"]


@pytest.mark.parametrize(("manifest_text", "why"), [(None, f"no {MANIFEST}"), ("{", "not JSON"), ('{"release": 7}', "names no release")])
def test_a_missing_or_unreadable_manifest_is_flagged_and_the_newest_release_compared(released, manifest_text: str | None, why: str):
    repo, records, manifest = released
    if manifest_text is None:
        (repo / MANIFEST).unlink()
    else:
        (repo / MANIFEST).write_text(manifest_text)
    (repo / "cli.py").write_text("changed\n")

    flags = kinds(release_flags(read_submission(repo, SNAP).snapshot, records, manifest, "hw1"))  # type: ignore[arg-type]

    assert set(flags) == {"no-manifest", "changed"} and why in flags["no-manifest"] and manifest.release in flags["no-manifest"]


@pytest.mark.parametrize("forged", ["hw1-0123456789ab", "../../etc/passwd", "hw1-" + "a" * 200])
def test_a_release_id_the_records_do_not_hold_is_flagged_never_trusted(released, forged: str):
    repo, records, manifest = released
    data = json.loads((repo / MANIFEST).read_text())
    (repo / MANIFEST).write_text(json.dumps({**data, "release": forged, "files": {}}))  # the student's copy lists nothing

    flags = kinds(release_flags(read_submission(repo, SNAP).snapshot, records, manifest, "hw1"))  # type: ignore[arg-type]

    assert set(flags) == {"unknown-release"} and manifest.release in flags["unknown-release"]


def test_a_release_of_another_assignment_is_flagged(released, tmp_path: Path):
    repo, records, _ = released
    other = make_release(tmp_path / "hw2", records, assignment="hw2")
    (repo / MANIFEST).write_text((tmp_path / "hw2" / MANIFEST).read_text())

    flags = kinds(release_flags(read_submission(repo, SNAP).snapshot, records, None, "hw1"))  # type: ignore[arg-type]

    assert "other-assignment" in flags and other.release in flags["other-assignment"]


def test_without_a_snapshot_asked_nothing_but_the_graded_files_is_read(released):
    repo, _, _ = released

    sub = read_submission(repo)

    assert sub.snapshot is None and sorted(sub.files) == ["assignments/shapes.py"]
