"""Which checks a part has, derived from its spec: names, kinds, points, gates and how to run them.

A gate names checks that must pass before this one's points count: a stub that returns zeros
of the right shape, fast and self-consistent, must not earn contract, timing or gradcheck points.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from grader.engine.checks.contract import contract_check
from grader.engine.checks.correctness import backward_check, example_check, forward_check
from grader.engine.checks.gradcheck import gradcheck
from grader.engine.checks.timing import timing_check
from grader.engine.context import Ctx, GradeOptions, Verdict
from grader.results import Kind, Visibility
from grader.spec import Layer, PartSpec


@dataclass(frozen=True)
class Planned:
    name: str
    function: str
    kind: Kind
    visibility: Visibility
    points: float
    run: Callable[[Ctx], Verdict]
    gate: tuple[str, ...] = ()
    run_when_gated: bool = True  # gradcheck and contract still teach something; timing does not


def plan_part(part: PartSpec, options: GradeOptions) -> list[Planned]:
    planned: list[Planned] = []
    for layer in part.layers:
        planned += _plan_layer(layer, options)
    for ex in part.examples:
        function = part.layer(ex.layer).backward if ex.target == "backward" else ex.layer
        planned.append(Planned(ex.name, function, ex.kind, "public", ex.points, lambda ctx, ex=ex: example_check(ctx, ex)))
    return [p for p in planned if p.points > 0 and p.visibility in options.visibility]


def _plan_layer(layer: Layer, options: GradeOptions) -> list[Planned]:
    f, b, pts = layer.forward, layer.backward, layer.points
    fwd, bwd = f"{f} forward", f"{b} backward"
    out = [
        Planned(fwd, f, "forward", "public", pts.forward, lambda ctx: forward_check(ctx, layer, hidden=False)),
        Planned(f"{f} forward (hidden)", f, "forward", "hidden", pts.hidden_forward, lambda ctx: forward_check(ctx, layer, hidden=True)),
    ]
    if b:
        out += [
            Planned(bwd, b, "backward", "public", pts.backward, lambda ctx: backward_check(ctx, layer, hidden=False)),
            Planned(f"{b} backward (hidden)", b, "backward", "hidden", pts.hidden_backward, lambda ctx: backward_check(ctx, layer, hidden=True)),
            Planned(f"{b} gradcheck", b, "gradcheck", "public", pts.gradcheck, lambda ctx: gradcheck(ctx, layer), gate=(fwd, bwd)),
        ]
    if layer.sample is not None:
        out.append(Planned(f"{f} contract", f, "contract", "public", pts.contract, lambda ctx: contract_check(ctx, layer), gate=(fwd,)))
    if layer.timing is not None and options.timing:
        out.append(Planned(f"{f} timing", f, "timing", "public", pts.timing_forward, lambda ctx: timing_check(ctx, layer, backward=False), gate=(fwd,), run_when_gated=False))
        if b:
            out.append(Planned(f"{b} timing", b, "timing", "public", pts.timing_backward, lambda ctx: timing_check(ctx, layer, backward=True), gate=(bwd,), run_when_gated=False))
    return out
