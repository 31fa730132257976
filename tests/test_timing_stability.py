"""Acceptance of issue 8: the same code gets the same speed points quiet, busy and in a batch.

Grades, parts pooling and conv, through the CLI: quiet, the semi-vectorized solution (near the
limits), the vectorized one, the loop one and examples/cleo_partial; then, with two busy-looping
processes, the semi-vectorized one and cleo_partial alone, and again with all three examples
graded two at a time (--jobs 2). Every timing score must be the same in every condition; the loops
lose every timing point and the vectorized keeps them all; cleo_partial scores what
examples/README.md promises, alone and in the examples' batch. Under load only the submissions
near a limit are graded again: a verdict far from its limit cannot flip, and the loop solution's
hopeless runs were most of this test's time.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import LOOPS, REPO, TESTS, VECTORIZED

pytestmark = pytest.mark.slow

SEMI = TESTS / "solutions" / "semi"
EXAMPLES = sorted(p for p in (REPO / "examples").iterdir() if p.is_dir())
CLEO = REPO / "examples" / "cleo_partial"
NAMES = ("semi", "vectorized", "loops", "cleo_partial")
BUSY_SECONDS = 300  # each busy loop ends by itself even if this test is killed
RATIO = re.compile(r"^>?([0-9.]+)x \(limit")


@contextmanager
def busy(n: int = 2) -> Iterator[None]:
    """`n` processes spinning on the CPU, bounded in time, always killed."""
    code = f"import time\nend = time.monotonic() + {BUSY_SECONDS}\nwhile time.monotonic() < end: pass"
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def grade(out: Path, inputs: list[Path], jobs: int, parts: str = "pooling,conv", scale: str = "0.02") -> dict[str, dict[str, tuple[float, str]]]:
    """-> submission -> check name -> (score, headline)."""
    cmd = [sys.executable, "cli.py", "grade", *map(str, inputs), "--out", str(out), "--jobs", str(jobs), "--examples-scale", scale]
    if parts:
        cmd += ["--parts", parts]
    subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=600)
    found = {}
    for src in inputs:
        tests = json.loads((out / src.name / "results.json").read_text())["tests"]
        found[src.name] = {t["name"]: (t["score"], t.get("output", "").splitlines()[0] if t.get("output") else "") for t in tests}
    return found


def test_timing_scores_are_the_same_quiet_busy_and_in_a_batch(tmp_path: Path):
    runs = {}
    start = time.monotonic()
    runs["quiet"] = grade(tmp_path / "quiet", [SEMI, VECTORIZED, LOOPS, CLEO], jobs=1)
    with busy():
        runs["busy"] = grade(tmp_path / "busy", [SEMI, CLEO], jobs=1)
    with busy():  # the three examples together, as examples/README.md grades them
        runs["busy, --jobs 2"] = grade(tmp_path / "batch", [SEMI, *EXAMPLES], jobs=2)
    timing = {cond: {s: {n: v for n, v in checks.items() if n.endswith(" timing")} for s, checks in r.items() if s in NAMES} for cond, r in runs.items()}
    for sub in NAMES:
        for name in sorted(timing["quiet"][sub]):
            ratios = [RATIO.match(timing[c][sub][name][1]) if sub in timing[c] else None for c in timing]
            print(f"{sub:12s} {name:40s} " + " ".join(f"{m.group(1) if m else '-':>7s}" for m in ratios))
    print(f"{time.monotonic() - start:.0f} s")

    scores = {cond: {s: {n: v[0] for n, v in checks.items()} for s, checks in t.items()} for cond, t in timing.items()}
    assert all(scores[c][sub] == scores["quiet"][sub] for c in scores for sub in scores[c]), scores
    assert {sub for c in scores for sub in scores[c]} == set(NAMES) and all({"semi", "cleo_partial"} <= set(scores[c]) for c in scores)
    assert len(scores["quiet"]["semi"]) == 6
    for name, score in scores["quiet"]["vectorized"].items():
        assert score > 0, (name, timing["quiet"]["vectorized"][name])
    assert all(score == 0 for score in scores["quiet"]["loops"].values())
    # The semi-vectorized code is under every limit: a verdict that flipped would show above.
    assert all(score > 0 for score in scores["quiet"]["semi"].values()), timing["quiet"]["semi"]
    # examples/README.md: cleo_partial's pooling scores 13, graded alone and in the examples' batch.
    for cond in ("quiet", "busy, --jobs 2"):
        pooling = sum(score for name, (score, _) in runs[cond]["cleo_partial"].items() if name.startswith("pooling: "))
        assert pooling == pytest.approx(13, abs=1e-9), (cond, runs[cond]["cleo_partial"])
