"""Speed: the student's time over the CPU reference's time, measured in the same run.

Runs are interleaved (reference, student, reference, ...) so a burst of load hits both, and the
medians are compared. The student's time is the round trip of one call, timed here: code in the
worker cannot touch the clock that grades it. Every run gets fresh inputs, sent with the timed
call itself, so nothing can be computed ahead or remembered; the reply carries only the values at
a few positions the grader picks at random per call, checked against the reference, so a timed
call cannot skip the work. A call far slower than the limit is stopped: a hopelessly slow
solution loses these points at once instead of holding up the batch.
"""
from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from grader.engine.calls import CallFailure, make_dout, reference_backward, reference_forward
from grader.compare import compare
from grader.engine.context import Ctx, Verdict
from grader.sandbox.client import StudentError, WorkerDied, WorkerTimeout
from grader.spec import Case, Layer
from reference import device

HOPELESS = 3.0  # a first run this many times over the limit ends the check at once
PROBES = 8
ADVICE = "Replace Python loops over elements with vectorized numpy operations."


class _Run:
    """One timed run's inputs and the reference's answer for them."""

    def __init__(self, ctx: Ctx, layer: Layer, case: Case, backward: bool):
        self.case = case
        start = time.perf_counter()
        out, tape = reference_forward(ctx.part, layer, case)
        self.reference_seconds = time.perf_counter() - start
        self.expected: np.ndarray = out
        self.dout: np.ndarray | None = None
        if backward:
            self.dout = make_dout(case, out.shape)
            start = time.perf_counter()
            self.expected = reference_backward(ctx.part, layer, self.dout, tape)[0]
            self.reference_seconds = time.perf_counter() - start


def timing_check(ctx: Ctx, layer: Layer, backward: bool) -> Verdict:
    spec = layer.timing
    func = layer.backward if backward else layer.forward
    rng = np.random.default_rng(ctx.seed(layer.forward + "/timing", False))
    with device.on_cpu():
        _Run(ctx, layer, spec.benchmark(rng), backward)  # warm the reference up
        runs = [_Run(ctx, layer, spec.benchmark(rng), backward) for _ in range(spec.repeats + 1)]
    estimate = runs[0].reference_seconds
    limit = max(1.0, estimate * spec.max_ratio * HOPELESS + 0.5)
    try:
        first = _student_seconds(ctx, layer, backward, runs[0], rng, limit)  # warm-up, and the early stop
        if first > estimate * spec.max_ratio * HOPELESS:
            return Verdict(
                "failed",
                f"too slow: {func} took {first * 1e3:.0f} ms on {runs[0].case.summary()}, {first / estimate:.0f}x the "
                f"reference's {estimate * 1e3:.2f} ms on the CPU (limit {spec.max_ratio:g}x); stopped after one run.\n{ADVICE}",
            )
        student = [_student_seconds(ctx, layer, backward, run, rng, limit) for run in runs[1:]]
    except WorkerTimeout:
        return Verdict(
            "failed",
            f"too slow: one call of {func} on {runs[0].case.summary()} ran over {limit:.1f} s (the reference "
            f"takes {estimate * 1e3:.2f} ms; the limit is {spec.max_ratio:g}x) and was stopped.\n{ADVICE}",
        )
    except (StudentError, WorkerDied, CallFailure) as exc:
        return Verdict("failed", f"{func} failed on the benchmark input {runs[0].case.summary()}: {exc}")
    ref = [run.reference_seconds for run in runs[1:]]
    ratio = statistics.median(student) / statistics.median(ref)
    summary = (
        f"{func}: {statistics.median(student) * 1e3:.2f} ms vs the reference's {statistics.median(ref) * 1e3:.2f} ms "
        f"on the CPU = {ratio:.1f}x (limit {spec.max_ratio:g}x), median of {spec.repeats} runs on fresh inputs "
        f"like {runs[0].case.summary()}"
    )
    if ratio <= spec.max_ratio:
        return Verdict("passed", summary)
    return Verdict("failed", f"too slow: {summary}\n{ADVICE}")


def _student_seconds(ctx: Ctx, layer: Layer, backward: bool, run: _Run, rng: np.random.Generator, limit: float) -> float:
    """Time one student call; its probed values must match the reference's."""
    worker, module = ctx.worker, ctx.part.module
    probe = [int(i) for i in rng.choice(run.expected.size, size=min(PROBES, run.expected.size), replace=False)]
    if backward:
        res = worker.call(module, layer.forward, run.case.args(), keep=1, timeout=limit)
        if not (isinstance(res.value, tuple) and len(res.value) == 2):
            raise CallFailure(f"{layer.forward} did not return (out, cache)")
        func, args = layer.backward, [run.dout, res.value[1]]
        pick = 0 if len(layer.arrays) > 1 else None
        release = (res.value[1],)
    else:
        func, args, pick, release = layer.forward, run.case.args(), 0 if layer.returns_cache else None, ()
    res = worker.call(module, func, args, probe=probe, pick=pick, release=release, timeout=limit)
    _check_probe(func, res.value, run.expected.flat[probe], layer)
    return res.seconds


def _check_probe(func: str, got: Any, expected: np.ndarray, layer: Layer) -> None:
    values = np.asarray(got, dtype=np.float64) if isinstance(got, (list, tuple)) and all(isinstance(v, float) for v in got) else None
    if values is None or values.shape != expected.shape or not compare(values, expected, layer.tol).ok:
        raise CallFailure(f"{func} gave wrong values in a timed run (values at random positions differ from the reference)")
