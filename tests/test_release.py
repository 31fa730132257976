"""`cli.py release`: a standalone student repository of one assignment, which verifies itself."""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from grader.batch.fingerprint import grader_version
from grader.ci.workflows import github_workflow, gitlab_ci
from grader.commands import main
from grader.parts import BY_NAME, PARTS
from grader.release import tree
from grader.release_manifest import MANIFEST, Manifest, read_record, release_id

SEED = "918273645"
COURSE = """
[assignments.hw1]
parts = ["shapes", "conv"]
due = 2026-12-01T23:59:00-05:00
late = { percent_per_day = 10, max_days = 3 }
points = { conv = 30 }

[assignments.hw1.extensions]
alice = 2026-12-03T23:59:00-05:00

[assignments.hw2]
parts = ["pooling", "rnn"]
"""
OTHER_PARTS = ("pooling", "rnn", "residual")
# The release of the module fixture verifies itself with two runs of the released check: about
# 25 s alone, 40 s on a loaded 2-core machine.
end_to_end = pytest.mark.slow


def release_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts}


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One release of hw1 (shapes and conv) with --git, as an instructor makes it."""
    tmp = tmp_path_factory.mktemp("course")
    (tmp / "course.toml").write_text(COURSE)
    (tmp / "instructor.toml").write_text(f"hidden_seed = {SEED}\n")
    out = tmp / "hw1-template"
    env = {"GRADELAB_COURSE": str(tmp / "course.toml"), "GRADELAB_CONFIG": str(tmp / "instructor.toml"), "GRADELAB_HIDDEN_SEED": None}
    done = CliRunner(env=env).invoke(main, ["release", str(out), "--assignment", "hw1", "--git"])
    assert done.exit_code == 0, done.output
    return {"out": out, "records": tmp / "releases", "output": done.output}


@end_to_end
def test_the_release_holds_the_stubs_the_grader_check_needs_and_the_student_files(released: dict):
    out = released["out"]
    files = release_files(out)

    assert {"cli.py", "pyproject.toml", "README.md", ".python-version", ".gitignore", ".github/workflows/gradelab.yml", ".gitlab-ci.yml", MANIFEST} <= files
    assert {"assignments/__init__.py", "assignments/shapes.py", "assignments/conv.py"} <= files
    assert {"grader/commands/check.py", "grader/engine/grade.py", "grader/sandbox/inside/server.py", "grader/parts/conv.py",
            "grader/parts/strategies/conv.py", "reference/conv.py", "reference/shapes.py", "reference/autograd.py"} <= files
    for stub in ("assignments/__init__.py", "assignments/shapes.py", "assignments/conv.py"):
        assert (out / stub).read_bytes() == (REPO / stub).read_bytes()
    assert (out / ".github/workflows/gradelab.yml").read_text() == github_workflow()
    assert (out / ".gitlab-ci.yml").read_text() == gitlab_ci()


@end_to_end
def test_the_release_holds_no_tests_examples_solutions_config_or_instructor_only_grader(released: dict):
    out = released["out"]
    files = release_files(out)

    tops = {f.split("/")[0] for f in files}
    assert tops == {"cli.py", "pyproject.toml", "README.md", ".python-version", ".gitignore", ".github", ".gitlab-ci.yml", ".gradelab",
                    "assignments", "grader", "reference"}
    instructor_only = ("grader/batch/", "grader/gradescope/", "grader/release/", "grader/commands/grade.py", "grader/commands/gradebook.py",
                       "grader/commands/gradescope.py", "grader/commands/release.py", "grader/commands/seed.py")
    assert not [f for f in files if f.startswith(instructor_only)]
    assert not [f for f in files if f.endswith(".toml") and f != "pyproject.toml"]  # no course file, no instructor config
    assert not [f for f in files if SEED in (out / f).read_text(errors="replace")]
    assert "alice" not in (out / MANIFEST).read_text() + (out / "README.md").read_text()  # extensions stay the instructor's


@end_to_end
def test_the_release_holds_no_file_of_another_assignments_part(released: dict):
    files = release_files(released["out"])
    stems = {Path(f).stem for f in files}

    assert not stems & {*OTHER_PARTS, *(BY_NAME[p].module for p in OTHER_PARTS)}
    registry = (released["out"] / tree.REGISTRY).read_text()
    assert "PARTS: tuple[PartSpec, ...] = (SHAPES, CONV)" in registry
    assert not any(p.upper() in registry for p in OTHER_PARTS)


@end_to_end
def test_the_released_command_line_has_check_only_and_runs_from_its_own_files(released: dict):
    out = released["out"]
    env = {"PATH": os.environ["PATH"], "HOME": str(out), "PYTHONDONTWRITEBYTECODE": "1"}
    # Not run as __main__ (cli.py then leaves with os._exit): its command group is called instead.
    code = ("import runpy, sys; sys.argv = ['cli.py', '--help']\n"
            "try:\n    runpy.run_path('cli.py', run_name='released_cli')['main']()\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.__file__ for n, m in sys.modules.items() if n.split('.')[0] in ('grader', 'reference')}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=out, env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    commands = done.stdout.split("Commands:")[1].split("[")[0]
    assert commands.split()[0] == "check" and "grade" not in commands and "release" not in commands
    loaded = eval(done.stdout[done.stdout.index("['"):])  # noqa: S307 - our own printed list
    assert loaded and all(Path(f).resolve().is_relative_to(out.resolve()) for f in loaded)


@end_to_end
def test_the_manifest_lists_every_file_but_the_editable_ones_with_its_sha256(released: dict):
    out = released["out"]
    manifest = Manifest.from_json((out / MANIFEST).read_text(), MANIFEST)

    assert manifest.assignment == "hw1" and manifest.parts == ("shapes", "conv")
    assert manifest.points == pytest.approx({"shapes": 10.0, "conv": 30.0}, abs=1e-9) and manifest.scaled == {"conv": 30.0}
    assert manifest.due == "2026-12-01T23:59:00-05:00" and manifest.late.startswith("10% off per day late, up to 3 day(s)")
    assert manifest.editable == ("assignments/shapes.py", "assignments/conv.py")
    assert manifest.grader == grader_version()
    files = release_files(out)
    assert set(manifest.files) == files - set(manifest.editable) - {MANIFEST}
    assert all(manifest.files[f] == hashlib.sha256((out / f).read_bytes()).hexdigest() for f in manifest.files)
    editable = {f: hashlib.sha256((out / f).read_bytes()).hexdigest() for f in manifest.editable}
    assert manifest.release == release_id("hw1", manifest.files, editable)


@end_to_end
def test_the_released_check_grades_the_released_assignment_at_its_points(released: dict):
    from click import UsageError

    from grader.commands.options import chosen_assignment

    out = released["out"]
    chosen = chosen_assignment(None, None, released=out)
    assert (chosen.name, chosen.parts, dict(chosen.points)) == ("hw1", ("shapes", "conv"), {"conv": 30.0})
    with pytest.raises(UsageError, match="released for assignment 'hw1', not 'hw2'"):
        chosen_assignment(None, "hw2", released=out)
    course = out.parent / "course.toml"
    assert chosen_assignment(course, "hw2", released=out).parts == ("pooling", "rnn")  # a course file named wins


@end_to_end
def test_the_instructors_record_is_the_manifest(released: dict):
    manifest = Manifest.from_json((released["out"] / MANIFEST).read_text(), MANIFEST)
    assert read_record(released["records"], manifest.release) == manifest
    assert f"released {manifest.release}" in " ".join(released["output"].split())


@end_to_end
def test_git_makes_one_commit_of_every_file_with_a_fixed_identity(released: dict):
    out = released["out"]

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=out, capture_output=True, text=True, check=True).stdout

    assert git("log", "--format=%an <%ae>|%cn|%s").splitlines() == [
        f"gradelab release <gradelab@localhost>|gradelab release|Release {json.loads((out / MANIFEST).read_text())['release']} of assignment hw1"
    ]
    assert set(git("ls-files").split()) == release_files(out)
    assert git("status", "--porcelain") == ""


@end_to_end
def test_the_student_readme_says_what_to_implement_how_to_install_check_and_how_ci_counts(released: dict):
    text = " ".join((released["out"] / "README.md").read_text().split())

    assert "| conv | `assignments/conv.py` | `conv2d_forward`, `conv2d_backward` | 30 |" in text
    assert "| shapes | `assignments/shapes.py` | `conv2d_output_size`, `conv2d_cost` | 10 |" in text
    assert "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in text
    assert "python cli.py check" in text and "--repro repro/" in text
    assert "numpy and the Python standard library only" in text and "change only `assignments/<part>.py`" in text
    assert "advisory" in text and "Your grade comes from the instructor's run" in text
    assert "Due 2026-12-01T23:59:00-05:00" in text


@end_to_end
def test_the_student_pyproject_has_the_graders_dependencies_and_passes_setuptools(released: dict, tmp_path: Path):
    text = (released["out"] / "pyproject.toml").read_text()
    ours = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    theirs = tomllib.loads(text)

    assert theirs["project"]["dependencies"] == ours["dependencies"] and "torch>=2.2,<3" in ours["dependencies"]
    assert theirs["tool"]["setuptools"]["packages"] == []
    assert (released["out"] / ".python-version").read_text().strip() == "3.11"
    (tmp_path / "pyproject.toml").write_text(text)  # alone: pip's build may leave metadata behind
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--dry-run", "-e", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Would install gradelab-hw1-1.0.0" in done.stdout, done.stderr[-2000:]


# ---- the instructor's own registry is the release's rendering of every part


def test_the_instructors_parts_registry_is_the_rendering_of_every_part():
    assert (REPO / tree.REGISTRY).read_text() == tree.registry_source([p.name for p in PARTS])
    for part in PARTS:  # the convention registry_source relies on: grader/parts/<name>.py defines <NAME>
        assert getattr(importlib.import_module(f"grader.parts.{part.name}"), part.name.upper()) is part


# ---- refusals


def test_release_refuses_an_unset_hidden_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("GRADELAB_COURSE", "GRADELAB_CONFIG", "GRADELAB_HIDDEN_SEED"):
        monkeypatch.delenv(name, raising=False)
    done = CliRunner().invoke(main, ["release", str(tmp_path / "out")])

    assert done.exit_code == 2 and "no hidden seed is configured" in done.output and "--allow-public-seed" in done.output
    assert not (tmp_path / "out").exists()


def test_release_refuses_a_folder_that_is_not_empty(tmp_path: Path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    done = CliRunner().invoke(main, ["release", str(tmp_path / "out"), "--allow-public-seed"])

    assert done.exit_code == 1 and "already exists and is not an empty folder" in done.output
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"
