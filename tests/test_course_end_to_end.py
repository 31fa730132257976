"""The course workflow end to end, offline: release, a student's CI job, collection at the deadline.

1. `release` the assignment (with --git) from a course file, as an instructor does.
2. A student clones it, puts a correct solution in, touches a grader file, and commits.
3. Every `run:` step of the released GitHub workflow runs in a fresh virtual environment, with
   GITHUB_ACTIONS=true and a job summary file, as a runner would run it.
4. A later commit holds a student who forges workflow commands; its CI job is read as GitHub's
   runner reads a log.
5. `grade --assignment` collects that clone (an on-time push, then a late one with a backdated
   commit date) and a second student's (late only) with push logs: the on-time commit is
   graded, the late one penalised, the tampered file flagged with the score unchanged.

The whole flow takes a few minutes (a fresh venv installs torch): marked slow.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import venv
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from batch_fixtures import commit_all, git
from ci_runner import acted
from click.testing import CliRunner
from collect_fixtures import github_log
from conftest import VECTORIZED

from grader.batch.gradebook import Gradebook
from grader.commands import main

pytestmark = pytest.mark.slow

TOL = 1e-9
SEED = "918273645"
COURSE = """[assignments.hw1]
parts = ["shapes"]
due = 2026-12-01T23:59:00+00:00
late = { percent_per_day = 10, max_days = 3 }
"""
SOLUTION = VECTORIZED / "assignments" / "shapes.py"
FORGER = Path(__file__).parent / "ci_students" / "forger_shapes.py"
ON_TIME, LATE = "2026-12-01T20:00:00+00:00", "2026-12-02T01:00:00+00:00"


@dataclass(frozen=True)
class Course:
    tmp: Path
    template: Path
    env: dict[str, str]


@dataclass(frozen=True)
class Step:
    returncode: int
    log: str


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    tmp = tmp_path_factory.mktemp("course")
    (tmp / "course.toml").write_text(COURSE)
    (tmp / "instructor.toml").write_text(f"hidden_seed = {SEED}\n")
    env = {"GRADELAB_COURSE": str(tmp / "course.toml"), "GRADELAB_CONFIG": str(tmp / "instructor.toml")}
    template = tmp / "hw1-template"
    done = CliRunner(env={**env, "GRADELAB_HIDDEN_SEED": None}).invoke(main, ["release", str(template), "--assignment", "hw1", "--git"])
    assert done.exit_code == 0, done.output
    return Course(tmp, template, env)


def clone(course: Course, name: str) -> Path:
    dest = course.tmp / name
    subprocess.run(["git", "clone", "-q", str(course.template), str(dest)], check=True)
    return dest


def run_steps(workflow: dict, repo: Path, venv_dir: Path, summary: Path, only: str | None = None) -> list[Step]:
    """The workflow's `run:` steps in order, in bash as GitHub runs them, with the venv's python
    standing in for setup-python. PIP_RETRIES=0: the CPU index is unreachable offline, and pip
    then takes the same wheel from this machine's local indexes at once."""
    env = {
        "PATH": f"{venv_dir / 'bin'}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(repo.parent)),  # this machine's pip configuration: its local package indexes
        "VIRTUAL_ENV": str(venv_dir),
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_STEP_SUMMARY": str(summary),
        "PIP_RETRIES": "0",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env |= {k: v for k, v in os.environ.items() if k.startswith("PIP_") and k not in env}  # this machine's local package indexes
    steps = []
    for step in workflow["jobs"]["check"]["steps"]:
        if "run" not in step or (only is not None and step["run"].strip() != only):
            continue
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
        steps.append(Step(done.returncode, done.stdout + done.stderr))
        if done.returncode != 0:
            break
    return steps


@pytest.fixture(scope="module")
def student(course: Course) -> dict:
    """alice's clone, her CI jobs at a correct commit and at a forging one, and her commits."""
    repo = clone(course, "hw1-alice")
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "gradelab.yml").read_text())
    shutil.copy(SOLUTION, repo / "assignments" / "shapes.py")
    tampered = repo / "grader" / "compare.py"
    tampered.write_text(tampered.read_text() + "\n# the student's edit of a grader file\n")
    good = commit_all(repo, "solution", ON_TIME)

    venv_dir = course.tmp / "alice-venv"
    venv.create(venv_dir, with_pip=True)  # fresh: nothing of this interpreter's packages
    summary = course.tmp / "summary-good.md"
    steps = run_steps(workflow, repo, venv_dir, summary)
    junit_file = repo / "gradelab-junit.xml"
    junit = ET.parse(junit_file).getroot() if junit_file.is_file() else None

    shutil.copy(FORGER, repo / "assignments" / "shapes.py")
    late = commit_all(repo, "forged, with a backdated commit date", "2026-12-01T10:00:00+00:00")
    check_step = next(s["run"].strip() for s in workflow["jobs"]["check"]["steps"] if "check --ci" in s.get("run", ""))
    forged_summary = course.tmp / "summary-forged.md"
    forged = run_steps(workflow, repo, venv_dir, forged_summary, only=check_step)
    return {
        "repo": repo,
        "workflow": workflow,
        "steps": steps,
        "summary": summary.read_text() if summary.is_file() else "",
        "junit": junit,
        "forged": forged[0],
        "forged_summary": forged_summary.read_text() if forged_summary.is_file() else "",
        "good": good,
        "late": late,
    }


