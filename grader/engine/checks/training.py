"""Training the student's network: plain minibatch SGD with the student's forward, loss and
backward in the worker, and the data and the parameter update here, beside the same run of the
reference (the same initial parameters, the same minibatches, the same update code).

It passes when the student's loss tracks the reference's at every step (`Training.loss_tol`)
and the trained network classifies at least `Training.min_accuracy` of the held-out samples.
Whatever the student's code does (raise, hang, return NaN, the wrong shapes or the wrong
types), the run stops at that step and the check fails saying so; it never crashes the grader.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.compare import describe_type
from grader.engine.calls import CallFailure, reference_backward, reference_forward
from grader.engine.context import Ctx, Verdict
from grader.spec import Case, Dataset, PartSpec, Training, arg_names
from reference import device

Params = list[np.ndarray]
Step = Callable[[np.ndarray, np.ndarray, Params], tuple[float, Params]]  # (x, y, params) -> (loss, dparams)
Predict = Callable[[np.ndarray, Params], np.ndarray]  # (x, params) -> scores


class Stopped(Exception):
    """The student's run cannot go on; the message says why, for the student."""

    def __init__(self, message: str, traceback: str = ""):
        super().__init__(message)
        self.message = message
        self.traceback = traceback


@dataclass
class Run:
    losses: list[float] = field(default_factory=list)
    params: Params = field(default_factory=list)
    stopped: str = ""  # why the run ended early; "" when it took every step
    traceback: str = ""


