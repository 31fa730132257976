"""Each seeded bug is caught in its own part, and every other part still gets full marks."""
from __future__ import annotations

from pathlib import Path

import pytest
from grader.hidden import MESSAGES as HIDDEN_MESSAGES
from conftest import grade
from seeded_bugs import SEEDED_BUGS, SeededBug, materialize

# The feedback names the mistake where a known-bug diagnosis or a generic pattern applies.
HINTS = {
    "conv_kernel_flipped": "kernel flipped",
    "conv_dw_one_sample": "first sample only",
    "conv_pad_one_side": "shape is off by",
    "conv_dx_crop_pad_zero": "shape of the input it belongs to",
    "maxpool_grad_all_ties": "every tied maximum",
    "avgpool_not_divided": "scale factor",
    "rnn_tanh_grad_one_minus_h": "1 - h**2",
    "rnn_no_grad_through_time": "through time",
    "rnn_dh0_zeros": "is 0",
    "residual_missing_skip_grad": "shortcut's gradient",
}


@pytest.mark.parametrize("bug", SEEDED_BUGS, ids=lambda b: b.name)
def test_seeded_bug_is_caught_in_its_own_part_only(bug: SeededBug, tmp_path: Path):
    result = grade(materialize(bug, tmp_path / bug.name))

    own = result.part(bug.part)
    assert own.score < own.max_score - 1e-9, f"{bug.name} went unnoticed"
    assert any(c.outcome == "failed" and c.kind in ("forward", "backward", "example") for c in own.checks)
    for part in result.parts:
        if part.part != bug.part:
            assert part.score == pytest.approx(part.max_score, abs=1e-9), (part.part, [c.message for c in part.checks if c.outcome != "passed"])
    feedback = "\n".join(c.message for c in own.checks if c.visibility == "public")
    if bug.name in HINTS:
        assert HINTS[bug.name] in feedback


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
