"""Quiet CPU-time ratios of the timed functions for solutions across the speed spectrum.

Run by hand: python benchmarks/timing_calibration.py [--runs 5] [--parts pooling,conv]
For each solution folder (vectorized, semi-vectorized, loops, and examples/cleo_partial) and each
timed function, the fastest of `--runs` CPU times of the student function, called in this process
on the part's benchmark inputs, over the fastest of the reference's. No sandbox and no pipe: a
quick map of where code lands relative to each limit (the grader's own ratios add the worker's
pipe work to the student's side; docs/timing.md lists both).
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.engine.calls import make_douts, reference_backward, reference_forward  # noqa: E402
from grader.parts import select  # noqa: E402

SOLUTIONS = {
    "vectorized": REPO / "tests" / "solutions" / "vectorized",
    "semi": REPO / "tests" / "solutions" / "semi",
    "loops": REPO / "tests" / "solutions" / "loops",
    "cleo": REPO / "examples" / "cleo_partial",
}
CAP = 3.0  # seconds: a slower student call is timed once


def load(root: Path, module: str):
    """assignments.<module> of `root`, fresh (each solution has its own package)."""
    for name in [m for m in sys.modules if m == "assignments" or m.startswith("assignments.")]:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(f"assignments.{module}")
    finally:
        sys.path.remove(str(root))


def cpu(fn) -> float:
    start = time.thread_time()
    fn()
    return time.thread_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parts", default="pooling,conv,residual,rnn,conv1d,lstm,seq2seq")
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"{'function':26s} {'limit':>6s} " + " ".join(f"{s:>11s}" for s in SOLUTIONS))
    for part in select(args.parts.split(",")):
        for layer in part.layers:
            if layer.timing is None:
                continue
            for backward in (False, True) if layer.backward else (False,):
                func = layer.backward if backward else layer.forward
                rng = np.random.default_rng(0)
                cases = [layer.timing.benchmark(rng) for _ in range(args.runs + 2)]
                ref = []
                for case in cases:
                    outs, tape = reference_forward(part, layer, case)
                    if backward:
                        douts = make_douts(case, outs)
                        ref.append(cpu(lambda: reference_backward(part, layer, douts, tape)))
                    else:
                        ref.append(cpu(lambda: reference_forward(part, layer, case)))
                best_ref = min(ref[2:])
                cells = []
                for root in SOLUTIONS.values():
                    try:
                        mod = load(root, part.module)
                        times = []
                        for case in cases[1:]:
                            if backward:
                                res = getattr(mod, layer.forward)(*case.args())
                                n = len(layer.outputs)
                                douts = make_douts(case, res[:n])
                                times.append(cpu(lambda: getattr(mod, func)(*douts, res[n])))
                            else:
                                times.append(cpu(lambda: getattr(mod, func)(*case.args())))
                            if times[-1] > CAP:
                                break
                        cells.append(f"{min(times) / best_ref:10.1f}x")
                    except Exception as exc:  # a solution without this function (cleo's stubs)
                        cells.append(f"{type(exc).__name__[:11]:>11s}")
                print(f"{func:26s} {layer.timing.max_ratio:5g}x " + " ".join(cells), flush=True)


if __name__ == "__main__":
    main()
