"""Shared helpers: grading real submissions (the instructor solutions, variants of them) once."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.options import GradeOptions
from grader.engine.grade import grade_submission
from grader.parts import select
from grader.results import SubmissionResult

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
VECTORIZED = TESTS / "solutions" / "vectorized"
LOOPS = TESTS / "solutions" / "loops"

# Two groups of parts at once, as `check` and a one-submission `grade` do on CI's two cores.
GRADE = GradeOptions(visibility=("public", "hidden"), hidden_seed=12345, part_jobs=2)
NO_TIMING = GradeOptions(visibility=("public", "hidden"), hidden_seed=12345, timing=False, part_jobs=2)


def grade(src: Path, parts: list[str] | None = None, options: GradeOptions = NO_TIMING) -> SubmissionResult:
    return grade_submission(src, select(parts), options)


def variant(tmp_path: Path, module: str, source: str, name: str = "variant") -> Path:
    """The vectorized solution with assignments/<module>.py replaced by `source`."""
    root = tmp_path / name
    shutil.copytree(VECTORIZED, root)
    (root / "assignments" / f"{module}.py").write_text(source)
    return root


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--skip-slow", action="store_true", help="leave out tests marked slow (CI runs them all)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--skip-slow"):
        skip = pytest.mark.skip(reason="--skip-slow")
        for item in items:
            if "slow" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def vectorized_result() -> SubmissionResult:
    return grade(VECTORIZED, options=GRADE)


@pytest.fixture(scope="session")
def loops_result() -> SubmissionResult:
    return grade(LOOPS, options=GRADE)


@pytest.fixture(scope="session")
def stubs_result() -> SubmissionResult:
    return grade(REPO, options=GRADE)
