"""The API contract: plain ndarrays of the documented shape, a float dtype, finite values, and
inputs left unmodified (the caller's arrays are not the function's scratch space)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from grader.compare import describe_type, is_integral
from grader.engine.calls import CallFailure, make_douts, reference_backward, reference_forward
from grader.engine.context import Ctx, Verdict
from grader.spec import Case, Layer


def _array_problems(label: str, value: Any, shape: tuple[int, ...]) -> list[str]:
    if not isinstance(value, np.ndarray):
        return [f"{label} is {type(value).__name__}, not a numpy ndarray"]
    problems = []
    if value.shape != shape:
        problems.append(f"{label} has shape {value.shape}, expected {shape}")
    if value.dtype.kind != "f":
        problems.append(f"{label} has dtype {value.dtype}, expected a floating dtype (float64)")
    elif not np.isfinite(value).all():
        problems.append(f"{label} has NaN or infinite values")
    return problems


def _modified(names: tuple[str, ...], sent: list[Any], back: Any) -> list[str]:
    if not isinstance(back, (list, tuple)):
        return []
    return [
        f"your function modified its input {name} in place"
        for name, a, b in zip(names, sent, back)
        if isinstance(a, np.ndarray) and (not isinstance(b, np.ndarray) or b.shape != a.shape or not np.array_equal(a, b, equal_nan=True))
    ]


def contract_check(ctx: Ctx, layer: Layer) -> Verdict:
    if layer.sample is None:
        raise ValueError(f"{layer.forward} has no sample case for its contract check")
    case = layer.sample(np.random.default_rng(ctx.seed(layer.forward + "/contract", False)))
    try:
        problems = _forward_problems(ctx, layer, case)
    except CallFailure as exc:
        return Verdict("failed", f"{exc.message}\non {case.summary()}", case.counterexample())
    if layer.backward:
        try:
            problems += _backward_problems(ctx, layer, case)
        except CallFailure as exc:
            # The backward failed, not the forward this check is named for: say so first.
            blame = f"{layer.backward_name} failed in this contract check (it checks {layer.forward} and {layer.backward_name} together)"
            kept = f"; {layer.forward} itself kept the contract" if not problems else ""
            return Verdict("failed", f"{blame}{kept}:\n{exc.message}\non {case.summary()}", case.counterexample())
    if problems:
        return Verdict("failed", "\n".join([f"contract broken on {case.summary()}:", *problems]), case.counterexample())
    what = "plain ndarrays of the right shape, float, finite; inputs untouched" if not layer.exact else "plain int values"
    return Verdict("passed", f"passed: {what}")


def _forward_problems(ctx: Ctx, layer: Layer, case: Case) -> list[str]:
    expected, _ = reference_forward(ctx.part, layer, case)
    outs, _, res = ctx.student(layer).forward(case, return_args=True)
    problems = [f"{layer.forward} {n}" for n in res.notes if not (layer.scalars and n in NUMPY_FLOAT_NOTES)]
    if layer.exact:
        if not is_integral(outs[0]):
            problems.append(f"{layer.forward} returned {outs[0]!r:.60}; expected Python int(s) like {expected[0]!r}")
        return problems
    for name, got, exp in zip(layer.outputs, outs, expected):
        label = f"{layer.forward}'s {name}"
        problems += _scalar_problems(label, got) if name in layer.scalars else _array_problems(label, got, exp.shape)
    return problems + _modified(case.names, case.args(), res.args)


# A loss may be a numpy float: it crosses the pipe as a float with this note, which is no problem.
NUMPY_FLOAT_NOTES = frozenset(f"returned a {t} instead of a plain type" for t in ("float64", "float32", "float16", "longdouble"))


def _scalar_problems(label: str, value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, float):
        return [f"{label} is {describe_type(value)}, expected a float (a Python or numpy scalar)"]
    return [] if math.isfinite(value) else [f"{label} is {value}, not a finite number"]


def _backward_problems(ctx: Ctx, layer: Layer, case: Case) -> list[str]:
    expected, tape = reference_forward(ctx.part, layer, case)
    douts = make_douts(case, expected)
    expected_grads = reference_backward(ctx.part, layer, douts, tape)
    student = ctx.student(layer)
    _, handle, _ = student.forward(case, keep=True)
    if handle is None:
        return [f"{layer.forward} returned no cache to pass to {layer.backward_name}"]
    grads, res = student.backward(douts, handle, return_args=True)
    problems = [f"{layer.backward} {n}" for n in res.notes]
    for name, got, exp in zip(layer.arrays, grads, expected_grads):
        if exp is None:
            if got is not None:
                problems.append(f"d{name} should be None because {name} is None")
            continue
        problems += _array_problems(f"d{name}", got, exp.shape)
    sent_back = res.args if isinstance(res.args, (list, tuple)) else ()
    for name, sent, back in zip(layer.douts, douts, sent_back):
        if isinstance(back, np.ndarray) and not np.array_equal(back, sent):
            what = "dout" if len(layer.outputs) == 1 else name
            problems.append(f"{layer.backward} modified {what} in place")
    return problems
