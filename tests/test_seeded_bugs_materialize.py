"""The seeded-bug table stays in step with the vectorized solution it edits."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from seeded_bugs import SEEDED_BUGS, VECTORIZED, materialize

from grader.parts import PARTS


def test_bug_names_are_unique_and_every_part_has_at_least_one():
    names = [b.name for b in SEEDED_BUGS]
    assert len(names) == len(set(names)) >= 15
    assert {b.part for b in SEEDED_BUGS} == {p.name for p in PARTS}
    assert all(b.module == next(p.module for p in PARTS if p.name == b.part) for b in SEEDED_BUGS)


@pytest.mark.parametrize("bug", SEEDED_BUGS, ids=lambda b: b.name)
def test_materialize_edits_only_its_module(bug, tmp_path):
    root = materialize(bug, tmp_path / bug.name)
    for original in (VECTORIZED / "assignments").glob("*.py"):
        planted = (root / "assignments" / original.name).read_text()
        if original.stem == bug.module:
            assert planted == original.read_text().replace(bug.old, bug.new) != original.read_text()
        else:
            assert planted == original.read_text()


def test_materialize_refuses_text_that_is_not_there(tmp_path: Path):
    with pytest.raises(ValueError, match="occurs 0 times"):
        materialize(replace(SEEDED_BUGS[0], old="no such text"), tmp_path / "missing")
