"""Grading one submission: stage it, start its worker, run every planned check of every part.

The same engine serves `check` (public checks of the repository's own assignments/) and `grade`
(public and hidden checks of submission folders). Whatever a submission does, each part gets a
score and the rest of the grading goes on.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import torch

import reference.device
from grader import hidden
from grader.engine.checks.dispatch import run_planned
from grader.engine.context import Ctx, Verdict
from grader.engine.failed import zero_part
from grader.engine.parallel import Queue, in_parallel
from grader.engine.plan import Planned, plan_part
from grader.options import GradeOptions
from grader.redact import redact
from grader.results import CheckResult, PartResult, SubmissionResult
from grader.sandbox import static_check
from grader.sandbox.client import StudentError, Worker, WorkerDied, WorkerTimeout, capped_output
from grader.sandbox.launch import choose_launcher
from grader.sandbox.staging import Staged, SubmissionError, stage
from grader.sandbox.static_check import FORBIDDEN_NOTE
from grader.spec import PartSpec

R = TypeVar("R")


def grade_submission(src: Path, parts: Sequence[PartSpec], options: GradeOptions, name: str | None = None) -> SubmissionResult:
    """Every public check in one worker, then every hidden check in a fresh one; with
    `options.part_jobs` > 1, that many processes at once, each with its own pair of workers,
    each taking the next part from a shared queue (grader.engine.parallel).

    Student code never sees a hidden input in a process whose output can later be shown: every
    public worker (whose prints and exception texts reach the feedback) is done before the first
    hidden input exists, and the hidden workers' output is thrown away.
    """
    start = time.perf_counter()
    device = reference.device.use(options.device)
    # One thread for the references, as the workers get one BLAS thread: fair, steadier ratios.
    torch.set_num_threads(1)
    launcher = choose_launcher(options.sandbox)
    name = name or Path(src).name
    warnings = [launcher.warning] if launcher.warning else []
    plans = {p.name: plan_part(p, options) for p in parts}
    with tempfile.TemporaryDirectory(prefix="gradelab-", dir=options.work_dir) as tmp:
        try:
            staged = stage(Path(src), Path(tmp) / "stage", [p.module for p in parts])
        except SubmissionError as exc:
            results = tuple(_broken(p, plans[p.name], str(exc)) for p in parts)
            return SubmissionResult(name, results, device, launcher.label, time.perf_counter() - start, warnings=tuple(warnings))
        warnings += staged.notes  # files left out of grading, and why (check shows them)
        jobs = 1 if device.startswith("cuda") else max(1, min(options.part_jobs, len(parts)))  # CUDA does not survive a fork
        order = sorted(parts, key=lambda p: -_work(plans[p.name]))  # the costliest first: the last ones taken are short
        public_runs = _all_parts(order, jobs, lambda todo: _public_phase(staged, todo, options, plans), _PublicRun({}, {}, "", {}, []), lambda run: run.results)
        public = {part: r for run in public_runs for part, r in run.results.items()}
        hung = {key: why for run in public_runs for key, why in run.hung.items()}
        for run in public_runs:
            warnings += [w for w in run.warnings if w not in warnings]
        # In part order, whichever process graded each part: the same submission shows the same text.
        printed = {part: text for run in public_runs for part, text in run.printed.items()}
        output = capped_output(b"".join(printed[p.name] for p in parts), options.limits.output_bytes)
        sandbox = public_runs[0].sandbox
        hidden_results: dict[str, PartResult] = {}
        # Every public worker is done before the first hidden input exists, whatever the processes.
        if any(c.visibility == "hidden" for plan in plans.values() for c in plan):
            nothing: dict[str, PartResult] = {}
            hidden_runs = _all_parts(order, jobs, lambda todo: _hidden_phase(staged, todo, options, plans, public, hung), nothing, lambda run: run)
            hidden_results = {part: r for run in hidden_runs for part, r in run.items()}
    results = tuple(_merge(p, plans[p.name], public[p.name], hidden_results.get(p.name)) for p in parts)
    # Even the instructor's record holds no more of a hidden check than a student may see:
    # whatever its worker said could encode the hidden inputs.
    return redact(SubmissionResult(name, results, device, sandbox, time.perf_counter() - start, output, tuple(warnings)))


@dataclass
class _PublicRun:
    results: dict[str, PartResult]
    printed: dict[str, bytes]  # what each part's code printed, raw
    sandbox: str
    hung: dict[tuple[str, str], str]
    warnings: list[str]


def _all_parts(order: list[PartSpec], jobs: int, phase: Callable[[Iterable[PartSpec]], R], empty: R, graded: Callable[[R], Iterable[str]]) -> list[R]:
    """`phase` run by `jobs` processes at once (the first here), each taking parts from one queue
    until none is left; the parts a process that died had taken are graded here afterwards."""
    queue = Queue(order)
    runs = in_parallel([partial(phase, queue) for _ in range(jobs)], fallback=lambda: empty)
    queue.close()
    done = {name for run in runs for name in graded(run)}
    missing = [p for p in order if p.name not in done]
    return [*runs, phase(missing)] if missing else runs


def _work(planned: list[Planned]) -> int:
    """A part's cost in rough units: a search or timing check is one, a training run six."""
    return sum(6 if p.kind == "training" else p.kind in ("forward", "backward", "gradcheck", "timing") for p in planned)


