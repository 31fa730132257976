"""The hidden checks' seed comes from the instructor's configuration and changes hidden inputs only."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.config import load_config
from grader.engine.context import Ctx
from grader.options import GradeOptions
from grader.parts import BY_NAME


def test_seed_is_read_from_the_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GRADELAB_HIDDEN_SEED", raising=False)
    path = tmp_path / "instructor.toml"
    path.write_text("hidden_seed = 918273645\n")
    config = load_config(path)
    assert config.hidden_seed == 918273645 and config.source == str(path)


def test_seed_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GRADELAB_CONFIG", raising=False)
    monkeypatch.setenv("GRADELAB_HIDDEN_SEED", "42")
    assert load_config().hidden_seed == 42


def test_no_configuration_means_no_seed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GRADELAB_CONFIG", raising=False)
    monkeypatch.delenv("GRADELAB_HIDDEN_SEED", raising=False)
    assert load_config().hidden_seed is None


def test_a_seed_that_is_not_an_integer_is_refused(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_text('hidden_seed = "abc"\n')
    with pytest.raises(ValueError, match="hidden_seed"):
        load_config(path)


def test_the_hidden_seed_moves_hidden_inputs_and_leaves_public_ones():
    part = BY_NAME["conv"]
    a = Ctx(None, part, GradeOptions(hidden_seed=1))  # type: ignore[arg-type]
    b = Ctx(None, part, GradeOptions(hidden_seed=2))  # type: ignore[arg-type]
    assert a.seed("conv2d_forward/forward", hidden=True) != b.seed("conv2d_forward/forward", hidden=True)
    assert a.seed("conv2d_forward/forward", hidden=False) == b.seed("conv2d_forward/forward", hidden=False)
    assert a.seed("conv2d_forward/forward", hidden=True) != a.seed("conv2d_forward/forward", hidden=False)
