"""grader/sandbox/staging.py: files left out of grading are said, not dropped silently."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conftest import NO_TIMING, grade, variant

from grader.sandbox.staging import MAX_FILE_BYTES, stage


def _with_big_file(tmp_path: Path) -> Path:
    root = variant(tmp_path, "shapes", (Path(__file__).parent / "solutions" / "vectorized" / "assignments" / "shapes.py").read_text())
    (root / "assignments" / "big.py").write_text("#" * (MAX_FILE_BYTES + 1))
    return root


def test_staging_notes_a_file_too_large(tmp_path: Path):
    staged = stage(_with_big_file(tmp_path), tmp_path / "stage", ["shapes"])
    assert staged.notes == ("left out big.py: too large",)


def test_check_shows_what_staging_left_out(tmp_path: Path):
    result = grade(_with_big_file(tmp_path), ["shapes"], replace(NO_TIMING, examples_scale=0.1))
    assert "left out big.py: too large" in result.warnings