def _public_phase(staged: Staged, parts: Iterable[PartSpec], options: GradeOptions, plans: dict[str, list[Planned]]) -> _PublicRun:
    """Public checks in one worker, whose prints and exception texts may be shown: every part
    `parts` yields (a Queue's, taken one at a time)."""
    warnings = []
    with Worker(staged.root, options.limits, choose_launcher(options.sandbox)) as worker:
        try:
            if options.limits.seccomp and not worker.hello().get("seccomp"):
                warnings.append(NO_SECCOMP)
        except (WorkerDied, WorkerTimeout, StudentError) as exc:
            warnings.append(f"the sandboxed worker did not start: {exc}")
        results, printed = {}, {}
        for p in parts:
            mark = worker.output_mark()
            results[p.name] = grade_part(worker, staged, p, options, _only(plans[p.name], "public"))
            printed[p.name] = worker.printed(mark, worker.output_mark())
        return _PublicRun(results, printed, worker.sandbox, dict(worker.hung), warnings)


def _hidden_phase(
    staged: Staged,
    parts: Iterable[PartSpec],
    options: GradeOptions,
    plans: dict[str, list[Planned]],
    public: dict[str, PartResult],
    hung: dict[tuple[str, str], str],
) -> dict[str, PartResult]:
    """Hidden checks in a fresh worker, whose output is never read: it can hold hidden inputs
    the code printed."""
    with Worker(staged.root, options.limits, choose_launcher(options.sandbox)) as secret:
        secret.hung.update(hung)  # a function that hung once is not waited on again
        try:
            secret.hello()
        except (WorkerDied, WorkerTimeout, StudentError):
            pass  # each hidden check then fails on its own, with its fixed message
        return {p.name: _hidden_part(secret, staged, p, options, _only(plans[p.name], "hidden"), public[p.name]) for p in parts}


def _only(planned: list[Planned], visibility: str) -> list[Planned]:
    return [p for p in planned if p.visibility == visibility]


def _hidden_part(secret: Worker, staged: Staged, part: PartSpec, options: GradeOptions, planned: list[Planned], public: PartResult) -> PartResult:
    """The hidden checks of a part, whose error (if any) names no student text."""
    if public.error:
        return _broken(part, planned, public.error)
    result = grade_part(secret, staged, part, options, planned)
    if result.error and secret.violations:
        return replace(result, error=f"assignments/{part.module}.py {FORBIDDEN_NOTE}: {hidden.FORBIDDEN}")
    if result.error:  # imported in the public worker, not in this one: no reason is shown
        return replace(result, error=f"assignments/{part.module}.py: {hidden.NOT_GRADED}")
    return result


def _merge(part: PartSpec, planned: list[Planned], public: PartResult, secret: PartResult | None) -> PartResult:
    """One part's checks back in plan order. A forbidden import during the hidden phase zeroes
    the public checks too: the part is at fault, whenever it was caught."""
    error = public.error
    checks = public.checks
    if secret is not None and secret.error and not error:
        error = secret.error
        checks = tuple(_zeroed(c, error) for c in checks)
    by_id = {c.id: c for c in (*checks, *(secret.checks if secret else ()))}
    return PartResult(part.name, tuple(by_id[p.id] for p in planned if p.id in by_id), error)


