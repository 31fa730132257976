"""What the sandbox costs: worker start, per-call overhead, and a full grade, per isolation level.

Run by hand: python benchmarks/sandbox_cost.py. Levels: process (the fallback), process+seccomp,
bwrap, bwrap+seccomp (the default where bubblewrap works).
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.options import GradeOptions  # noqa: E402
from grader.engine.grade import grade_submission  # noqa: E402
from grader.parts import PARTS  # noqa: E402
from grader.options import Limits
from grader.sandbox.client import Worker  # noqa: E402
from grader.sandbox.launch import choose_launcher  # noqa: E402

CORRECT = REPO / "tests" / "solutions" / "vectorized"
LEVELS = {"process": ("process", False), "process+seccomp": ("process", True), "bwrap": ("bwrap", False), "bwrap+seccomp": ("bwrap", True)}


def worker_costs(sandbox: str, seccomp: bool, root: Path) -> tuple[float, float]:
    starts, calls = [], []
    for _ in range(5):
        t = time.perf_counter()
        w = Worker(root, replace(Limits(), seccomp=seccomp), choose_launcher(sandbox))
        w.hello()
        starts.append(time.perf_counter() - t)
        x = np.ones((8, 8))
        t = time.perf_counter()
        for _ in range(300):
            w.call("m", "f", [x])
        calls.append((time.perf_counter() - t) / 300)
        w.stop()
    return statistics.median(starts), statistics.median(calls)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sub"
        (root / "assignments").mkdir(parents=True)
        (root / "assignments" / "__init__.py").write_text("")
        (root / "assignments" / "m.py").write_text("def f(x):\n    return x + 1\n")
        root.chmod(0o755)
        for p in root.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        Path(tmp).chmod(0o755)
        print(f"{'level':17s} {'start ms':>9s} {'call us':>8s} {'full grade s':>13s}")
        for label, (sandbox, seccomp) in LEVELS.items():
            try:
                start, call = worker_costs(sandbox, seccomp, root)
            except RuntimeError as exc:
                print(f"{label:17s} unavailable: {exc}")
                continue
            options = GradeOptions(visibility=("public", "hidden"), sandbox=sandbox, limits=replace(Limits(), seccomp=seccomp))
            t = time.perf_counter()
            result = grade_submission(CORRECT, PARTS, options)
            full = time.perf_counter() - t
            print(f"{label:17s} {start * 1e3:9.1f} {call * 1e6:8.0f} {full:13.2f}   ({result.sandbox}, {result.score:g}/{result.max_score:g})")


if __name__ == "__main__":
    main()
