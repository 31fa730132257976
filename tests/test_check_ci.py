"""`cli.py check --ci` as a CI job runs it: job summary, annotations at the failing functions'
def lines, JUnit with points, an honest exit code, and nothing the student's code printed or
raised acting as a workflow command (GitHub) or a log section (GitLab)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from ci_runner import acted as _acted
from conftest import REPO, VECTORIZED

FORGER = Path(__file__).parent / "ci_students" / "forger_shapes.py"


@dataclass(frozen=True)
class Job:
    root: Path
    returncode: int
    stdout: str
    stderr: str
    summary: str
    junit: ET.Element | None


def _job(root: Path, forge_env: dict[str, str], tmp: Path) -> Job:
    summary, junit = tmp / "summary.md", tmp / "junit.xml"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "COLUMNS": "100", "GITHUB_WORKSPACE": str(root), **forge_env}
    if "GITHUB_ACTIONS" in forge_env:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    done = subprocess.run(
        [sys.executable, "cli.py", "check", "shapes", "--no-timing", "--path", str(root), "--junit", str(junit)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    return Job(
        root,
        done.returncode,
        done.stdout,
        done.stderr,
        summary.read_text() if summary.exists() else "",
        ET.parse(junit).getroot() if junit.exists() else None,
    )


def _forger(tmp: Path) -> Path:
    root = tmp / "forger"
    shutil.copytree(VECTORIZED, root)
    shutil.copy(FORGER, root / "assignments" / "shapes.py")
    return root


@pytest.fixture(scope="module")
def github_forger(tmp_path_factory: pytest.TempPathFactory) -> Job:
    tmp = tmp_path_factory.mktemp("github")
    return _job(_forger(tmp), {"GITHUB_ACTIONS": "true"}, tmp)


@pytest.fixture(scope="module")
def gitlab_forger(tmp_path_factory: pytest.TempPathFactory) -> Job:
    tmp = tmp_path_factory.mktemp("gitlab")
    return _job(_forger(tmp), {"GITLAB_CI": "true"}, tmp)


@pytest.fixture(scope="module")
def github_full_marks(tmp_path_factory: pytest.TempPathFactory) -> Job:
    tmp = tmp_path_factory.mktemp("full")
    return _job(VECTORIZED, {"GITHUB_ACTIONS": "true"}, tmp)


def _def_line(root: Path, function: str) -> int:
    lines = (root / "assignments" / "shapes.py").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"def {function}("))


def test_github_runner_acts_only_on_the_graders_block_and_annotations(github_forger: Job):
    acted = _acted(github_forger.stdout + github_forger.stderr)
    token = acted[0].removeprefix("::stop-commands::")

    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert acted[1] == f"::{token}::"
    assert len(acted) == 4 and all(a.startswith("::error file=assignments/shapes.py,line=") for a in acted[2:])
    assert token not in (FORGER.read_text() + github_forger.stderr)


def test_github_log_shows_the_students_forged_lines_as_text_inside_the_block(github_forger: Job):
    out = github_forger.stdout
    start, end = out.index("::stop-commands::"), out.rindex("::error ")
    inside = out[start:end]

    # What the student printed and raised is shown (the test exercises the path) ...
    for text in ("forged error", "forged-mask", "forged v1 error", "forged zero-width", "forged in an exception", "forged second line"):
        assert text in inside
    # ... outside the block only the grader's annotations quote it, escaped onto one line.
    after = out[end:]
    assert "::warning" not in after and "##[" not in after and "forged-mask" not in after
    assert all(line.count("::") == 2 for line in after.splitlines() if line.startswith("::error"))
    assert "forged" not in github_forger.stderr


def test_github_annotations_point_at_the_def_lines_most_points_lost_first(github_forger: Job):
    annotations = [a for a in github_forger.stdout.splitlines() if a.startswith("::error ")]
    size, cost = _def_line(github_forger.root, "conv2d_output_size"), _def_line(github_forger.root, "conv2d_cost")

    assert annotations[0].startswith(f"::error file=assignments/shapes.py,line={size},title=shapes%3A conv2d_output_size loses 4.5 points::")
    assert annotations[1].startswith(f"::error file=assignments/shapes.py,line={cost},title=shapes%3A conv2d_cost loses 3.5 points::")
    assert "%0A- 8x8 input, 3x3 filter (0/1): conv2d_output_size: value: returned an int 7, expected 6" in annotations[0]
    assert ": :warning: :forged in an exception" in annotations[1]


def test_github_job_summary_and_junit_carry_points_and_the_advisory_note(github_forger: Job):
    assert github_forger.returncode == 1
    assert github_forger.summary.startswith("## your assignments: 0 / 8\n\n> Advisory: these are the public checks only.")
    assert "the instructor's run, which adds hidden checks, worth 2 more points (out of 10)" in github_forger.summary
    assert "| conv2d\\_output\\_size forward | ❌ | 0/2 |" in github_forger.summary
    suite = github_forger.junit.find("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert (props["score"], props["max_score"]) == ("0", "8") and props["note"].startswith("Advisory:")
    case = suite.find("testcase[@name='conv2d_output_size forward']")
    assert {p.get("name"): p.get("value") for p in case.find("properties")} == {"points": "0", "max_points": "2"}
    assert "Advisory: these are the public checks only." in github_forger.stdout


def test_gitlab_log_holds_no_section_marker_and_no_command_line(gitlab_forger: Job):
    out = gitlab_forger.stdout + gitlab_forger.stderr

    assert "forged error" in out and "forged section" in out
    assert "\r" not in out and "\x1b" not in out
    assert "section_start:" not in out and "section_end:" not in out
    assert _acted(out) == []  # no stop-commands, no annotations, no student command
    assert "##[" not in out


def test_gitlab_reports_in_the_log_and_junit_and_exits_nonzero(gitlab_forger: Job):
    assert gitlab_forger.returncode == 1
    assert gitlab_forger.summary == ""
    assert "conv2d_output_size forward" in gitlab_forger.stdout and "Total: 0 / 8" in gitlab_forger.stdout
    assert "Advisory: these are the public checks only." in gitlab_forger.stdout
    suite = gitlab_forger.junit.find("testsuite")
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["max_score"] == "8"
    assert gitlab_forger.junit.get("failures") == "7"


def test_full_marks_exits_zero_with_no_annotation_and_a_fresh_token(github_full_marks: Job, github_forger: Job):
    assert github_full_marks.returncode == 0, github_full_marks.stdout[-2000:]
    assert github_full_marks.summary.startswith("## your assignments: 8 / 8\n\n> Advisory:")
    acted = _acted(github_full_marks.stdout)
    assert len(acted) == 2 and acted[0].startswith("::stop-commands::")
    assert acted[0] != _acted(github_forger.stdout)[0]
    suite = github_full_marks.junit.find("testsuite")
    assert {p.get("name"): p.get("value") for p in suite.find("properties")}["score"] == "8"
    assert github_full_marks.junit.get("failures") == "0"
