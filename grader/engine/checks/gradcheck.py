"""Does the student's backward agree with central differences of the student's own forward?

For L = sum(forward(...) * dout), dL/dx[i] ~ (L(x + h e_i) - L(x - h e_i)) / 2h; a forward with
several outputs sums each against its own upstream gradient. A few indices of
every array argument are probed; all perturbed forwards go to the worker in one round trip. The
same probes run through the reference: an index where the reference's own finite difference
disagrees with autograd sits on a kink (relu at 0, a max-pool near-tie) and is skipped, so a
correct solution is never failed by a kink.
"""

from __future__ import annotations

import numpy as np

from grader.engine.calls import CallFailure, make_douts, reference_backward, reference_forward
from grader.engine.checks.correctness import _call_failure, run_search
from grader.engine.context import CaseFailure, Ctx, Verdict
from grader.spec import Case, Layer

H = 1e-6
PROBES = 6


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 + 1e-4 * max(abs(a), abs(b))


def probes(case: Case, layer: Layer) -> list[tuple[int, str, int, list]]:
    """(array position, name, flat index, [args with +h, args with -h]) for a few indices per array."""
    rng = np.random.default_rng([case.seed, 11])
    out = []
    for pos, name in enumerate(layer.arrays):
        base = case.get(name)
        if base is None:
            continue
        for idx in rng.choice(base.size, size=min(base.size, PROBES), replace=False):
            sets = []
            for sign in (1.0, -1.0):
                moved = base.copy()
                moved.flat[idx] += sign * H
                sets.append(case.replace(name, moved).args())
            out.append((pos, name, int(idx), sets))
    return out


def gradcheck_case(ctx: Ctx, layer: Layer, case: Case) -> CaseFailure | None:
    """Only the student's failures come back as a CaseFailure; a grader bug raises (and is the grader's)."""
    student = ctx.student(layer)
    backward = layer.backward_name
    try:
        outs, handle, _ = student.forward(case, keep=True)
        if not all(isinstance(o, np.ndarray) for o in outs) or handle is None:
            return CaseFailure(f"{layer.forward} did not return {_arrays_and_cache(layer)}", backward)
        douts = make_douts(case, outs)
        grads, _ = student.backward(douts, handle)
        plan = probes(case, layer)
        moved = student.forwards([s for p in plan for s in p[3]], timeout=ctx.options.limits.call_seconds * 4)
    except CallFailure as exc:
        return _call_failure(backward, exc)
    ref_ok = _reference_agrees(ctx, layer, case, plan, douts)
    for k, (pos, name, idx, _) in enumerate(plan):
        if not ref_ok[k]:
            continue
        plus, minus = moved[2 * k], moved[2 * k + 1]
        grad = grads[pos]
        if not all(isinstance(v, np.ndarray) and v.shape == o.shape for side in (plus, minus) for v, o in zip(side, outs)):
            return CaseFailure(f"{layer.forward} returned differently shaped outputs on nearby inputs", backward)
        if not isinstance(grad, np.ndarray) or grad.shape != case.get(name).shape:
            return CaseFailure(f"d{name} is not an array of {name}'s shape {case.get(name).shape}", backward)
        numeric = _difference(plus, minus, douts)
        analytic = float(grad.flat[idx])
        if not _close(numeric, analytic):
            where = ", ".join(map(str, np.unravel_index(idx, grad.shape)))
            return CaseFailure(
                f"d{name}[{where}] is {analytic:.8g} by your backward, but central differences of your forward give {numeric:.8g} (h = {H:g}, {_loss(layer)})",
                backward,
            )
    return None


def _arrays_and_cache(layer: Layer) -> str:
    return "an array and a cache" if len(layer.outputs) == 1 else f"{len(layer.outputs)} arrays and a cache"


def _loss(layer: Layer) -> str:
    """The loss the differences are of: every output against its own upstream gradient."""
    if len(layer.outputs) == 1:
        return "loss = sum(out * dout)"
    return "loss = " + " + ".join(f"sum({o} * {d})" for o, d in zip(layer.outputs, layer.douts))


def _difference(plus: tuple[np.ndarray, ...], minus: tuple[np.ndarray, ...], douts: tuple[np.ndarray, ...]) -> float:
    """The central difference of the loss, summed output by output."""
    return float(sum(np.sum((p - m) * d) for p, m, d in zip(plus, minus, douts)) / (2 * H))


def _reference_agrees(ctx: Ctx, layer: Layer, case: Case, plan: list, douts: tuple[np.ndarray, ...]) -> list[bool]:
    expected, tape = reference_forward(ctx.part, layer, case)
    if any(e.shape != d.shape for e, d in zip(expected, douts)):
        return [True] * len(plan)
    grads = reference_backward(ctx.part, layer, douts, tape)
    agrees = []
    for pos, _, idx, (plus_args, minus_args) in plan:
        plus = reference_forward(ctx.part, layer, Case(case.names, tuple(plus_args)))[0]
        minus = reference_forward(ctx.part, layer, Case(case.names, tuple(minus_args)))[0]
        agrees.append(_close(_difference(plus, minus, douts), float(grads[pos].flat[idx])))
    return agrees


def gradcheck(ctx: Ctx, layer: Layer) -> Verdict:
    return run_search(ctx, layer, layer.backward_name + "/gradcheck", lambda c: gradcheck_case(ctx, layer, c), "grad", hidden=False)
