"""grader/ci: where an annotation points (read with ast, never imported), which annotations a
result gets and in what order, and when `check` thinks it runs in CI."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from render_fixtures import check, sample_result

from grader.ci.annotations import MAX_ANNOTATIONS, failure_annotations
from grader.ci.locate import definitions
from grader.ci.mode import ADVISORY, advisory_note, detect_forge
from grader.results import PartResult

SOURCE = '''"""A student module."""
import functools


def helper():
    pass


@functools.lru_cache
def conv2d_forward(x, w):
    raise NotImplementedError


def conv2d_backward(dout, cache):
    return 0


conv2d_backward = helper
'''


def _write(tmp_path: Path, module: str, source: str) -> Path:
    (tmp_path / "assignments").mkdir(exist_ok=True)
    (tmp_path / "assignments" / f"{module}.py").write_text(source)
    return tmp_path


def test_definitions_give_the_def_line_past_decorators_and_the_last_binding(tmp_path: Path):
    found = definitions(_write(tmp_path, "conv", SOURCE) / "assignments" / "conv.py")

    assert found.line("conv2d_forward") == 10
    assert found.line("conv2d_backward") == 18  # rebound by assignment: Python uses that one
    assert found.line("missing") == 1


def test_definitions_of_a_file_that_does_not_parse_point_at_the_syntax_error(tmp_path: Path):
    found = definitions(_write(tmp_path, "conv", "def f():\n    return 1\n\ndef g(:\n") / "assignments" / "conv.py")

    assert found.syntax_error == 4 and found.line("f") == 4


def test_definitions_never_run_the_module(tmp_path: Path):
    marker = tmp_path / "ran"
    root = _write(tmp_path, "conv", f"open({str(marker)!r}, 'w').write('x')\ndef conv2d_forward():\n    pass\n")

    assert definitions(root / "assignments" / "conv.py").line("conv2d_forward") == 2
    assert not marker.exists()


def test_one_annotation_per_failing_function_most_points_lost_first(tmp_path: Path):
    root = _write(tmp_path, "conv", SOURCE)
    part = PartResult("conv", (
        check(function="conv2d_forward", outcome="failed", score=0.0, max_score=1.0, message="off by one\nmore"),
        check(function="conv2d_forward", kind="backward", outcome="passed"),
        check(function="conv2d_backward", kind="backward", outcome="error", score=0.0, max_score=3.0, message="raised"),
        check(function="conv2d_backward", kind="gradcheck", outcome="skipped", score=0.0, max_score=0.5, message="gated"),
    ))
    found = failure_annotations(replace(sample_result(), parts=(part,)), root, tmp_path)

    assert [(a.file, a.line, a.lost) for a in found] == [("assignments/conv.py", 18, 3.5), ("assignments/conv.py", 10, 1.0)]
    assert found[0].title == "conv: conv2d_backward loses 3.5 points"
    assert "1 more check(s) not run until these pass (0.5 points)" in found[0].message
    assert found[1].github() == (
        "::error file=assignments/conv.py,line=10,title=conv%3A conv2d_forward loses 1 points::"
        "1 check(s) failed; 1 of 2 points lost:%0A- conv2d_forward forward (0/1): off by one"
    )


def test_a_part_that_did_not_import_gets_one_annotation_at_its_syntax_error(tmp_path: Path):
    root = _write(tmp_path, "rnn", "x = 1\ndef rnn_step(:\n")
    annotations = failure_annotations(sample_result(), root, tmp_path)  # its rnn part did not import

    rnn = [a for a in annotations if a.file == "assignments/rnn.py"]
    assert len(rnn) == 1 and rnn[0].line == 2 and rnn[0].title == "rnn did not import"


def test_at_most_ten_annotations(tmp_path: Path):
    many = PartResult("conv", tuple(
        check(function=f"f{i}", outcome="failed", score=0.0, max_score=float(i + 1)) for i in range(MAX_ANNOTATIONS + 5)
    ))
    found = failure_annotations(replace(sample_result(), parts=(many,)), _write(tmp_path, "conv", ""), tmp_path)

    assert len(found) == MAX_ANNOTATIONS
    assert [a.lost for a in found] == [float(i) for i in range(MAX_ANNOTATIONS + 5, 5, -1)]


def test_ci_mode_follows_the_runners_variables_and_the_flag():
    assert detect_forge(None, {"GITHUB_ACTIONS": "true"}) == "github"
    assert detect_forge(None, {"GITLAB_CI": "true"}) == "gitlab"
    assert detect_forge(None, {"GITHUB_ACTIONS": "false", "CI": "true"}) is None
    assert detect_forge(False, {"GITHUB_ACTIONS": "true"}) is None
    assert detect_forge(True, {}) == "github"
    assert advisory_note(0, 10) == ADVISORY
    assert advisory_note(2, 10).endswith("adds hidden checks, worth 2 more points (out of 10).")
