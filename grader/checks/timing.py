"""Speed: the student's time over the CPU reference's time, measured in the same run.

Runs are interleaved (reference, student, reference, ...) so a burst of load hits both, and the
medians are compared. The student's time is the round trip of a call whose arguments already
sit in the worker and whose result is not sent back, timed here: code in the worker cannot
touch the clock that grades it. Inputs rotate between a few distinct cases, so remembering the
last answer does not pay. A call slower than several times the limit is stopped: a hopelessly
slow solution loses these points quickly instead of holding up the batch.
"""
from __future__ import annotations

import statistics
import time

import numpy as np

from grader.calls import make_dout, reference_backward, reference_forward
from grader.context import Ctx, Verdict
from grader.pool import StudentError, WorkerDied, WorkerTimeout
from grader.spec import Case, Layer
from reference import device

DISTINCT_INPUTS = 3
HOPELESS = 3.0  # a first run this many times over the limit ends the check at once


def _reference_seconds(ctx: Ctx, layer: Layer, case: Case, backward: bool) -> float:
    if not backward:
        start = time.perf_counter()
        reference_forward(ctx.part, layer, case)
        return time.perf_counter() - start
    out, tape = reference_forward(ctx.part, layer, case)
    dout = make_dout(case, out.shape)
    start = time.perf_counter()
    reference_backward(ctx.part, layer, dout, tape)
    return time.perf_counter() - start


def timing_check(ctx: Ctx, layer: Layer, backward: bool) -> Verdict:
    spec = layer.timing
    func = layer.backward if backward else layer.forward
    rng = np.random.default_rng(ctx.seed(layer.forward + "/timing", False))
    cases = [spec.benchmark(rng) for _ in range(DISTINCT_INPUTS)]
    worker = ctx.worker
    with device.on_cpu():
        _reference_seconds(ctx, layer, cases[0], backward)  # warm-up
        estimate = _reference_seconds(ctx, layer, cases[0], backward)
        hopeless = estimate * spec.max_ratio * HOPELESS
        stored: dict[int, object] = {}

        def student_run(i: int, timeout: float) -> float:
            if i not in stored:
                stored[i] = _store(ctx, layer, cases[i], backward)
            return _student_seconds(ctx, layer, func, stored[i], timeout)

        try:
            first = student_run(0, max(1.0, hopeless + 0.5))  # warm-up, and the early stop
            if first > hopeless:
                return Verdict(
                    "failed",
                    f"too slow: {func} took {first * 1e3:.0f} ms on {cases[0].summary()}, "
                    f"{first / estimate:.0f}x the reference's {estimate * 1e3:.2f} ms on the CPU (limit {spec.max_ratio:g}x); "
                    "stopped after one run.\nReplace Python loops over elements with vectorized numpy operations.",
                )
            ref, student = [], []
            for r in range(spec.repeats):
                ref.append(_reference_seconds(ctx, layer, cases[r % len(cases)], backward))
                student.append(student_run(r % len(cases), max(1.0, hopeless + 0.5)))
        except WorkerTimeout:
            return Verdict(
                "failed",
                f"too slow: one call of {func} on {cases[0].summary()} ran over {max(1.0, hopeless + 0.5):.1f} s "
                f"(the reference takes {estimate * 1e3:.2f} ms; the limit is {spec.max_ratio:g}x) and was stopped.\n"
                "Replace Python loops over elements with vectorized numpy operations.",
            )
        except (StudentError, WorkerDied) as exc:
            return Verdict("failed", f"{func} failed on the benchmark input {cases[0].summary()}: {exc}")
    ratio = statistics.median(student) / statistics.median(ref)
    summary = (
        f"{func}: {statistics.median(student) * 1e3:.2f} ms vs the reference's {statistics.median(ref) * 1e3:.2f} ms "
        f"on the CPU = {ratio:.1f}x (limit {spec.max_ratio:g}x), median of {spec.repeats} interleaved runs on {cases[0].summary()}"
    )
    if ratio <= spec.max_ratio:
        return Verdict("passed", summary)
    return Verdict("failed", f"too slow: {summary}\nReplace Python loops over elements with vectorized numpy operations.")


def _store(ctx: Ctx, layer: Layer, case: Case, backward: bool):
    """Put a call's arguments into the worker; for a backward, run the forward there first."""
    if not backward:
        return ctx.worker.store(case.args())
    res = ctx.worker.call(ctx.part.module, layer.forward, case.args(), keep=1)
    out, handle = res.value
    if not isinstance(out, np.ndarray):
        raise StudentError({"type": "TypeError", "message": f"{layer.forward} did not return an array"})
    return ctx.worker.store([make_dout(case, out.shape), handle])


def _student_seconds(ctx: Ctx, layer: Layer, func: str, stored, timeout: float) -> float:
    return ctx.worker.call(ctx.part.module, func, [], args_handle=stored, discard=True, timeout=timeout).seconds