def schedule(training: Training, n_train: int) -> list[np.ndarray]:
    """The minibatches' indices: a fresh permutation of the training set per epoch, from the seed."""
    rng = np.random.default_rng([training.seed, 1])
    needed = training.steps * training.batch_size
    order = np.concatenate([rng.permutation(n_train) for _ in range(-(-needed // n_train))])
    return [order[t * training.batch_size : (t + 1) * training.batch_size] for t in range(training.steps)]


def train(step: Step, params: Params, data: Dataset, training: Training, deadline: float) -> Run:
    run = Run(params=params)
    for t, idx in enumerate(schedule(training, len(data.y_train))):
        if time.perf_counter() > deadline:
            run.stopped = f"training stopped at step {t}: past the {training.budget_seconds:g} s the whole run may take"
            return run
        try:
            loss, grads = step(data.x_train[idx], data.y_train[idx], run.params)
        except Stopped as stop:
            run.stopped, run.traceback = f"training stopped at step {t}: {stop.message}", stop.traceback
            return run
        run.losses.append(loss)
        rate = training.lr * (1 - t / training.steps)
        run.params = [p - rate * g for p, g in zip(run.params, grads)]
    return run


def accuracy(predict: Predict, params: Params, data: Dataset, training: Training) -> float:
    correct = 0
    for start in range(0, len(data.y_test), training.eval_batch):
        chunk = slice(start, start + training.eval_batch)
        correct += int(np.sum(np.argmax(predict(data.x_test[chunk], params), axis=1) == data.y_test[chunk]))
    return correct / len(data.y_test)


def _names(part: PartSpec, function: str) -> tuple[str, ...]:
    return arg_names(getattr(part.reference, function))


def reference_model(part: PartSpec, training: Training) -> tuple[Step, Predict]:
    net, loss = part.layer(training.network), part.layer(training.loss)
    net_names, loss_names = _names(part, training.network), _names(part, training.loss)

    def step(x: np.ndarray, y: np.ndarray, params: Params) -> tuple[float, Params]:
        (scores,), tape = reference_forward(part, net, Case(net_names, (x, *params)))
        (value, dscores), _ = reference_forward(part, loss, Case(loss_names, (scores, y)))
        return float(value), list(reference_backward(part, net, (dscores,), tape)[1:])

    def predict(x: np.ndarray, params: Params) -> np.ndarray:
        return reference_forward(part, net, Case(net_names, (x, *params)))[0][0]

    return step, predict


def student_model(ctx: Ctx, training: Training, classes: int) -> tuple[Step, Predict]:
    part = ctx.part
    net, loss = ctx.student(part.layer(training.network)), ctx.student(part.layer(training.loss))
    net_names, loss_names = _names(part, training.network), _names(part, training.loss)
    grad_names = ["d" + a for a in part.layer(training.network).arrays[1:]]

    def scores_of(x: np.ndarray, params: Params, keep: bool) -> tuple[np.ndarray, Any]:
        try:
            (scores,), handle, _ = net.forward(Case(net_names, (x, *params)), keep=keep)
        except CallFailure as exc:
            raise Stopped(exc.message, exc.traceback) from None
        return _array(scores, (len(x), classes), f"{training.network}'s scores"), handle

    def step(x: np.ndarray, y: np.ndarray, params: Params) -> tuple[float, Params]:
        scores, handle = scores_of(x, params, keep=True)
        if handle is None:
            raise Stopped(f"{training.network} returned no cache to pass to {net.layer.backward}")
        try:
            value, dscores = loss.forward(Case(loss_names, (scores, y)))[0]
            if not isinstance(value, (float, int, np.floating, np.integer)) or isinstance(value, bool):
                raise Stopped(f"{training.loss} returned {describe_type(value)} as the loss; expected a float")
            if not math.isfinite(float(value)):
                raise Stopped(f"your loss is {float(value)} (not a finite number): training cannot go on")
            grads, _ = net.backward((_array(dscores, scores.shape, "dscores"),), handle)
        except CallFailure as exc:
            raise Stopped(exc.message, exc.traceback) from None
        return float(value), [_array(g, p.shape, n) for g, p, n in zip(grads[1:], params, grad_names)]

    return step, lambda x, params: scores_of(x, params, keep=False)[0]


def _array(value: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.shape != shape:
        raise Stopped(f"{what} is {describe_type(value)}{_dtype(value)}; expected a float array of shape {shape}")
    if not np.all(np.isfinite(value)):
        raise Stopped(f"{what} holds non-finite values (nan or inf): training cannot go on")
    return value


def _dtype(value: Any) -> str:
    return f" of dtype {value.dtype}" if isinstance(value, np.ndarray) and value.dtype.kind != "f" else ""


def first_divergence(yours: list[float], reference: list[float], training: Training) -> int | None:
    tol = training.loss_tol
    return next((t for t, (a, b) in enumerate(zip(yours, reference)) if not abs(a - b) <= tol.atol + tol.rtol * abs(b)), None)


def loss_table(yours: list[float], reference: list[float], rows: int, marked: int | None) -> list[str]:
    """Both loss curves side by side, every few steps, with the first and last steps and `marked`."""
    steps = len(reference)
    shown = sorted({*range(0, steps, max(1, steps // rows)), steps - 1, *([marked] if marked is not None else [])})
    lines = [f"{'step':>6}  {'your loss':>14}  {'reference loss':>14}"]
    for t in shown:
        mine = f"{yours[t]:14.9f}" if t < len(yours) else f"{'-':>14}"
        lines.append(f"{t:>6}  {mine}  {reference[t]:14.9f}{'  <- first step off' if t == marked else ''}")
    return lines


# The reference's run is the same for every submission graded by this process on this device:
# kept, as a batch (or the test suite) would otherwise repeat its seconds of torch per submission.
_REFERENCE_RUNS: dict[tuple[str, Training, str], tuple[list[float], float]] = {}


def reference_run(part: PartSpec, training: Training, data: Dataset, init: Params) -> tuple[list[float], float]:
    """The reference's losses, step by step, and its held-out accuracy."""
    key = (part.name, training, device.describe())
    if key not in _REFERENCE_RUNS:
        step, predict = reference_model(part, training)
        run = train(step, init, data, training, deadline=math.inf)
        if run.stopped:
            raise RuntimeError(f"the reference's own training run stopped: {run.stopped}")
        _REFERENCE_RUNS[key] = (run.losses, accuracy(predict, run.params, data, training))
    losses, acc = _REFERENCE_RUNS[key]
    return list(losses), acc


def training_check(ctx: Ctx, training: Training) -> Verdict:
    data = training.data()
    init = list(training.init(np.random.default_rng([training.seed, 0])))
    ref_losses, ref_accuracy = reference_run(ctx.part, training, data, init)

    step, predict = student_model(ctx, training, classes=int(data.y_train.max()) + 1)
    mine = train(step, init, data, training, deadline=time.perf_counter() + training.budget_seconds)
    mine_accuracy = None
    if not mine.stopped:
        try:
            mine_accuracy = accuracy(predict, mine.params, data, training)
        except Stopped as stop:
            mine.stopped, mine.traceback = f"the held-out accuracy could not be measured: {stop.message}", stop.traceback

    off = first_divergence(mine.losses, ref_losses, training)
    problems = [mine.stopped] if mine.stopped else []
    if off is not None:
        problems.append(f"your loss left the reference's at step {off} ({mine.losses[off]:.9g} vs {ref_losses[off]:.9g})")
    if mine_accuracy is not None and mine_accuracy < training.min_accuracy:
        problems.append(f"your trained network classifies {mine_accuracy:.1%} of the held-out samples, under {training.min_accuracy:.0%}")
    tol = training.loss_tol
    if problems:
        headline = "; ".join(problems)
    else:
        assert mine_accuracy is not None
        gap = max(abs(a - b) for a, b in zip(mine.losses, ref_losses))
        headline = (
            f"passed: your loss tracked the reference's for all {training.steps} steps (largest difference {gap:.1e}) "
            f"and your trained network classifies {mine_accuracy:.1%} of the held-out samples (at least {training.min_accuracy:.0%} needed)"
        )
    lines = [
        headline,
        f"training: {training.note}; {training.steps} steps of plain SGD on minibatches of {training.batch_size} "
        f"({len(data.y_train)} training samples), learning rate {training.lr:g} decaying linearly to 0, "
        f"from the same initial weights as the reference; each step's loss must be within {tol.atol:g} + {tol.rtol:g} * |reference loss|",
        *loss_table(mine.losses, ref_losses, training.rows, off),
        f"held-out accuracy ({len(data.y_test)} samples): yours {'-' if mine_accuracy is None else f'{mine_accuracy:.1%}'}, reference {ref_accuracy:.1%}",
    ]
    if mine.traceback:
        lines += ["traceback (your code):", mine.traceback.rstrip()]
    return Verdict("failed" if problems else "passed", "\n".join(lines))
