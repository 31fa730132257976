"""Each seeded bug is caught in its own part, and every other part still gets full marks.

A bug is graded in its own part and in every part whose module imports its module in the
vectorized solution (directly or through others): the other parts' files are the vectorized
solution's, byte for byte, and grading is deterministic, so they score its full marks
(tests/test_grade_solutions.py) without being graded again for each bug.
"""

from __future__ import annotations

import ast
from pathlib import Path

from dataclasses import replace

import pytest
from grader.engine.grade import grade_submission
from grader.hidden import MESSAGES as HIDDEN_MESSAGES
from grader.options import GradeOptions
from grader.parts import PARTS, select
from grader.spec import PartSpec, Points
from grader.results import SubmissionResult
from conftest import grade
from seeded_bugs import DIAGNOSIS_BUGS, SEEDED_BUGS, VECTORIZED, SeededBug, batches, materialize, plant

# Every hint each seeded bug's feedback gives, and nothing else: a diagnosis must fire only where
# its mistake is present (a wrong-shaped db once got "crop the padding off dx"). A bug absent from
# this table gets no "likely mistake" line at all; one listed gets exactly these.
HINTS: dict[str, tuple[str, ...]] = {
    "conv1d_kernel_flipped": ("kernel flipped",),
    "conv1d_dx_kernel_flipped": ("kernel reversed",),
    "conv1d_db_mean_over_batch": ("mean over the batch",),
    "conv_kernel_flipped": ("kernel flipped",),
    "conv_dw_one_sample": ("first sample only",),
    "conv_pad_one_side": ("only at the top and left",),
    "conv_output_size_off_by_one": ("misses the + 1: H_out",),
    "conv_dx_crop_pad_zero": ("dx_pad[p:-p] keeps nothing",),
    "maxpool_grad_all_ties": ("every tied maximum",),
    "avgpool_not_divided": ("right one times a constant",),
    "rnn_tanh_grad_one_minus_h": ("1 - h**2",),
    "rnn_no_grad_through_time": ("through time",),
    "rnn_dh0_zeros": ("your dh0 is all zeros",),
    "lstm_gate_order_ifgo": ("torch.nn.LSTM's order",),
    "lstm_step_ignores_dnext_c": ("leaves dnext_c out", "cell state's gradient through time"),
    "lstm_no_grad_through_time": ("dprev_h that step t+1 sends back",),
    "lstm_c0_is_h0": ("cell state starts from h0",),
    "seq2seq_dh0_not_to_encoder": ("the encoder gets no gradient",),
    "seq2seq_decoder_from_zero": ("your decoder starts from zeros",),
    "softmax_loss_mean_over_counted": ("number of counted steps",),
    "softmax_loss_ignores_mask": ("counts the masked steps too",),
    "residual_missing_skip_grad": ("shortcut's gradient",),
    # the diagnosis catalogue (grader/parts/mistakes/); DIAGNOSIS_BUGS are graded below
    "conv_db_wrong_axes": ("db reduces dout over the wrong axes",),
    "conv_stride_ignored_in_backward": ("as if the stride were 1",),
    "maxpool_overwrite_overlap": ("wrong only where windows overlap",),
    "rnn_forward_ignores_h0": ("starts from zeros and ignores h0",),
    "residual_relu_before_add": ("your output is relu(f) + shortcut",),
    "shapes_cost_without_bias": ("leaves out the biases",),
    "shapes_output_size_no_floor": ("true division",),
    "conv_dx_crop_fixed_one": ("dx_pad[p:-p] keeps nothing",),  # the same empty dx on the smallest failing case
    "conv_width_from_h": ("width is computed from H",),
    "conv_width_from_kh": ("kernel's height KH, not its width",),
    "conv_kernel_dims_swapped": ("height comes from KW",),
    "conv_strides_swapped": ("the stride as (stride_w, stride_h)",),
    "conv_ceil_output_size": ("rounds (H + 2*pad - K) / stride up",),
    "conv_dx_covered_only": ("rows and columns some window reaches",),
    "conv_dx_float32": ("float32's precision",),
    "conv_db_per_sample": ("db reduces dout over the wrong axes",),
    "maxpool_last_maximum": ("last tied maximum",),
    "pool_stride_defaults_to_one": ("stride 1 where stride was left out",),
    "avgpool_divided_by_stride": ("right one times a constant",),
    "avgpool_divided_by_kh_squared": ("right one times a constant",),
    "rnn_upstream_last_step_only": ("upstream dh only at the last step",),
    "rnn_dwh_from_next_h": ("dWh multiplies da by the step's output next_h",),
    "rnn_wh_not_transposed": ("Wh where its transpose belongs",),
    "rnn_db_batch_mean": ("db averages over the batch",),
    "rnn_h0_every_step": ("every step of your rnn_forward starts from h0",),
    "residual_no_final_relu": ("f + shortcut with no ReLU",),
    "residual_skip_grad_unmasked": ("adds dout itself for the shortcut",),
    "shapes_output_size_ceil": ("your size rounds up",),
    "shapes_output_size_missing_plus_one": ("your size misses the + 1",),
    "residual_projection_ignores_stride": ("projection runs at stride 1",),
    "residual_second_conv_unpadded": ("second convolution has no padding",),
    "maxpool_argmax_unravelled_by_kh": ("yours divides by KH",),
    "conv_pad_after": ("top left of the padded array",),
    "conv_dw_last_sample": ("last sample only",),
    "lenet_tanh_grad_of_output": ("1 - tanh(h)**2",),
    "lenet_flatten_mixes_samples": ("your flatten mixes the samples",),
    "lenet_softmax_dscores_not_averaged": ("N times too large",),
    "attention_scaled_by_d": ("divided by d, the head size",),
    "attention_softmax_over_queries": ("softmax runs over the queries",),
    "attention_mask_after_softmax": ("you mask after the softmax",),
    "layernorm_unbiased_variance": ("divides by D - 1 (ddof=1)", "returns NaN when D = 1"),
    "mha_heads_without_transpose": ("your heads mix positions",),
    "encoder_residual_grad_dropped": ("drops the residual connection's share",),
}

