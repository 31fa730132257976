"""Which checks a part has, derived from its spec: ids, labels, kinds, points and gates.

A plan is data: `grade` runs each planned check with `checks.run_planned`. Every check has a
stable id, `part/function/kind/inputs` (`conv/conv2d_forward/forward/hidden`), used as its key
by the gates, the merge of the public and hidden phases, the gradebook and Gradescope; its label
(`conv2d_forward forward (hidden)`) is for people and may change.

A gate names checks (by id) that must pass before this one's points count: a stub that returns
zeros of the right shape, fast and self-consistent, must not earn contract, timing or gradcheck
points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from grader.options import GradeOptions
from grader.results import Kind, Visibility
from grader.spec import Example, Layer, PartSpec


def check_id(part: str, function: str, kind: str, inputs: str) -> str:
    """`part/function/kind/inputs`; inputs: public, hidden, grad, sample, benchmark or an example's key."""
    return f"{part}/{function}/{kind}/{inputs}"


@dataclass(frozen=True, kw_only=True)
class Planned:
    id: str
    label: str
    function: str
    kind: Kind
    visibility: Visibility
    points: float
    layer: str  # the forward naming the layer the check grades
    example: Example | None = None
    gate: tuple[str, ...] = ()  # ids
    run_when_gated: bool = True  # gradcheck and contract still teach something; timing does not

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"

    @property
    def backward(self) -> bool:
        """Whether the function graded is the layer's backward (a timing check's target)."""
        return not self.function == self.layer


def plan_part(part: PartSpec, options: GradeOptions) -> list[Planned]:
    """The part's checks of the visibilities asked, with their points scaled to the assignment's
    total for the part where `options.part_points` names one.

    The scale comes from the part's full plan (public and hidden, under the same timing setting),
    never from the visibilities asked, so `check` (public only) and `grade` give every check the
    same points. Every consumer of a check's points (the engine, a stopped submission's zeroed
    result, check's note on the hidden points) reads them here.
    """
    planned = _full_plan(part, options)
    target = dict(options.part_points).get(part.name)
    total = sum(p.points for p in planned)
    if target is not None and total > 0 and not math.isclose(total, target, rel_tol=1e-12):
        planned = [replace(p, points=p.points * target / total) for p in planned]
    return [p for p in planned if p.visibility in options.visibility]


def _full_plan(part: PartSpec, options: GradeOptions) -> list[Planned]:
    planned: list[Planned] = []
    for layer in part.layers:
        planned += _plan_layer(part.name, layer, options)
    for ex in part.examples:
        function = part.layer(ex.layer).backward if ex.target == "backward" else ex.layer
        assert function is not None
        # Raising is only right from a forward that works: a stub raising on every input must not
        # earn the points of an example that asks for an error.
        gate = (check_id(part.name, ex.layer, "forward", "public"),) if ex.raises is not None else ()
        planned.append(
            Planned(
                id=check_id(part.name, function, ex.kind, ex.key),
                label=ex.name,
                function=function,
                kind=ex.kind,
                visibility="public",
                points=ex.points,
                layer=ex.layer,
                example=ex,
                gate=gate,
            )
        )
    if part.training is not None:
        t = part.training
        # Not gated: a network that learns like the reference's cannot be faked, and a composition
        # bug (a flatten that mixes samples) is exactly what this check is for, even when a layer
        # check already failed; its own message says how the run went wrong.
        planned.append(
            Planned(
                id=check_id(part.name, t.network, "training", t.key),
                label=f"{t.network} training",
                function=t.network,
                kind="training",
                visibility="public",
                points=t.points,
                layer=t.network,
            )
        )
    return [p for p in planned if p.points > 0]


def _plan_layer(part: str, layer: Layer, options: GradeOptions) -> list[Planned]:
    f, b, pts = layer.forward, layer.backward, layer.points

    def check(function: str, kind: Kind, inputs: str, label: str, points: float, gate: tuple[str, ...] = (), run_when_gated: bool = True) -> Planned:
        visibility: Visibility = "hidden" if inputs == "hidden" else "public"
        return Planned(
            id=check_id(part, function, kind, inputs),
            label=label,
            function=function,
            kind=kind,
            visibility=visibility,
            points=points,
            layer=f,
            gate=gate,
            run_when_gated=run_when_gated,
        )

    fwd, bwd = check_id(part, f, "forward", "public"), check_id(part, b or "", "backward", "public")
    out = [
        check(f, "forward", "public", f"{f} forward", pts.forward),
        check(f, "forward", "hidden", f"{f} forward (hidden)", pts.hidden_forward),
    ]
    if b:
        out += [
            check(b, "backward", "public", f"{b} backward", pts.backward),
            check(b, "backward", "hidden", f"{b} backward (hidden)", pts.hidden_backward),
            check(b, "gradcheck", "grad", f"{b} gradcheck", pts.gradcheck, gate=(fwd, bwd)),
        ]
    if layer.sample is not None:
        out.append(check(f, "contract", "sample", f"{f} contract", pts.contract, gate=(fwd,)))
    if layer.timing is not None and options.timing:
        out.append(check(f, "timing", "benchmark", f"{f} timing", pts.timing_forward, gate=(fwd,), run_when_gated=False))
        if b:
            out.append(check(b, "timing", "benchmark", f"{b} timing", pts.timing_backward, gate=(bwd,), run_when_gated=False))
    return out
