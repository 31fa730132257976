"""grader/engine/checks/training.py: the training check's verdicts on real submissions.

A part with the lenet spec's training only (every layer check at zero points, so none is
planned), four steps long, keeps each grade to a worker's start and a few calls. The full run
(200 steps, 95% held-out) is graded by tests/test_grade_solutions.py and the seeded bugs.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conftest import NO_TIMING, REPO, VECTORIZED, variant

from grader.engine.checks.training import first_divergence, loss_table, schedule
from grader.engine.grade import grade_submission
from grader.engine.plan import plan_part
from grader.parts.lenet import LENET, TRAINING
from grader.results import CheckResult
from grader.spec import Points

SHORT = replace(TRAINING, steps=4, min_accuracy=0.0, rows=2)
ONLY_TRAINING = replace(LENET, layers=tuple(replace(layer, points=Points(), timing=None) for layer in LENET.layers), examples=(), training=SHORT)
SOURCE = (VECTORIZED / "assignments" / "lenet.py").read_text()


def train_only(root: Path, training=SHORT) -> CheckResult:
    result = grade_submission(root, (replace(ONLY_TRAINING, training=training),), NO_TIMING)
    (check,) = result.checks
    assert check.id == "lenet/lenet_forward/training/digits" and check.kind == "training"
    return check


def edited(tmp_path: Path, old: str, new: str) -> Path:
    assert SOURCE.count(old) == 1, old
    return variant(tmp_path, "lenet", SOURCE.replace(old, new))


def test_the_training_check_is_planned_once_public_and_ungated():
    (training,) = [p for p in plan_part(LENET, NO_TIMING) if p.kind == "training"]
    assert (training.id, training.points, training.visibility, training.gate) == ("lenet/lenet_forward/training/digits", 5, "public", ())


def test_minibatches_are_fixed_by_the_seed_and_cover_the_set_epoch_by_epoch():
    first, again = schedule(TRAINING, 100), schedule(TRAINING, 100)
    assert all((a == b).all() for a, b in zip(first, again))
    assert len(first) == TRAINING.steps and all(len(b) == TRAINING.batch_size for b in first)
    epoch = [i for b in first for i in b][:100]
    assert sorted(epoch) == list(range(100))


def test_losses_off_by_more_than_the_tolerance_are_found_at_their_first_step():
    ref = [2.0, 1.0, 0.5]
    assert first_divergence([2.0, 1.0 + 5e-7, 0.5], ref, TRAINING) is None  # 1e-7 + 1e-6 * 1.0 allows it
    assert first_divergence([2.0, 1.0 + 2e-6, 0.7], ref, TRAINING) == 1
    table = loss_table([2.0, 1.1], ref, rows=1, marked=1)
    assert table[2].split() == ["1", "1.100000000", "1.000000000", "<-", "first", "step", "off"]
    assert table[3].split() == ["2", "-", "0.500000000"]  # the student's run stopped before step 2


def test_a_correct_network_passes_and_shows_both_curves_and_accuracies():
    check = train_only(VECTORIZED)
    assert check.outcome == "passed" and check.score == 5, check.message
    lines = check.message.splitlines()
    assert lines[0].startswith("passed: your loss tracked the reference's for all 4 steps")
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["step", "your"])
    rows = [line.split() for line in lines[header + 1 : header + 4]]
    assert [r[0] for r in rows] == ["0", "2", "3"] and all(abs(float(r[1]) - float(r[2])) <= 1e-9 for r in rows)
    assert "held-out accuracy (360 samples): yours" in lines[-1]


def test_an_accuracy_under_the_bar_fails():
    check = train_only(VECTORIZED, replace(SHORT, min_accuracy=1.0))
    assert check.outcome == "failed" and "of the held-out samples, under 100%" in check.headline


def test_a_nan_loss_stops_training_and_fails_the_check(tmp_path):
    root = edited(tmp_path, "return float(loss), dscores", "return float('nan'), dscores")
    check = train_only(root)
    assert check.outcome == "failed" and check.score == 0
    assert check.headline == "training stopped at step 0: your loss is nan (not a finite number): training cannot go on"


def test_an_exception_stops_training_with_the_students_traceback(tmp_path):
    root = edited(tmp_path, "    dw5, db5 = h4.T @ dscores", "    assert len(cache) < 3, 'cache too long'\n    dw5, db5 = h4.T @ dscores")
    check = train_only(root)
    assert check.headline == "training stopped at step 0: lenet_backward raised AssertionError: cache too long"
    assert "traceback (your code):" in check.message and "lenet.py" in check.message


def test_a_gradient_of_the_wrong_shape_stops_training(tmp_path):
    root = edited(tmp_path, "dw3, db3 = flat.T @ dz3, dz3.sum(axis=0)", "dw3, db3 = dz3.T @ flat, dz3.sum(axis=0)")
    check = train_only(root)
    assert check.headline == "training stopped at step 0: dw3 is an ndarray of shape (64, 32); expected a float array of shape (32, 64)"


def test_the_shipped_stub_fails_without_training():
    check = train_only(REPO)
    assert check.headline == "training stopped at step 0: lenet_forward is not implemented yet (it raises NotImplementedError)"


def test_training_twice_gives_the_same_verdict_and_curves():
    first, second = train_only(VECTORIZED), train_only(VECTORIZED)
    assert (first.outcome, first.score, first.message) == (second.outcome, second.score, second.message)


def test_a_loss_that_is_not_a_float_stops_training(tmp_path):
    root = edited(tmp_path, "return float(loss), dscores", "return np.array([loss]), dscores")
    check = train_only(root)
    assert check.headline == "training stopped at step 0: softmax_loss returned an ndarray of shape (1,) as the loss; expected a float"
