"""The Gradescope autograder zip, and run_autograder in a simulated /autograder layout."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from batch_fixtures import SHAPES_MAX, buggy, hanging
from click.testing import CliRunner

from grader.engine import failed
from grader.commands import main
from grader.gradescope.build import build_autograder_zip
from grader.gradescope.run import AutograderConfig
from grader.hidden import NOT_GRADED

TOL = 1e-9
CONFIG = AutograderConfig(parts=("shapes",), hidden_seed=7, timing=False, examples_scale=0.2, time_limit=20.0)


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "autograder.zip"
    result = CliRunner().invoke(main, ["gradescope", "build", str(out), "--parts", "shapes", "--no-timing", "--hidden-seed", "7",
                                       "--time-limit", "20", "--examples-scale", "0.2"])
    assert result.exit_code == 0, result.output
    return out


def simulate(autograder_zip: Path, tmp_path: Path, submission: Path) -> dict:
    """Gradescope's layout: the zip in source/, the upload in submission/, results/ to write."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as z:
        z.extractall(root / "source")
    shutil.copytree(submission, root / "submission")
    run = root / "source" / "run_autograder"
    run.chmod(run.stat().st_mode | stat.S_IXUSR)
    env = {**os.environ, "GRADELAB_AUTOGRADER_ROOT": str(root), "GRADELAB_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(run)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_the_zip_holds_setup_run_autograder_the_grader_references_and_specs(autograder_zip: Path):
    with zipfile.ZipFile(autograder_zip) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        config = json.loads(z.read("gradelab.json"))
        setup = z.read("setup.sh").decode()

    assert {"setup.sh", "run_autograder", "requirements.txt", "gradelab.json", "cli.py"} <= names
    assert {"grader/engine/grade.py", "grader/sandbox/inside/server.py", "grader/parts/shapes.py", "grader/spec.py", "reference/shapes.py"} <= names
    assert not any(n.startswith("tests/") or "__pycache__" in n for n in names)
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    assert config["parts"] == ["shapes"] and config["hidden_seed"] == 7
    assert "torch==" in setup and "-m venv /autograder/venv" in setup


def test_building_twice_gives_the_same_bytes(tmp_path: Path):
    a = build_autograder_zip(tmp_path / "a.zip", CONFIG)
    b = build_autograder_zip(tmp_path / "b.zip", CONFIG)

    assert a == b and (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_run_autograder_writes_gradescope_results(autograder_zip: Path, tmp_path: Path):
    payload = simulate(autograder_zip, tmp_path, buggy(tmp_path / "upload"))

    assert 0 < payload["score"] < SHAPES_MAX
    assert payload["score"] == pytest.approx(sum(t["score"] for t in payload["tests"]), abs=TOL)
    assert payload["execution_time"] > 0 and payload["output"].startswith("Total:")
    visibility = {t["name"]: t["visibility"] for t in payload["tests"]}
    assert visibility["shapes: conv2d_cost forward"] == "visible"
    assert visibility["shapes: conv2d_cost forward (hidden)"] == "after_published"


def test_a_hanging_upload_still_gets_results_before_gradescope_gives_up(tmp_path: Path):
    build_autograder_zip(tmp_path / "ag.zip", AutograderConfig(("shapes",), 7, False, 0.2, 4.0, "hidden"))

    payload = simulate(tmp_path / "ag.zip", tmp_path, hanging(tmp_path / "upload"))

    assert payload["score"] == pytest.approx(0.0, abs=TOL)
    public = [t for t in payload["tests"] if "(hidden)" not in t["name"]]
    # The reason is said once, at the top; each check points to it.
    assert "did not finish within 4 s" in payload["output"]
    assert public and all(t["output"] == failed.NOT_GRADED for t in public)
    assert all(t["output"] == NOT_GRADED for t in payload["tests"] if "(hidden)" in t["name"])
    assert {t["visibility"] for t in payload["tests"] if "(hidden)" in t["name"]} == {"hidden"}
