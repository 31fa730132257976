"""Speed: the student's CPU time over the CPU reference's, measured in turns on fresh inputs.

The verdict must not depend on the machine's load, so:
- Both sides are timed in CPU time: the worker's whole process tree as the kernel counts it, read
  here (`grader.sandbox.cputime`), and this thread's for the reference (torch runs on one thread, as the
  worker's BLAS does). Other processes on the cores barely change CPU time; wall time doubles.
- Turns: a reference run, then a student run, again and again, each on fresh inputs. While the
  reference runs the worker is frozen (SIGSTOP on its whole tree), so no thread of the student's
  can slow the reference down.
- The fastest run of each side is compared (min of k): load only ever adds time. Both sides are
  warmed up first: the reference's first runs page fresh heap memory in (see docs/timing.md).
- A machine-wide lock (a file in the temp folder) keeps two submissions of a batch from timing at
  once.
- A ratio in the band just above the limit is measured again with more runs; if it stays in the
  band the check passes with the benefit of the doubt, and the feedback says so.
- A ratio under a quarter of the limit after the first 3 turns ends the check there: more runs
  only lower each side's fastest, and the reference's would have to fall fourfold to flip it.

Every timed call sends its whole result back, and the parent compares all of it with the
reference's: nothing sent to the worker tells which part of the result is checked, so a call
cannot skip the work. A call far slower than the limit is stopped: a hopelessly slow solution
loses these points at once instead of holding up the batch.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.compare import compare_value
from grader.engine.calls import CallFailure, make_douts, normalize_grads, reference_backward, reference_forward, sendable_args, split_outputs
from grader.engine.context import Ctx, Verdict
from grader.results import TimeRatio
from grader.sandbox.client import StudentError, WorkerDied, WorkerTimeout
from grader.sandbox.launch import STEADY_HEAP
from grader.spec import Case, Layer
from reference import device

HOPELESS = 3.0  # a first run this many times over the limit ends the check at once
BAND = 1.25  # (limit, limit * BAND]: measured again; still there, it passes with the benefit of the doubt
CLOSE = 0.25  # the feedback warns when the ratio is within this fraction of the limit
CLEAR, CLEAR_TURNS = 0.25, 3  # a ratio under CLEAR x limit after CLEAR_TURNS turns is a pass at once
REFERENCE_WARMUP = 3
LOCK_WAIT = 120.0  # seconds to wait for another submission's timing before timing anyway
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h
ADVICE = "Replace Python loops over elements with vectorized numpy operations."
CLOSE_NOTE = "close to the limit: your score may be sensitive to the machine"


@dataclass
class _Run:
    """One reference run: its inputs, its answer (every output), and the time it took."""

    case: Case
    expected: tuple[Any, ...]
    douts: tuple[np.ndarray, ...]  # one per output, for a backward check; none for a forward one
    seconds: float


def _reference(ctx: Ctx, layer: Layer, case: Case, backward: bool, clock: Callable[[], float]) -> _Run:
    """Run the reference on `case`, timing the forward (or, for a backward check, the backward)."""
    start = clock()
    outs, tape = reference_forward(ctx.part, layer, case)
    seconds = clock() - start
    if not backward:
        return _Run(case, outs, (), seconds)
    douts = make_douts(case, outs)
    start = clock()
    grads = reference_backward(ctx.part, layer, douts, tape)
    return _Run(case, tuple(grads), douts, clock() - start)


def timing_check(ctx: Ctx, layer: Layer, backward: bool) -> Verdict:
    func = layer.backward_name if backward else layer.forward
    _steady_heap()
    with _timing_lock(), device.on_cpu():
        return _timing(ctx, layer, backward, func)


def _timing(ctx: Ctx, layer: Layer, backward: bool, func: str) -> Verdict:
    spec = layer.timing
    assert spec is not None
    limit = spec.max_ratio
    rng = np.random.default_rng(ctx.seed(layer.forward + "/timing", False))
    # CPU time where the worker can be frozen and its clock read from here; wall time otherwise.
    cpu = ctx.worker.freeze()
    clock = time.thread_time if cpu else time.perf_counter
    what = "CPU time" if cpu else "wall time"
    for _ in range(REFERENCE_WARMUP):
        _reference(ctx, layer, spec.benchmark(rng), backward, clock)
    first = _reference(ctx, layer, spec.benchmark(rng), backward, clock)
    estimate = first.seconds
    timeout = max(1.0, estimate * limit * HOPELESS + 0.5)
    like = first.case.summary()
    ref: list[float] = []
    student: list[float] = []

    def turns(n: int) -> None:
        for _ in range(n):
            run = _reference(ctx, layer, spec.benchmark(rng), backward, clock)
            ref.append(run.seconds)
            student.append(_student_seconds(ctx, layer, backward, run, timeout, cpu))

    try:
        once = _student_seconds(ctx, layer, backward, first, timeout, cpu)  # warm-up, and the early stop
        if once > estimate * limit * HOPELESS:
            return Verdict(
                "failed",
                f"{once / estimate:.0f}x (limit {limit:g}x): too slow: {func} took {once * 1e3:.0f} ms of {what} on {like}, "
                f"the reference {estimate * 1e3:.2f} ms; stopped after one run.\n{ADVICE}",
                timing=TimeRatio(limit, _rounded(once / estimate)),
            )
        turns(min(CLEAR_TURNS, spec.repeats))
        if min(student) / min(ref) > limit * CLEAR:
            turns(spec.repeats - min(CLEAR_TURNS, spec.repeats))
        ratio = min(student) / min(ref)
        extra = 0
        if limit < ratio <= limit * BAND:
            extra = 2 * spec.repeats
            turns(extra)
            ratio = min(student) / min(ref)
    except WorkerTimeout:
        return Verdict(
            "failed",
            f">{timeout / estimate:.0f}x (limit {limit:g}x): too slow: one call of {func} on {like} ran over {timeout:.1f} s "
            f"(the reference takes {estimate * 1e3:.2f} ms) and was stopped.\n{ADVICE}",
            timing=TimeRatio(limit, _rounded(timeout / estimate), at_least=True),
        )
    except (StudentError, WorkerDied, CallFailure) as exc:
        return Verdict("failed", f"no ratio (limit {limit:g}x): {func} failed on the benchmark input {like}: {exc}", timing=TimeRatio(limit))
    passed = ratio <= limit * BAND
    lines = [
        f"{ratio:.1f}x (limit {limit:g}x): {'' if passed else 'too slow: '}{func} took {min(student) * 1e3:.2f} ms, the reference {min(ref) * 1e3:.2f} ms",
        f"{what}, the fastest of {len(student)} runs each, taken in turns on fresh inputs like {like}",
    ]
    if ratio > limit and passed:
        lines.append(f"still within {limit * BAND:g}x after {extra} more runs: passed with the benefit of the doubt")
    if limit * (1 - CLOSE) <= ratio <= limit * (1 + CLOSE):
        lines.append(CLOSE_NOTE)
    if not passed:
        lines.append(ADVICE)
    return Verdict("passed" if passed else "failed", "\n".join(lines), timing=TimeRatio(limit, _rounded(ratio)))


def _rounded(ratio: float) -> float:
    """Four significant digits: all a reader of the ratio needs, without the float noise."""
    return float(f"{ratio:.4g}")


def _student_seconds(ctx: Ctx, layer: Layer, backward: bool, run: _Run, timeout: float, cpu: bool) -> float:
    """Time one student call on the run's inputs; its whole result must match the reference's."""
    worker, module = ctx.worker, ctx.part.module
    n = len(layer.outputs)
    args = sendable_args(layer, run.case)
    if backward:
        res = worker.call(module, layer.forward, args, keep=n, timeout=timeout)
        if not (isinstance(res.value, tuple) and len(res.value) == n + 1):
            raise CallFailure(f"{layer.forward} did not return ({', '.join(layer.outputs)}, cache)")
        func, args, release, omit = layer.backward_name, [*run.douts, res.value[n]], (res.value[n],), None
    else:
        func, release, omit = layer.forward, (), n if layer.returns_cache else None  # type: ignore[assignment]
    res = worker.call(module, func, args, omit=omit, release=release, timeout=timeout, cpu=cpu)
    if backward:
        got = normalize_grads(layer, res.value)
    elif layer.returns_cache:
        got = tuple(res.value[:n]) if isinstance(res.value, tuple) and len(res.value) > n else (res.value,)
    else:
        got = split_outputs(layer, res.value)
    _check(func, got, run.expected, layer, backward)
    return res.cpu_seconds if cpu and res.cpu_seconds is not None else res.seconds


def _check(func: str, got: tuple[Any, ...], expected: tuple[Any, ...], layer: Layer, backward: bool) -> None:
    names = layer.arrays if backward else layer.outputs
    for name, g, e in zip(names, got, expected):
        if e is None:
            continue
        scalar = not backward and name in layer.scalars
        if not compare_value(g, e, layer.tol, exact=layer.exact, scalar=scalar).ok:
            raise CallFailure(f"{func} gave wrong values in a timed run (its result differs from the reference's)")


def _steady_heap() -> None:
    """Keep freed memory in this process's heap, as the worker does (sandbox.STEADY_HEAP).

    With glibc's defaults a large buffer is sometimes a fresh mmap, paged in on first touch, and
    sometimes reused heap: the same reference call took 1.7 or 4.5 ms (1024 page faults for a
    4 MB gradient), the bimodal reference time of issue 8."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, STEADY_HEAP[0])
        libc.mallopt(M_TRIM_THRESHOLD, STEADY_HEAP[1])
    except (OSError, AttributeError):
        pass  # not glibc: min of k runs still skips the slow mode


@contextmanager
def _timing_lock() -> Iterator[None]:
    """Hold the machine's timing lock (bounded wait): one timing check at a time per machine."""
    try:
        fd = os.open(Path(tempfile.gettempdir()) / "gradelab-timing.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    except OSError:
        yield  # no lock to be had here (a read-only temp folder): time anyway
        return
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        yield
    finally:
        os.close(fd)  # closing it releases the lock
