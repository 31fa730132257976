"""An assignment chooses the parts and their points; check, grade and gradescope build agree on them."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, VECTORIZED

from grader.commands import main
from grader.engine.grade import grade_submission
from grader.engine.plan import plan_part
from grader.options import GradeOptions
from grader.parts import BY_NAME, select

TOL = 1e-9
COURSE = """
[assignments.hw1]
parts = ["shapes", "conv"]
points = { conv = 30 }
"""
FAST = ["--no-timing", "--examples-scale", "0.2"]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(COURSE)
    return path


@pytest.fixture(autouse=True)
def no_instructor_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GRADELAB_COURSE", "GRADELAB_CONFIG", "GRADELAB_HIDDEN_SEED"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("timing", [True, False])
def test_a_parts_checks_are_scaled_to_the_assignments_total_from_its_full_plan(timing: bool):
    conv = BY_NAME["conv"]
    plain = plan_part(conv, GradeOptions(visibility=("public", "hidden"), timing=timing))
    graded = plan_part(conv, GradeOptions(visibility=("public", "hidden"), timing=timing, part_points=(("conv", 30.0),)))
    checked = plan_part(conv, GradeOptions(visibility=("public",), timing=timing, part_points=(("conv", 30.0),)))

    assert sum(p.points for p in graded) == pytest.approx(30.0, abs=TOL)
    factor = 30.0 / sum(p.points for p in plain)
    assert {p.id: p.points for p in graded} == pytest.approx({p.id: p.points * factor for p in plain}, abs=TOL)
    assert {p.id: p.points for p in checked} == pytest.approx({p.id: p.points for p in graded if not p.hidden}, abs=TOL)
    assert any(p.hidden for p in graded) and not any(p.hidden for p in checked)


def test_a_part_without_assignment_points_keeps_its_specs_points():
    shapes = BY_NAME["shapes"]
    options = GradeOptions(visibility=("public", "hidden"), part_points=(("conv", 30.0),))
    assert [p.points for p in plan_part(shapes, options)] == [p.points for p in plan_part(shapes, GradeOptions(visibility=("public", "hidden")))]


def test_checks_public_results_score_the_same_points_as_grades_on_a_real_submission():
    points = (("conv", 30.0),)
    check = grade_submission(VECTORIZED, select(["conv"]), GradeOptions(visibility=("public",), timing=False, examples_scale=0.2, part_points=points))
    grade = grade_submission(
        VECTORIZED, select(["conv"]), GradeOptions(visibility=("public", "hidden"), hidden_seed=7, timing=False, examples_scale=0.2, part_points=points)
    )

    assert grade.score == pytest.approx(30.0, abs=1e-6) and grade.max_score == pytest.approx(30.0, abs=1e-6)
    graded = {c.id: (c.score, c.max_score) for c in grade.checks}
    assert check.checks and all(graded[c.id] == pytest.approx((c.score, c.max_score), abs=TOL) for c in check.checks)


def test_grade_with_a_course_gives_conv_the_assignments_total(tmp_path: Path, course: Path):
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["grade", str(REPO), "--out", str(out), "--course", str(course), "--assignment", "hw1", "--hidden-seed", "7", *FAST])

    assert done.exit_code == 0, done.output
    tests = json.loads((out / REPO.name / "results.json").read_text())["tests"]
    conv = [t["max_score"] for t in tests if t["name"].startswith("conv: ")]
    shapes = [t["max_score"] for t in tests if t["name"].startswith("shapes: ")]
    assert sum(conv) == pytest.approx(30.0, abs=1e-6) and sum(shapes) == pytest.approx(10.0, abs=1e-6)
    assert all(t["name"].split(":")[0] in ("shapes", "conv") for t in tests)  # the assignment's parts only


def test_check_with_a_course_totals_the_public_share_of_the_same_points(course: Path):
    public = sum(p.points for part in select(["shapes", "conv"]) for p in plan_part(part, GradeOptions(timing=False, part_points=(("conv", 30.0),))))
    run = subprocess.run(
        [sys.executable, "cli.py", "check", "--brief", "--no-timing", "--course", str(course)],
        cwd=REPO, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "COLUMNS": "120", "HOME": "/tmp"},
    )

    assert run.returncode == 1, run.stderr
    total = " ".join(run.stdout.split()).split("Total: ")[1]
    assert total.startswith(f"0 / {public:.4f}".rstrip("0")), total
    assert "pooling" not in run.stdout and "rnn" not in run.stdout


@pytest.mark.parametrize("verb", ["check", "grade", "gradescope build"])
def test_a_part_outside_the_assignment_is_refused(tmp_path: Path, course: Path, verb: str):
    done = CliRunner().invoke(main, [*VERBS[verb](tmp_path / "unused"), "--course", str(course), "--parts", "conv,rnn"])

    assert done.exit_code == 2 and not (tmp_path / "unused").exists()
    assert "part(s) rnn are not in assignment 'hw1', whose parts are shapes, conv" in " ".join(done.output.split())


def test_an_assignment_narrows_to_the_parts_named(tmp_path: Path, course: Path):
    out = tmp_path / "out"
    done = CliRunner().invoke(main, ["grade", str(REPO), "--out", str(out), "--course", str(course), "--parts", "shapes", "--hidden-seed", "7", *FAST])

    assert done.exit_code == 0, done.output
    tests = json.loads((out / REPO.name / "results.json").read_text())["tests"]
    assert tests and all(t["name"].startswith("shapes: ") for t in tests)


# ---- the hidden seed


def test_grade_without_a_hidden_seed_warns_in_a_panel_and_grades_with_seed_0(tmp_path: Path):
    done = CliRunner().invoke(main, ["grade", str(REPO), "--out", str(tmp_path / "out"), "--parts", "shapes", *FAST])

    assert done.exit_code == 0, done.output
    said = " ".join(done.output.split())
    assert "WARNING: public hidden seed" in said and "anyone with the code can reproduce their inputs" in said


def test_grade_with_allow_public_seed_or_a_configured_seed_does_not_warn(tmp_path: Path):
    config = tmp_path / "instructor.toml"
    config.write_text("hidden_seed = 99\n")
    allowed = CliRunner().invoke(main, ["grade", str(REPO), "--out", str(tmp_path / "a"), "--parts", "shapes", "--allow-public-seed", *FAST])
    configured = CliRunner(env={"GRADELAB_CONFIG": str(config)}).invoke(main, ["grade", str(REPO), "--out", str(tmp_path / "b"), "--parts", "shapes", *FAST])

    assert allowed.exit_code == 0 and configured.exit_code == 0, allowed.output + configured.output
    assert "public hidden seed" not in allowed.output + configured.output


def test_gradescope_build_refuses_to_ship_an_unset_hidden_seed(tmp_path: Path):
    out = tmp_path / "autograder.zip"
    done = CliRunner().invoke(main, ["gradescope", "build", str(out), "--parts", "shapes"])

    assert done.exit_code == 2 and not out.exists()
    assert "no hidden seed is configured" in done.output and "--allow-public-seed" in done.output


def _zipped_config(out: Path) -> dict:
    with zipfile.ZipFile(out) as z:
        return json.loads(z.read("gradelab.json"))


def test_gradescope_build_reads_the_seed_from_config_or_its_environment_variable_as_grade_does(tmp_path: Path):
    config = tmp_path / "instructor.toml"
    config.write_text("hidden_seed = 918273645\n")
    by_option, by_env, public = tmp_path / "a.zip", tmp_path / "b.zip", tmp_path / "c.zip"

    a = CliRunner().invoke(main, ["gradescope", "build", str(by_option), "--parts", "shapes", "--config", str(config)])
    b = CliRunner(env={"GRADELAB_CONFIG": str(config)}).invoke(main, ["gradescope", "build", str(by_env), "--parts", "shapes"])
    c = CliRunner().invoke(main, ["gradescope", "build", str(public), "--parts", "shapes", "--allow-public-seed"])

    assert (a.exit_code, b.exit_code, c.exit_code) == (0, 0, 0), a.output + b.output + c.output
    assert _zipped_config(by_option)["hidden_seed"] == _zipped_config(by_env)["hidden_seed"] == 918273645
    assert _zipped_config(public)["hidden_seed"] == 0


def test_gradescope_build_ships_the_assignments_parts_and_points(tmp_path: Path, course: Path):
    out = tmp_path / "autograder.zip"
    done = CliRunner().invoke(main, ["gradescope", "build", str(out), "--course", str(course), "--hidden-seed", "3"])

    assert done.exit_code == 0, done.output
    config = _zipped_config(out)
    assert config["parts"] == ["shapes", "conv"] and config["part_points"] == [["conv", 30.0]]


# ---- a malformed course file


MALFORMED = {
    "unknown part": ('[assignments.hw1]\nparts = ["conv", "attention"]\n', "assignments.hw1.parts: unknown part(s) attention"),
    "bad date": ('[assignments.hw1]\nparts = ["conv"]\ndue = "next friday"\n', "assignments.hw1.due: 'next friday' is not a date"),
    "overlapping names": ('[assignments.hw-1]\nparts = ["conv"]\n[assignments.hw_1]\nparts = ["shapes"]\n', "assignments.hw_1: overlaps assignments.hw-1"),
    "not toml": ("[assignments.hw1\n", "not valid TOML"),
}
VERBS = {
    "check": lambda unused: ["check"],
    "grade": lambda unused: ["grade", str(REPO), "--out", str(unused)],
    "gradescope build": lambda unused: ["gradescope", "build", str(unused), "--allow-public-seed"],
    "release": lambda unused: ["release", str(unused), "--allow-public-seed"],
}


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_course_file_stops_each_command_with_the_file_and_key(tmp_path: Path, verb: str, case: str):
    text, message = MALFORMED[case]
    path = tmp_path / "course.toml"
    path.write_text(text)

    done = CliRunner(env={"GRADELAB_COURSE": str(path)}).invoke(main, VERBS[verb](tmp_path / "unused"))

    assert done.exit_code == 2, done.output
    said = " ".join(done.output.split())
    assert str(path) in said and message in said
    assert "Traceback" not in done.output and not (tmp_path / "unused").exists()
