"""A broken module costs its own part: the other parts are graded as usual and nothing crashes."""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import NO_TIMING, VECTORIZED, grade, variant

from grader.options import Limits
from grader.results import SubmissionResult

PARTS = ["shapes", "conv", "pooling"]
QUICK = replace(NO_TIMING, limits=Limits(call_seconds=1.0))


def _assert_only(result: SubmissionResult, broken: str) -> None:
    for part in result.parts:
        if part.part == broken:
            assert part.score == pytest.approx(0.0, abs=1e-12), [c.name for c in part.checks if c.score]
        else:
            assert part.score == pytest.approx(part.max_score, abs=1e-9), part.part


def test_syntax_error_scores_zero_for_its_part_with_the_error_shown(tmp_path: Path):
    src = variant(tmp_path, "conv", "def conv2d_forward(x, w, b, stride=1, pad=0)\n    return x\n")
    result = grade(src, PARTS)
    _assert_only(result, "conv")
    conv = result.part("conv")
    assert conv.error is not None and "SyntaxError" in conv.error and "conv.py" in conv.error
    assert all(c.outcome == "error" for c in conv.checks)


def test_missing_module_scores_zero_for_its_part(tmp_path: Path):
    src = variant(tmp_path, "pooling", "")
    (src / "assignments" / "pooling.py").unlink()
    result = grade(src, PARTS)
    _assert_only(result, "pooling")
    assert "pooling.py is missing" in (result.part("pooling").error or "")


def test_function_that_raises_fails_with_its_exception(tmp_path: Path):
    source = (VECTORIZED / "assignments" / "conv.py").read_text() + (
        "\n\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n    raise KeyError('oops')\n"
    )
    result = grade(variant(tmp_path, "conv", source), PARTS)
    forward = next(c for c in result.checks if c.name == "conv2d_forward forward")
    assert forward.outcome == "failed" and "raised KeyError" in forward.message and "conv.py" in forward.message
    assert result.part("shapes").score == pytest.approx(result.part("shapes").max_score, abs=1e-9)
    assert result.part("pooling").score == pytest.approx(result.part("pooling").max_score, abs=1e-9)


def test_function_that_hangs_is_stopped_and_the_rest_is_graded(tmp_path: Path):
    source = (VECTORIZED / "assignments" / "pooling.py").read_text() + (
        "\n\ndef max_pool2d_forward(x, kernel_size, stride=None):\n    while True:\n        pass\n"
    )
    start = time.monotonic()
    result = grade(variant(tmp_path, "pooling", source), PARTS, QUICK)
    assert time.monotonic() - start < 60
    forward = next(c for c in result.checks if c.name == "max_pool2d_forward forward")
    assert forward.outcome == "failed" and "did not finish within 1 s" in forward.message
    avg = [c for c in result.part("pooling").checks if c.function.startswith("avg_pool2d")]
    assert avg and all(c.outcome == "passed" for c in avg)
    assert result.part("conv").score == pytest.approx(result.part("conv").max_score, abs=1e-9)


def test_os_exit_inside_a_function_fails_that_function_only(tmp_path: Path):
    source = (VECTORIZED / "assignments" / "conv.py").read_text() + (
        "\n\ndef conv2d_backward(dout, cache):\n    import os\n    os._exit(0)\n"
    )
    result = grade(variant(tmp_path, "conv", source), PARTS)
    backward = next(c for c in result.checks if c.name == "conv2d_backward backward")
    assert backward.outcome == "failed" and "exited with status 0" in backward.message
    forward = next(c for c in result.checks if c.name == "conv2d_forward forward")
    assert forward.outcome == "passed"
    assert result.part("pooling").score == pytest.approx(result.part("pooling").max_score, abs=1e-9)


def test_exit_at_import_scores_zero_for_that_part(tmp_path: Path):
    result = grade(variant(tmp_path, "shapes", "import sys\nsys.exit(0)\n"), PARTS)
    _assert_only(result, "shapes")
    assert "SystemExit" in (result.part("shapes").error or "")


def test_wrong_return_types_are_reported_not_crashed_on(tmp_path: Path):
    source = (VECTORIZED / "assignments" / "conv.py").read_text() + (
        "\n\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n    return {'out': 1}, None\n"
    )
    result = grade(variant(tmp_path, "conv", source), ["conv"])
    forward = next(c for c in result.checks if c.name == "conv2d_forward forward")
    assert forward.outcome == "failed" and "returned a dict" in forward.message


def test_a_folder_without_modules_scores_zero_everywhere(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    result = grade(tmp_path / "empty", PARTS)
    assert result.score == pytest.approx(0.0, abs=1e-12)
    assert all(p.error and "neither an assignments/ package" in p.error for p in result.parts)


def test_module_files_at_the_top_level_are_graded_too(tmp_path: Path):
    flat = tmp_path / "flat"
    flat.mkdir()
    for f in (VECTORIZED / "assignments").glob("*.py"):
        (flat / f.name).write_text(f.read_text())
    result = grade(flat, ["shapes", "pooling"])
    assert result.score == pytest.approx(result.max_score, abs=1e-9)


def test_a_hanging_backward_is_blamed_once_by_name_even_in_the_forwards_contract_check(tmp_path: Path):
    source = (VECTORIZED / "assignments" / "conv.py").read_text() + (
        "\n\ndef conv2d_backward(dout, cache):\n    while True:\n        pass\n"
    )
    result = grade(variant(tmp_path, "conv", source), ["conv"], QUICK)
    backward = next(c for c in result.checks if c.name == "conv2d_backward backward")
    assert backward.outcome == "failed" and "did not finish within 1 s" in backward.message
    assert "conv2d_backward: conv2d_backward" not in backward.message
    contract = next(c for c in result.checks if c.name == "conv2d_forward contract")
    assert contract.outcome == "failed"
    assert contract.headline.startswith("conv2d_backward failed in this contract check"), contract.headline
    assert "conv2d_forward itself kept the contract" in contract.headline
    assert next(c for c in result.checks if c.name == "conv2d_forward forward").outcome == "passed"


def test_a_raising_function_is_named_once_in_its_headline(tmp_path: Path):
    source = (VECTORIZED / "assignments" / "conv.py").read_text() + (
        "\n\ndef conv2d_forward(x, w, b, stride=1, pad=0):\n    raise KeyError('oops')\n"
    )
    result = grade(variant(tmp_path, "conv", source), ["conv"])
    forward = next(c for c in result.checks if c.name == "conv2d_forward forward")
    assert forward.headline.startswith("conv2d_forward raised KeyError"), forward.headline


def test_an_empty_submission_says_what_is_missing_without_a_path(tmp_path: Path):
    empty = tmp_path / "gradelab-tmp-empty"
    empty.mkdir()
    result = grade(empty, ["shapes"])
    texts = [result.part("shapes").error or "", *(c.message for c in result.checks)]
    assert any("the submission holds neither an assignments/ package" in t for t in texts)
    assert not any(str(tmp_path) in t or "gradelab-tmp-empty" in t for t in texts)
