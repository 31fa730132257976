"""grader/batch/fingerprint.py: which sources change a grade, and what was asked."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from grader.batch.fingerprint import NOT_GRADING, grader_version, grading_sources, spec_fingerprint
from grader.options import GradeOptions, Limits
from grader.parts import select
from grader.paths import REPO


def test_grading_sources_are_every_module_outside_the_presentation_and_bookkeeping_folders():
    rel = {p.relative_to(REPO).as_posix() for p in grading_sources()}
    assert {"grader/engine/grade.py", "grader/sandbox/inside/server.py", "grader/parts/conv.py", "grader/spec.py",
            "grader/compare.py", "reference/conv.py"} <= rel
    assert not any(r.split("/")[1] in NOT_GRADING for r in rel if r.startswith("grader/"))


def _copy(tmp: Path) -> Path:
    root = tmp / "repo"
    for top in ("grader", "reference"):
        shutil.copytree(REPO / top, root / top, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_a_change_to_a_check_changes_the_version_and_a_change_to_a_renderer_does_not(tmp_path: Path):
    root = _copy(tmp_path)
    before = grader_version.__wrapped__(root)
    (root / "grader" / "render" / "summary.py").write_text("# restyled\n")
    assert grader_version.__wrapped__(root) == before
    with open(root / "grader" / "engine" / "checks" / "gradcheck.py", "a") as f:
        f.write("# a fix\n")
    assert grader_version.__wrapped__(root) != before


def test_the_spec_fingerprint_follows_what_was_asked_but_not_the_device():
    parts = select(["conv"])
    base = GradeOptions(visibility=("public", "hidden"), hidden_seed=1)
    fp = spec_fingerprint(parts, base)
    assert spec_fingerprint(parts, replace(base, device="cuda")) == fp
    assert spec_fingerprint(parts, replace(base, hidden_seed=2)) != fp
    assert spec_fingerprint(parts, replace(base, limits=Limits(call_seconds=3))) != fp
    assert spec_fingerprint(select(["conv", "rnn"]), base) != fp


def test_an_assignments_points_change_the_fingerprint():
    parts = select(["conv"])
    base = GradeOptions(visibility=("public", "hidden"), hidden_seed=1)
    thirty = spec_fingerprint(parts, replace(base, part_points=(("conv", 30.0),)))
    assert thirty != spec_fingerprint(parts, base)
    assert thirty != spec_fingerprint(parts, replace(base, part_points=(("conv", 40.0),)))
    assert thirty == spec_fingerprint(parts, replace(base, part_points=(("conv", 30),)))