# Bugs that every conv, pooling and affine check passes and a training run must still catch: the
# part's training check fails for each (and its message says where the loss left the reference's).
BREAKS_TRAINING = {"lenet_tanh_grad_of_output", "lenet_flatten_mixes_samples", "lenet_softmax_dscores_not_averaged"}


HINTS_OF_KEY: dict[str, set[str]] = {}
for _part in PARTS:
    for _d in _part.diagnoses:
        HINTS_OF_KEY.setdefault(_d.key, set()).add(_d.hint)


def hint_lines(result: SubmissionResult, part: str | None = None) -> set[str]:
    """The likely-mistake lines; each check's lines must be the hints of the keys it carries as
    data (CheckResult.mistakes: what the class report counts), no more and no fewer."""
    found = set()
    for c in result.checks:
        lines = {line.removeprefix("likely mistake: ") for line in c.message.splitlines() if line.startswith("likely mistake:")}
        assert all(k in HINTS_OF_KEY for k in c.mistakes), (c.id, c.mistakes)
        assert lines <= {h for k in c.mistakes for h in HINTS_OF_KEY[k]} and all(HINTS_OF_KEY[k] & lines for k in c.mistakes), (c.id, c.mistakes, lines)
        if part in (None, c.part):
            found |= {f"likely mistake: {line}" for line in lines}
    return found


