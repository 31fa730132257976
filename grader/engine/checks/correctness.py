"""Forward and backward against the reference, on hypothesis-drawn cases and on fixed examples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grader.compare import compare, compare_value
from grader.engine import repro
from grader.engine.calls import CallFailure, make_douts, one_or_all, reference_backward, reference_forward, split_outputs
from grader.engine.context import CaseFailure, Ctx, Verdict
from grader.engine.diagnose import named_mistakes, observations
from grader.engine.search import Fatal, search
from grader.spec import Case, Example, Layer, Scale


def _call_failure(function: str, exc: CallFailure, output: int | None = None, expected: Any = None, dout: Any = None) -> CaseFailure:
    """A call that raised, hung or returned what cannot be compared. `expected` (and `dout`) let
    `check --repro` write the case out: a student reruns the raising call in a debugger."""
    failure = CaseFailure(exc.message, function, output, expected=expected, dout=dout, traceback=exc.traceback, input_free=exc.input_free)
    if exc.fatal:
        raise Fatal(failure)
    return failure


def forward_case(ctx: Ctx, layer: Layer, case: Case, expected: Any = None) -> CaseFailure | None:
    """The student's forward on `case` against `expected`, or the reference's answer when None
    (`expected` is the forward's value: the tuple of its outputs when it has several)."""
    if expected is None:
        wanted, _ = reference_forward(ctx.part, layer, case)
    else:
        wanted = split_outputs(layer, expected)
    try:
        outs, _, _ = ctx.student(layer).forward(case)
    except CallFailure as exc:
        return _call_failure(layer.forward, exc, expected=wanted[0])
    texts, first = [], None
    for i, (name, got, exp) in enumerate(zip(layer.outputs, outs, wanted)):
        cmp = compare_value(got, exp, layer.tol, exact=layer.exact, scalar=name in layer.scalars)
        if not cmp.ok:
            texts.append(cmp.describe(layer.output_label(i)))
            first = first or CaseFailure("", layer.forward, None, got, exp, forward_output=i)
    if first is None:
        return None
    first.text = "\n".join(texts)
    return first


def backward_case(ctx: Ctx, layer: Layer, case: Case, dout: Any = None) -> CaseFailure | None:
    """`dout`: the upstream gradient (a tuple of them for several outputs), or None: the case's own."""
    expected_outs, tape = reference_forward(ctx.part, layer, case)
    if dout is None:
        douts = make_douts(case, expected_outs)
    else:
        douts = tuple(dout) if len(layer.outputs) > 1 else (dout,)
    expected = reference_backward(ctx.part, layer, douts, tape)
    student = ctx.student(layer)
    backward = layer.backward_name
    shown = one_or_all(douts)
    try:
        _, handle, _ = student.forward(case, keep=True)
        if handle is None:
            return CaseFailure(f"{layer.forward} returned no cache to pass to {backward}", backward)
        grads, _ = student.backward(douts, handle)
    except CallFailure as exc:
        k = next((i for i, e in enumerate(expected) if e is not None), 0)
        return _call_failure(backward, exc, k, expected[k], shown)
    texts, first = [], None
    for i, (name, got, exp) in enumerate(zip(layer.arrays, grads, expected)):
        if exp is None:
            if got is not None:
                texts.append(f"d{name}: should be None because {name} is None")
                first = first or CaseFailure("", backward, i, got, exp, shown)
            continue
        cmp = compare(got, exp, layer.tol)
        if not cmp.ok:
            texts.append(cmp.describe(f"d{name}"))
            first = first or CaseFailure("", backward, i, got, exp, shown)
    if first is None:
        return None
    first.text = "\n".join(texts)
    return first


def run_search(ctx: Ctx, layer: Layer, name: str, prop: Callable[[Case], CaseFailure | None], scale: Scale, hidden: bool) -> Verdict:
    found, tried = search(
        layer.cases(scale),
        prop,
        seed_value=ctx.seed(name, hidden),
        max_examples=ctx.examples(layer, scale),
        budget_seconds=ctx.options.search_budget_seconds,
        shrink=not hidden,  # a hidden failure shows a fixed sentence, never its input: shrinking it buys nothing
    )
    if found is None:
        return Verdict("passed", f"passed on {tried} {'hidden' if hidden else 'generated'} cases")
    stem = None if hidden else found.failure.function  # a hidden case is never written out
    return failure_verdict(ctx, layer, found.case, found.failure, shrunk=found.shrunk, repro_stem=stem)


def failure_verdict(ctx: Ctx, layer: Layer, case: Case, failure: CaseFailure, shrunk: bool = False, note: str = "", repro_stem: str | None = None) -> Verdict:
    """The failure as feedback; for a hidden check the engine keeps only a fixed sentence (grader.redact).
    `repro_stem` (public checks only): where `check --repro` asks, the case is written out as files."""
    first_line = failure.text.splitlines()[0] if failure.text else "failed"
    if failure.input_free:
        return Verdict("failed", failure.text)
    folder = ctx.options.repro_dir
    script = None
    if folder is not None and repro_stem and failure.expected is not None:
        script = repro.write(folder, repro_stem, ctx.part, layer, case, failure)
    where = "the smallest failing input found" if shrunk else "failing input"
    lines = [_named(failure.function, first_line), f"{where}: {case.summary()}"]
    if note:
        lines.append(note)
    lines += failure.text.splitlines()[1:]
    named = named_mistakes(ctx.part, failure, case, layer.tol)
    lines += [f"likely mistake: {h}" for h in dict.fromkeys(d.hint for d in named)]
    if failure.actual is not None and not named:  # what the numbers show, named as no mistake
        lines += [f"observation: {o}" for o in observations(ctx.part, failure, case, layer.tol)]
    if failure.traceback:
        lines += ["traceback (your code):", failure.traceback.rstrip()]
    if script is not None:
        lines.append(f"reproduce it: python {script}")
    return Verdict("failed", "\n".join(lines), case.counterexample(), mistakes=tuple(dict.fromkeys(d.key for d in named)))


def _named(function: str, line: str) -> str:
    """The headline led by the function at fault, said once ("f raised ..." is not "f: f raised ...")."""
    return line if line.startswith((f"{function}:", f"{function} ")) else f"{function}: {line}"


def forward_check(ctx: Ctx, layer: Layer, hidden: bool) -> Verdict:
    return run_search(ctx, layer, layer.forward + "/forward", lambda c: forward_case(ctx, layer, c), "hidden" if hidden else "public", hidden)


def backward_check(ctx: Ctx, layer: Layer, hidden: bool) -> Verdict:
    return run_search(ctx, layer, layer.backward_name + "/backward", lambda c: backward_case(ctx, layer, c), "hidden" if hidden else "public", hidden)


def example_check(ctx: Ctx, example: Example) -> Verdict:
    layer = ctx.part.layer(example.layer)
    if example.raises is not None:
        return _raises_check(ctx, layer, example, example.raises)
    try:
        if example.target == "backward":
            failure = backward_case(ctx, layer, example.case, example.dout)
        else:
            failure = forward_case(ctx, layer, example.case, example.expected)
    except Fatal as fatal:
        failure = fatal.failure  # type: ignore[assignment]  # a property's Fatal holds its CaseFailure
    if failure is None:
        return Verdict("passed", f"passed: {example.note}")
    return failure_verdict(ctx, layer, example.case, failure, note=f"this example: {example.note}", repro_stem=f"{failure.function}_{example.key}")


def _raises_check(ctx: Ctx, layer: Layer, example: Example, expected: str) -> Verdict:
    """The forward must raise `expected` (by its type's name) on the example's case."""
    try:
        ctx.student(layer).forward(example.case)
    except CallFailure as exc:
        if exc.raised == expected:
            return Verdict("passed", f"passed: {example.note}")
        if exc.input_free:
            return Verdict("failed", exc.message)
        lines = [_named(layer.forward, exc.message), f"it should raise {expected}: {example.note}", f"failing input: {example.case.summary()}"]
        if exc.traceback:
            lines += ["traceback (your code):", exc.traceback.rstrip()]
        return Verdict("failed", "\n".join(lines), example.case.counterexample())
    text = f"{layer.forward} returned instead of raising {expected}: {example.note}\nfailing input: {example.case.summary()}"
    return Verdict("failed", text, example.case.counterexample())