def test_the_workflow_installs_in_a_fresh_venv_and_passes_a_correct_solution(student: dict):
    steps = student["steps"]
    assert len(steps) >= 2 and all(s.returncode == 0 for s in steps), [s.log[-2000:] for s in steps]
    runs = [s["run"] for s in student["workflow"]["jobs"]["check"]["steps"] if "run" in s]
    assert len(steps) == len(runs) and "check --ci" in runs[-1]
    log = steps[-1].log
    assert [line for line in acted(log) if line.lstrip().startswith("::error")] == []
    assert "advisory" in log.lower()


def test_the_job_summary_and_junit_carry_full_points(student: dict):
    summary = student["summary"]
    assert "shapes" in summary and "advisory" in summary.lower()
    suites = list(student["junit"].iter("testsuite"))
    assert suites
    for suite in suites:
        props = {p.get("name"): p.get("value") for p in suite.find("properties") or ()}
        assert float(props["score"]) == pytest.approx(float(props["max_score"]), abs=TOL) and float(props["max_score"]) > 0
        assert "advisory" in props["note"].lower()
    assert not list(student["junit"].iter("failure"))


def test_a_forging_student_fails_and_only_the_graders_commands_act(student: dict):
    forged = student["forged"]
    assert forged.returncode == 1
    commands = acted(forged.log)
    errors = [line for line in commands if line.lstrip().startswith("::error")]
    assert errors and all(line.startswith("::error file=assignments/shapes.py,line=") for line in errors), commands
    assert all(not line.lstrip().startswith(("::add-mask", "::set-output", "::warning")) for line in commands), commands
    # The annotations quote the student's exception, its `::` broken so it is text, not a command.
    assert "::warning::" not in "".join(errors) and ": :warning: :forged in an exception" in "".join(errors)
    assert "advisory" in student["forged_summary"].lower()


@pytest.fixture(scope="module")
def collected(course: Course, student: dict) -> dict:
    """The instructor's collection of alice (an on-time push, then a late one) and carol (late only)."""
    carol = clone(course, "hw1-carol")
    shutil.copy(SOLUTION, carol / "assignments" / "shapes.py")
    carol_commit = commit_all(carol, "solution, with a commit date before the deadline", "2026-12-01T12:00:00+00:00")
    branch = git(student["repo"], "symbolic-ref", "--short", "HEAD")
    pushes = course.tmp / "pushes"
    pushes.mkdir()
    (pushes / "hw1-alice.json").write_text(github_log((student["good"], ON_TIME), (student["late"], LATE), ref=f"refs/heads/{branch}"))
    (pushes / "hw1-carol.json").write_text(github_log((carol_commit, LATE), ref=f"refs/heads/{branch}"))
    out = course.tmp / "out"
    done = CliRunner(env=course.env).invoke(
        main,
        [
            "grade",
            str(student["repo"]),
            str(carol),
            "--out",
            str(out),
            "--assignment",
            "hw1",
            "--pushes",
            str(pushes),
            "--records",
            str(course.tmp / "releases"),
            "--jobs",
            "1",
        ],
    )
    assert done.exit_code == 0, done.output
    with Gradebook(out / "gradebook.sqlite") as book:
        entries = {e.name: e for e in book.entries()}
    rows = {r["submission"]: r for r in csv.DictReader((out / "grades.csv").open())}
    return {"entries": entries, "rows": rows, "carol_commit": carol_commit, "output": done.output}


def test_the_last_commit_pushed_before_the_deadline_is_graded(collected: dict, student: dict):
    alice = collected["entries"]["hw1-alice"]
    assert alice.revision.startswith(student["good"][:12]) or student["good"].startswith(alice.revision[:12]), alice.revision
    assert alice.collected.penalty_fraction == 0.0
    assert alice.result.score == pytest.approx(alice.result.max_score, abs=TOL)


def test_a_late_push_is_penalised_by_the_policy(collected: dict):
    carol = collected["entries"]["hw1-carol"]
    assert carol.collected.timed_by == "push"
    assert carol.collected.penalty_fraction == pytest.approx(0.1, abs=TOL)
    row = collected["rows"]["hw1-carol"]
    assert float(row["penalty"]) == pytest.approx(0.1 * float(row["total"]), abs=1e-6)
    assert float(row["final"]) == pytest.approx(0.9 * float(row["total"]), abs=1e-6)


def test_a_tampered_grader_file_is_flagged_and_the_score_is_unchanged(collected: dict):
    alice, carol = collected["entries"]["hw1-alice"], collected["entries"]["hw1-carol"]
    flags = [str(f) for f in alice.collected.flags]
    assert any("grader/compare.py" in f for f in flags), flags
    assert not any("grader/" in str(f) for f in carol.collected.flags), carol.collected.flags
    # The same solution, tampered grader or not: the same raw score, every check alike.
    assert alice.result.score == pytest.approx(carol.result.score, abs=TOL)
    assert [(c.id, c.score) for c in alice.result.checks] == [(c.id, c.score) for c in carol.result.checks]
    assert "grader/compare.py" in collected["rows"]["hw1-alice"]["flags"]