def imported_modules(path: Path) -> set[str]:
    """The sibling modules a solution module imports: `from ._convcore import`, `from assignments.rnn import`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assignments."):
            found.add(node.module.split(".")[1])  # type: ignore[union-attr]
        elif isinstance(node, ast.ImportFrom) and node.module == "assignments":
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("assignments.")}
    return found


def reaching(module: str, root: Path = VECTORIZED) -> set[str]:
    """`module` and every module of the solution that imports it, directly or through others."""
    graph = {p.stem: imported_modules(p) for p in (root / "assignments").glob("*.py")}
    reached = {module}
    while grown := {m for m, deps in graph.items() if deps & reached} - reached:
        reached |= grown
    return reached


def test_a_module_reaches_the_modules_that_import_it_directly_or_through_others(tmp_path: Path):
    assert reaching("_convcore") == {"_convcore", "conv", "pooling", "residual", "lenet"}
    assert reaching("rnn") == {"rnn"}
    pkg = tmp_path / "assignments"
    pkg.mkdir()
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "b.py").write_text("from assignments.a import x\n")
    (pkg / "c.py").write_text("from . import b\n")
    (pkg / "d.py").write_text("import assignments.c\n")
    (pkg / "e.py").write_text("import numpy\n")
    assert reaching("a", tmp_path) == {"a", "b", "c", "d"}


def changed_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if "__pycache__" not in p.parts and p.read_bytes() != (VECTORIZED / p.relative_to(root)).read_bytes()
    )


def assert_other_parts_full(result: SubmissionResult, part_name: str) -> None:
    for part in result.parts:
        if part.part != part_name:
            assert part.score == pytest.approx(part.max_score, abs=1e-9), (part.part, [c.message for c in part.checks if c.outcome != "passed"])


@pytest.mark.parametrize("bug", SEEDED_BUGS, ids=lambda b: b.name)
def test_seeded_bug_is_caught_in_its_own_part_only(bug: SeededBug, tmp_path: Path):
    touched = reaching(bug.module)
    root = materialize(bug, tmp_path / bug.name)
    assert changed_files(root) == [f"assignments/{bug.module}.py"]
    result = grade(root, [p.name for p in PARTS if p.module in touched])
    assert_other_parts_full(result, bug.part)

    own = result.part(bug.part)
    assert own.score < own.max_score - 1e-9, f"{bug.name} went unnoticed"
    # A grader failure is no catch: every check must have run to a verdict.
    assert [c.message for c in result.checks if c.outcome == "error"] == []
    assert any(c.outcome == "failed" and c.kind in ("forward", "backward", "example") for c in own.checks)
    if bug.name in BREAKS_TRAINING:
        training = [c for c in own.checks if c.kind == "training"]
        assert training and all(c.outcome == "failed" and "left the reference's" in c.message for c in training), [c.message for c in training]
    # Hidden checks show a fixed sentence: no hint, no observation, nothing of the student's values.
    hidden = [c.message for c in result.checks if c.visibility == "hidden" and c.outcome == "failed"]
    assert all(m in HIDDEN_MESSAGES.values() for m in hidden), hidden
    hints = hint_lines(result)
    expected = HINTS.get(bug.name, ())
    assert len(hints) == len(expected), (bug.name, hints)
    for says in expected:
        assert any(says in h for h in hints), (bug.name, says, hints)


def test_a_failing_part_costs_the_others_nothing_in_a_full_grade(tmp_path: Path):
    bug = next(b for b in SEEDED_BUGS if b.name == "conv_stride_ignored_in_backward")
    result = grade(materialize(bug, tmp_path / bug.name))
    assert result.part("conv").score < result.part("conv").max_score - 1e-9
    assert_other_parts_full(result, "conv")


def test_every_declared_diagnosis_fires_for_a_seeded_bug():
    """A spec's diagnosis no seeded bug triggers is untested: the table above must name each."""
    declared = {d.hint for part in PARTS for d in part.diagnoses}
    expected = [says for hints in HINTS.values() for says in hints]
    assert [hint for hint in declared if not any(says in hint for says in expected)] == []
    assert set(HINTS) <= {b.name for b in SEEDED_BUGS + DIAGNOSIS_BUGS}


# The catalogue's bugs are graded for their hints only: the public forward, backward and example
# checks (the only ones that diagnose; hidden feedback is redacted, as the test above proves),
# fewer drawn cases, and one grade for a group of bugs in distinct modules.
DIAGNOSE = GradeOptions(visibility=("public",), timing=False, examples_scale=0.4)


def diagnosing(part: PartSpec) -> PartSpec:
    """`part` with only its public forward and backward checks (and its examples)."""
    return replace(part, layers=tuple(replace(layer, points=Points(forward=layer.points.forward, backward=layer.points.backward)) for layer in part.layers))


@pytest.mark.parametrize("group", batches(DIAGNOSIS_BUGS), ids=lambda g: "+".join(b.name for b in g))
def test_each_catalogue_bug_gets_its_own_diagnosis_and_no_other(group: tuple[SeededBug, ...], tmp_path: Path):
    root = plant(group, tmp_path / "group")
    assert changed_files(root) == sorted(f"assignments/{b.module}.py" for b in group)
    result = grade_submission(root, [diagnosing(p) for p in select([b.part for b in group])], DIAGNOSE)
    assert [c.message for c in result.checks if c.outcome == "error"] == []
    for bug in group:
        own = result.part(bug.part)
        assert own.score < own.max_score - 1e-9, f"{bug.name} went unnoticed"
        hints, expected = hint_lines(result, bug.part), HINTS[bug.name]
        assert len(hints) == len(expected), (bug.name, hints)
        for says in expected:
            assert any(says in h for h in hints), (bug.name, says, hints)


def test_failure_feedback_shows_the_shrunk_input_and_errors(tmp_path: Path):
    bug = next(b for b in SEEDED_BUGS if b.name == "conv_kernel_flipped")
    result = grade(materialize(bug, tmp_path / "flip"), ["conv"])
    forward = next(c for c in result.checks if c.name == "conv2d_forward forward")
    # Hypothesis shrinks to the smallest input: one sample, one channel, a 1x1 output is not
    # enough to show a flip, so the kernel keeps 2 elements along one axis at most.
    ce = forward.counterexample
    assert ce is not None and ce.shapes["x"][0] == 1 and ce.shapes["x"][1] == 1
    assert max(ce.shapes["w"][2:]) == 2 and min(ce.shapes["w"][2:]) == 1
    assert "max abs error" in forward.message and "expected" in forward.message
    hidden = next(c for c in result.checks if c.name == "conv2d_forward forward (hidden)")
    assert hidden.counterexample is None and hidden.message == HIDDEN_MESSAGES["failed"]
