from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from render_fixtures import BACKWARD_MESSAGE, IMPORT_ERROR, sample_result

from grader.render.gradescope import to_gradescope, write_gradescope

TOL = 1e-9


def _tests_by_name(payload: dict) -> dict[str, dict]:
    return {t["name"]: t for t in payload["tests"]}


def test_top_level_has_gradescope_keys_with_their_types():
    payload = to_gradescope(sample_result())

    assert set(payload) == {
        "score",
        "execution_time",
        "output",
        "output_format",
        "test_output_format",
        "stdout_visibility",
        "tests",
    }
    assert isinstance(payload["score"], float)
    assert isinstance(payload["execution_time"], (int, float))
    assert isinstance(payload["output"], str)
    assert payload["output_format"] == "text"
    assert payload["stdout_visibility"] == "hidden"
    assert isinstance(payload["tests"], list)


def test_each_test_has_schema_keys_with_their_types():
    for t in to_gradescope(sample_result())["tests"]:
        assert set(t) == {
            "name", "number", "score", "max_score", "status", "output", "tags", "visibility"
        }
        assert isinstance(t["name"], str)
        assert isinstance(t["number"], str)
        assert isinstance(t["score"], float)
        assert isinstance(t["max_score"], float)
        assert t["status"] in ("passed", "failed")
        assert isinstance(t["output"], str)
        assert all(isinstance(tag, str) for tag in t["tags"])
        assert t["visibility"] in ("visible", "after_published")


def test_score_is_the_sum_of_test_scores():
    payload = to_gradescope(sample_result())

    assert payload["score"] == pytest.approx(12.5, abs=TOL)
    assert sum(t["score"] for t in payload["tests"]) == pytest.approx(payload["score"], abs=TOL)
    assert sum(t["max_score"] for t in payload["tests"]) == pytest.approx(50.0, abs=TOL)


def test_one_test_per_check_numbered_part_dot_check():
    result = sample_result()
    payload = to_gradescope(result)

    assert len(payload["tests"]) == len(result.checks)
    numbers = [t["number"] for t in payload["tests"]]
    assert numbers == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2"]


def test_names_are_part_function_kind_with_hidden_marked():
    names = [t["name"] for t in to_gradescope(sample_result())["tests"]]

    assert names[:3] == [
        "conv: conv2d_forward forward",
        "conv: conv2d_backward backward",
        "conv: conv2d_forward gradcheck (hidden)",
    ]


def test_public_checks_are_visible_and_hidden_ones_after_published():
    tests = _tests_by_name(to_gradescope(sample_result()))

    assert tests["conv: conv2d_forward forward"]["visibility"] == "visible"
    assert tests["conv: conv2d_forward gradcheck (hidden)"]["visibility"] == "after_published"
    assert sum(t["visibility"] == "after_published" for t in tests.values()) == 1


def test_status_is_passed_only_for_passed_outcomes():
    tests = _tests_by_name(to_gradescope(sample_result()))

    assert tests["conv: conv2d_forward forward"]["status"] == "passed"
    assert tests["conv: conv2d_backward backward"]["status"] == "failed"
    assert tests["pooling: max_pool_forward timing"]["status"] == "failed"  # skipped
    assert tests["rnn: rnn_step forward"]["status"] == "failed"  # error


def test_test_output_is_the_full_message_and_tags_are_part_and_kind():
    backward = _tests_by_name(to_gradescope(sample_result()))["conv: conv2d_backward backward"]

    assert backward["output"] == BACKWARD_MESSAGE
    assert backward["tags"] == ["conv", "backward"]


def test_part_that_did_not_import_still_lists_its_checks_at_zero():
    tests = [t for t in to_gradescope(sample_result())["tests"] if t["tags"][0] == "rnn"]

    assert [t["name"] for t in tests] == ["rnn: rnn_step forward", "rnn: rnn_step backward"]
    assert all(t["score"] == pytest.approx(0.0, abs=TOL) for t in tests)
    assert all(IMPORT_ERROR in t["output"] for t in tests)


def test_output_summarises_total_device_sandbox_and_warnings():
    output = to_gradescope(sample_result())["output"]

    assert "Total: 12.5 / 50" in output
    assert "cpu (numpy 2.1)" in output
    assert "subprocess, 60 s limit" in output
    assert "Warning: student code printed 12 KiB; output truncated" in output
    assert "Part rnn did not import" in output


def test_rendering_leaves_the_result_unchanged():
    result = sample_result()
    before = result.to_dict()

    to_gradescope(result)

    assert result.to_dict() == before


def test_write_gradescope_writes_parseable_json_and_no_temp_file(tmp_path: Path):
    path = tmp_path / "results.json"
    path.write_text("stale")

    write_gradescope(sample_result(), path)

    assert json.loads(path.read_text(encoding="utf-8")) == to_gradescope(sample_result())
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_write_gradescope_refuses_nan_scores_and_keeps_the_old_file(tmp_path: Path):
    result = sample_result()
    broken_part = replace(
        result.parts[0], checks=(replace(result.parts[0].checks[0], score=float("nan")),)
    )
    path = tmp_path / "results.json"
    path.write_text("old")

    with pytest.raises(ValueError):
        write_gradescope(replace(result, parts=(broken_part,)), path)

    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
