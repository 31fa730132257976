"""Each seeded bug is caught in its own part, and every other part still gets full marks.

A bug changes one module, and each part is graded from its own module (and `_convcore`, which no
bug touches), so every other part of a buggy submission is the vectorized solution's, which
scores full marks: each bug is graded in its own part only, and one bug is graded in full to
show that a failing part costs the others nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from grader.hidden import MESSAGES as HIDDEN_MESSAGES
from grader.parts import PARTS
from grader.results import SubmissionResult
from conftest import VECTORIZED, grade
from seeded_bugs import SEEDED_BUGS, SeededBug, materialize

# Every hint each seeded bug's feedback gives, and nothing else: a diagnosis must fire only where
# its mistake is present (a wrong-shaped db once got "crop the padding off dx"). A bug absent from
# this table gets no "likely mistake" line at all; one listed gets exactly these.
HINTS: dict[str, tuple[str, ...]] = {
    "conv_kernel_flipped": ("kernel flipped",),
    "conv_dw_one_sample": ("first sample only",),
    "conv_pad_one_side": ("the shape is off by (0, 0, -1, -1)",),
    "conv_output_size_off_by_one": ("the shape is off by (0, 0, -1, 0)",),
    "conv_dx_crop_pad_zero": ("dx_pad[p:-p] keeps nothing",),
    "maxpool_grad_all_ties": ("every tied maximum",),
    "avgpool_not_divided": ("scale factor",),
    "rnn_tanh_grad_one_minus_h": ("1 - h**2",),
    "rnn_no_grad_through_time": ("through time",),
    "rnn_dh0_zeros": ("every value you returned is 0",),
    "residual_missing_skip_grad": ("shortcut's gradient",),
}


def hint_lines(result: SubmissionResult) -> set[str]:
    return {line for c in result.checks for line in c.message.splitlines() if line.startswith("likely mistake:")}


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
def test_seeded_bug_is_caught_in_its_own_part_only(bug: SeededBug, tmp_path: Path, vectorized_result: SubmissionResult):
    root = materialize(bug, tmp_path / bug.name)
    assert changed_files(root) == [f"assignments/{bug.module}.py"]
    assert [p.name for p in PARTS if p.module == bug.module] == [bug.part]
    assert_other_parts_full(vectorized_result, bug.part)
    result = grade(root, [bug.part])

    own = result.part(bug.part)
    assert own.score < own.max_score - 1e-9, f"{bug.name} went unnoticed"
    assert any(c.outcome == "failed" and c.kind in ("forward", "backward", "example") for c in own.checks)
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
    assert all(any(says in hint for says in expected) for hint in declared), declared


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
