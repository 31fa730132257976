"""Layers with several outputs and upstream gradients, and inputs with no gradient, through the
whole engine: the call wrapper, the wire, comparison, gradcheck, contract, diagnoses and repro."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from multi_output_part import LOSS_ARGS, STUDENT, TOY, student

from grader.engine.calls import sendable_args
from grader.engine.grade import grade_submission
from grader.options import GradeOptions
from grader.results import SubmissionResult
from grader.spec import Case, Layer, Points

PUBLIC = GradeOptions(timing=False)


def grade(root: Path, options: GradeOptions = PUBLIC) -> SubmissionResult:
    return grade_submission(root, (TOY,), options)


def by_name(result: SubmissionResult) -> dict[str, object]:
    return {c.name: c for c in result.checks}


def test_a_correct_two_output_layer_and_a_masked_loss_pass_every_check(tmp_path: Path):
    result = grade(student(tmp_path / "ok"))
    assert [(c.name, c.outcome) for c in result.checks if c.outcome != "passed"] == []
    assert {c.kind for c in result.checks} == {"forward", "backward", "gradcheck", "contract"}
    assert result.score == pytest.approx(6.0, abs=1e-12)  # timing left out


def test_timing_sends_every_upstream_gradient_and_checks_every_output(tmp_path: Path):
    # A limit of 1000x: this is about the multi-output path of the timing check, not about speed.
    result = grade(student(tmp_path / "timed"), replace(PUBLIC, timing=True))
    timing = {c.name: c for c in result.checks if c.kind == "timing"}
    assert set(timing) == {"split_forward timing", "split_backward timing", "pick_loss timing"}
    assert all(c.outcome == "passed" and "x (limit 1000x)" in c.headline for c in timing.values()), [c.message for c in timing.values()]


def test_a_backward_that_drops_the_second_upstream_gradient_fails_backward_and_gradcheck(tmp_path: Path):
    source = STUDENT.replace("dp @ w.T + dq * 2 * np.cos(x)", "dp @ w.T")
    checks = by_name(grade(student(tmp_path / "no_dq", source)))
    backward, gradcheck = checks["split_backward backward"], checks["split_backward gradcheck"]
    assert backward.outcome == "failed" and backward.headline.startswith("split_backward: dx: has wrong values")  # type: ignore[attr-defined]
    assert "dw" not in backward.message  # type: ignore[attr-defined]  # dw needs dp only: it is right
    assert gradcheck.outcome == "skipped"  # type: ignore[attr-defined]  # gated by the backward, run anyway
    assert "loss = sum(p * dp) + sum(q * dq)" in gradcheck.message  # type: ignore[attr-defined]


def test_a_wrong_second_output_is_named_and_diagnosed_by_its_own_variant(tmp_path: Path):
    source = STUDENT.replace("np.sin(x) * 2, (x, w)", "np.sin(x), (x, w)")
    forward = by_name(grade(student(tmp_path / "q", source)))["split_forward forward"]
    assert forward.outcome == "failed"  # type: ignore[attr-defined]
    assert forward.headline.startswith("split_forward: q: has wrong values")  # type: ignore[attr-defined]
    assert "likely mistake: q lost its factor 2" in forward.message  # type: ignore[attr-defined]


def test_a_forward_returning_fewer_values_than_declared_says_what_it_should_return(tmp_path: Path):
    source = STUDENT.replace("return x @ w, np.sin(x) * 2, (x, w)", "return x @ w, (x, w)")
    forward = by_name(grade(student(tmp_path / "short", source)))["split_forward forward"]
    assert "returned a tuple of 2 items; expected a triple (p, q, cache)" in forward.message  # type: ignore[attr-defined]


def test_a_loss_must_be_a_float_but_a_numpy_float_is_one(tmp_path: Path):
    # The correct student returns a numpy float64 (a sum): the contract passed above. A 0-d array
    # has the right value (the forward passes) and breaks the contract.
    source = STUDENT.replace("return loss, dscores", "return np.array(loss), dscores")
    checks = by_name(grade(student(tmp_path / "zero_d", source)))
    assert checks["pick_loss forward"].outcome == "passed"  # type: ignore[attr-defined]
    contract = checks["pick_loss contract"]
    assert contract.outcome == "failed" and "pick_loss's loss is an ndarray of shape (), expected a float" in contract.message  # type: ignore[attr-defined]


def test_a_wrong_loss_value_is_reported_as_a_number(tmp_path: Path):
    source = STUDENT.replace(".sum() / n", ".sum() / mask.sum()")
    forward = by_name(grade(student(tmp_path / "mean", source)))["pick_loss forward"]
    assert forward.outcome == "failed" and "loss: is " in forward.message and "expected" in forward.message  # type: ignore[attr-defined]


def test_a_loss_that_modifies_its_mask_breaks_the_contract(tmp_path: Path):
    source = STUDENT.replace("    return loss, dscores * mask[:, None] / n", "    dscores = dscores * mask[:, None] / n\n    mask[:] = False\n    return loss, dscores")
    contract = by_name(grade(student(tmp_path / "inplace", source)))["pick_loss contract"]
    assert contract.outcome == "failed" and "modified its input mask in place" in contract.message  # type: ignore[attr-defined]


def test_check_repro_writes_each_upstream_gradient_and_the_script_reruns_the_backward(tmp_path: Path):
    source = STUDENT.replace("dp @ w.T + dq * 2 * np.cos(x)", "dp @ w.T + dq * np.cos(x)")
    root = student(tmp_path / "half", source)
    repro = tmp_path / "repro"
    backward = by_name(grade(root, replace(PUBLIC, repro_dir=repro)))["split_backward backward"]
    assert backward.outcome == "failed"  # type: ignore[attr-defined]
    data = np.load(repro / "repro_split_backward.npz")
    assert {"arg_x", "arg_w", "dout_p", "dout_q", "expected"} <= set(data.files)
    run = subprocess.run([sys.executable, str(repro / "repro_split_backward.py"), str(root)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and run.stdout.startswith("split_backward: dx: has wrong values"), run.stdout + run.stderr


def test_an_integer_array_goes_only_to_an_input_declared_without_gradient():
    loss = TOY.layer("pick_loss")
    case = Case(LOSS_ARGS, (np.zeros((2, 3)), np.array([0, 2]), np.array([True, False])))
    assert [a.dtype.kind for a in sendable_args(loss, case)] == ["f", "i", "b"]
    with pytest.raises(ValueError, match="input scores is an array of dtype int64"):
        sendable_args(loss, case.replace("scores", np.zeros((2, 3), dtype=np.int64)))


def test_a_layer_declaration_that_cannot_be_graded_is_refused():
    base = TOY.layer("split_forward")
    with pytest.raises(ValueError, match="scalars"):
        replace(base, backward=None, scalars=("loss",))
    with pytest.raises(ValueError, match="array outputs only"):
        replace(base, scalars=("p",))
    with pytest.raises(ValueError, match="both arrays and no_grad"):
        replace(base, no_grad=("w",))
    with pytest.raises(ValueError, match="distinct"):
        Layer(forward="f", backward=None, arrays=(), cases=TOY.layers[0].cases, points=Points(), outputs=("a", "a"))