def grade_part(worker: Worker, staged: Staged, part: PartSpec, options: GradeOptions, planned: list[Planned]) -> PartResult:
    if not planned:
        return PartResult(part.name, ())
    if part.module not in staged.modules:
        return _broken(part, planned, f"assignments/{part.module}.py is missing from the submission")
    found = static_check.check_module(staged.root / "assignments" / f"{part.module}.py")
    if found:
        return _broken(part, planned, f"assignments/{part.module}.py {FORBIDDEN_NOTE}: " + "; ".join(found))
    worker.violations.clear()
    try:
        worker.load(part.module)
    except StudentError as e:
        return _broken(part, planned, f"assignments/{part.module}.py does not import: {e.type}: {e.text}\n{e.traceback}".rstrip())
    except (WorkerTimeout, WorkerDied) as e:
        return _broken(part, planned, f"importing assignments/{part.module}.py failed: {e}")
    ctx = Ctx(worker, part, options)
    done: dict[str, CheckResult] = {}
    for p in planned:
        done[p.id] = _run(ctx, p, done)
    if worker.violations:
        return _forbidden(part, tuple(done.values()), sorted(worker.violations))
    return PartResult(part.name, tuple(done.values()))


# Said in every result, not only in a log: the filter exists for x86-64 Linux only (guard.py).
NO_SECCOMP = (
    "graded WITHOUT the seccomp filter: it is installed on x86-64 Linux only, so student code here could fork, "
    "exec, open network sockets and signal other processes, within the sandbox's other limits"
)


def _forbidden(part: PartSpec, checks: tuple[CheckResult, ...], modules: list[str]) -> PartResult:
    """Zero for a part whose code tried a forbidden import while it ran, however it was spelled.

    The names come from the worker, so only the grader's own list of forbidden names is echoed;
    while hidden checks ran, not even those (which ones were tried could encode an input).
    """
    if any(c.visibility == "hidden" for c in checks):
        error = f"assignments/{part.module}.py {FORBIDDEN_NOTE}: {hidden.FORBIDDEN}"
    else:
        known = [m for m in modules if m in static_check.FORBIDDEN] or ["a forbidden module"]
        error = f"assignments/{part.module}.py {FORBIDDEN_NOTE}: it tried to import {', '.join(known)} while running"
    return PartResult(part.name, tuple(_zeroed(c, error) for c in checks), error)


def _zeroed(c: CheckResult, error: str) -> CheckResult:
    outcome = "error" if c.outcome == "passed" else c.outcome
    text = hidden.FORBIDDEN if c.visibility == "hidden" else f"{error}\n{c.message}"
    return replace(c, score=0.0, outcome=outcome, message=text)


def _run(ctx: Ctx, p: Planned, done: dict[str, CheckResult]) -> CheckResult:
    gated = [done[g].name for g in p.gate if g in done and done[g].outcome != "passed"]
    if gated and not p.run_when_gated:
        return _result(ctx, p, Verdict("skipped", f"not run: {' and '.join(gated)} must pass first"), 0.0)
    start = time.perf_counter()
    mark = ctx.worker.output_mark()
    try:
        verdict = run_planned(ctx, p)
    except Exception as exc:  # a grader bug must cost one check, not the batch
        verdict = Verdict("error", f"the grader failed on this check ({type(exc).__name__}: {exc}); please report it")
    seconds = time.perf_counter() - start
    # Only where asked (check) and only public: a hidden check's prints could show its inputs.
    limit = ctx.options.check_output_bytes
    output = ctx.worker.output_since(mark, limit) if limit and p.visibility == "public" else ""
    if gated:
        alone = verdict.message.splitlines()[0] if verdict.message else verdict.outcome
        message = f"not counted until {' and '.join(gated)} passes; on its own: {alone}"
        rest = verdict.message.splitlines()[1:]
        return _result(ctx, p, Verdict("skipped", "\n".join([message, *rest]), verdict.counterexample, verdict.timing, verdict.mistakes), 0.0, seconds, output)
    return _result(ctx, p, verdict, p.points if verdict.outcome == "passed" else 0.0, seconds, output)


def _result(ctx: Ctx, p: Planned, verdict: Verdict, score: float, seconds: float = 0.0, output: str = "") -> CheckResult:
    return CheckResult(
        id=p.id,
        part=ctx.part.name,
        name=p.label,
        function=p.function,
        kind=p.kind,
        visibility=p.visibility,
        outcome=verdict.outcome,
        score=score,
        max_score=p.points,
        message=verdict.message,
        counterexample=verdict.counterexample,
        seconds=round(seconds, 4),
        output=output,
        timing=verdict.timing,
        mistakes=verdict.mistakes,
    )


def _broken(part: PartSpec, planned: list[Planned], error: str) -> PartResult:
    """The part's module is at fault (missing, not importing, a forbidden import): all zero."""
    return zero_part(part, planned, error, error)
