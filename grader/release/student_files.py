"""The student repository's own files: README, pyproject.toml, .python-version and .gitignore.

The README is the students' manual for one assignment: what to implement (each part's module,
its functions and points), how to install (the CPU-only torch wheel), how to run `check`, the
rules, and what the CI reports are worth (advice; the grade is the instructor's run).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from grader.ci.workflows import GITHUB_WORKFLOW_PATH, GITLAB_CI_PATH, PYTHON_VERSION, TORCH_CPU_INDEX, TORCH_PIN
from grader.course import Assignment
from grader.parts import BY_NAME
from grader.render import format_points


def python_version() -> str:
    """`.python-version`: the version both workflows set up (grader.ci.workflows)."""
    return PYTHON_VERSION + "\n"


def gitignore() -> str:
    return "__pycache__/\n*.pyc\n.venv/\n.hypothesis/\n*.egg-info/\nrepro/\ngradelab-junit.xml\n"


def pyproject(assignment: Assignment, root: Path) -> str:
    """The dependencies of the instructor's own pyproject.toml (torch as a range, so a student's
    CUDA build is kept), and nothing to install: `cli.py` runs the grader from this folder, and an
    installed copy must never shadow `assignments/`."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = "".join(f'    "{d}",\n' for d in project["dependencies"])
    return f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "gradelab-{assignment.name}"
version = "1.0.0"
description = "Assignment {assignment.name}: numpy neural-network layers, checked against PyTorch references"
requires-python = "{project["requires-python"]}"
dependencies = [
{deps}]

[tool.setuptools]
# Nothing to install: `python cli.py check` runs from this folder.
packages = []
"""


def readme(assignment: Assignment, totals: Mapping[str, float], hidden: Mapping[str, float]) -> str:
    """The student README; `totals` and `hidden` are each part's points and its hidden checks' share."""
    total = sum(totals.values())
    hidden_total = sum(hidden.values())
    lines = [
        f"# Assignment {assignment.name}",
        "",
        "Implement the numpy layers below. Every function's docstring states its shapes, its semantics",
        "and the lecture's formula. `python cli.py check` grades your code against PyTorch references with",
        "the public checks; the instructor's grade adds hidden checks on inputs you cannot predict.",
        "",
        *_due(assignment),
        "## What to implement",
        "",
        "| part | file | functions | points |",
        "|---|---|---|---:|",
        *(_part_row(p, totals[p]) for p in assignment.parts),
        f"| **total** | | | **{format_points(total)}** |",
        "",
        f"Of these, the hidden checks hold {format_points(hidden_total)} points: `check` shows the rest.",
        "Edit only the files in this table.",
        "",
        "## Set up",
        "",
        "```bash",
        "python -m venv .venv && . .venv/bin/activate",
        f"python -m pip install {TORCH_PIN} --index-url {TORCH_CPU_INDEX}",
        "python -m pip install -e .",
        "```",
        "",
        "The first line of pip installs the CPU-only build of torch (the references run on it; the default",
        "build brings gigabytes of CUDA). With your own CUDA build of torch installed, skip it.",
        "",
        "## Check your work",
        "",
        "```bash",
        "python cli.py check                  # every part",
        f"python cli.py check {assignment.parts[0]:<17}# one part (several: `conv rnn` or `conv,rnn`)",
        "python cli.py check --no-timing      # skip the speed checks while you work on correctness",
        "```",
        "",
        "It prints a table per part and, for each failing check, the smallest failing input found, the",
        "largest error and where, expected-vs-got values, the likely mistake where the grader recognises",
        "it, and what your own `print` calls showed during that check. The exit code is 0 only when every",
        "public check passes.",
        "",
        "To debug a failing case on its own: `python cli.py check PART --repro repro/` writes each failing",
        "comparison as `repro/repro_<function>.npz` with a numpy-only script, `repro/repro_<function>.py`;",
        "run it from this folder, fix, run it again, then `check` again.",
        "",
        "## Rules",
        "",
        "- numpy and the Python standard library only: importing torch, scipy, tensorflow, jax or the",
        "  grader scores zero for that part;",
        "- do not modify your inputs in place; return float `ndarray`s of the documented shapes; a",
        "  backward returns one gradient per array argument of its forward;",
        "- change only `assignments/<part>.py`. Everything else (the grader, `cli.py`, the workflows,",
        "  `.gradelab/`) is compared with the release when your work is collected, and any change is",
        "  flagged to the instructor. Your grade never comes from these files: the instructor grades your",
        "  `assignments/` with their own copy of the grader.",
        "",
        "## Continuous integration",
        "",
        f"Every push runs `python cli.py check --ci` on GitHub Actions (`{GITHUB_WORKFLOW_PATH}`) or GitLab CI",
        f"(`{GITLAB_CI_PATH}`): a points table in the job summary, an annotation at each failing function,",
        "and a JUnit report. These reports are advisory: they run the public checks only. Your grade comes",
        "from the instructor's run, which adds the hidden checks.",
        "",
    ]
    return "\n".join(lines)


def _due(assignment: Assignment) -> list[str]:
    if assignment.due is None:
        return []
    return [
        f"**Due {assignment.due.isoformat()}** ({assignment.late.describe()}). What counts is when your",
        "work is pushed, which the forge records, not the date a commit claims.",
        "",
    ]


def _part_row(name: str, points: float) -> str:
    spec = BY_NAME[name]
    functions = [f for layer in spec.layers for f in (layer.forward, layer.backward) if f]
    return f"| {name} | `assignments/{spec.module}.py` | {', '.join(f'`{f}`' for f in functions)} | {format_points(points)} |"


def editable(parts: Sequence[str]) -> tuple[str, ...]:
    """The paths a student may change: one stub per part."""
    return tuple(f"assignments/{BY_NAME[p].module}.py" for p in parts)
