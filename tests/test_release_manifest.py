"""The release manifest round-trips, and a forged release id never reaches the file system."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.release_manifest import Manifest, ManifestError, latest_record, read_record, release_id, write_record


def manifest(created: str, files: dict[str, str]) -> Manifest:
    rid = release_id("hw1", files, {"assignments/conv.py": "0" * 64})
    return Manifest(rid, "hw1", ("conv",), {"conv": 30.0}, "2026-12-01T23:59:00-05:00", "no late penalty", "abc", created, ("assignments/conv.py",), files)


def test_record_round_trips_and_latest_is_newest(tmp_path: Path) -> None:
    old = manifest("2026-11-01T00:00:00+00:00", {"cli.py": "a" * 64})
    new = manifest("2026-11-02T00:00:00+00:00", {"cli.py": "b" * 64})
    assert old.release != new.release and old.release.startswith("hw1-")
    write_record(tmp_path, old)
    write_record(tmp_path, new)
    assert read_record(tmp_path, old.release) == old
    assert latest_record(tmp_path, "hw1") == new
    assert latest_record(tmp_path, "hw2") is None


@pytest.mark.parametrize("forged", ["../../etc/passwd", "hw1-ZZZ", "", "hw1-" + "a" * 12 + "/x"])
def test_forged_release_id_reads_no_file(tmp_path: Path, forged: str) -> None:
    assert read_record(tmp_path, forged) is None


def test_not_a_manifest_is_a_clear_error() -> None:
    with pytest.raises(ManifestError, match="not a release manifest"):
        Manifest.from_json('{"format": 1}', "x.json")
    with pytest.raises(ManifestError, match="not a release manifest"):
        Manifest.from_json("[]", "x.json")
