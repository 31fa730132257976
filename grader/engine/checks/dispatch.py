"""Running a planned check: the check function for its kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.engine.checks.contract import contract_check
from grader.engine.checks.correctness import backward_check, example_check, forward_check
from grader.engine.checks.gradcheck import gradcheck
from grader.engine.checks.timing import timing_check
from grader.engine.checks.training import training_check
from grader.engine.context import Ctx, Verdict

if TYPE_CHECKING:
    from grader.engine.plan import Planned


def run_planned(ctx: Ctx, p: Planned) -> Verdict:
    if p.example is not None:
        return example_check(ctx, p.example)
    layer = ctx.part.layer(p.layer)
    if p.kind == "forward":
        return forward_check(ctx, layer, hidden=p.hidden)
    if p.kind == "backward":
        return backward_check(ctx, layer, hidden=p.hidden)
    if p.kind == "gradcheck":
        return gradcheck(ctx, layer)
    if p.kind == "contract":
        return contract_check(ctx, layer)
    if p.kind == "timing":
        return timing_check(ctx, layer, backward=p.backward)
    if p.kind == "training" and ctx.part.training is not None:
        return training_check(ctx, ctx.part.training)
    raise ValueError(f"no check runs kind {p.kind!r}")
