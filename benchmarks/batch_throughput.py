"""Batch grading throughput: 60 generated submissions with --jobs 1 and --jobs 2, a re-run, a SIGKILL.

Usage: python benchmarks/batch_throughput.py [--parts shapes,pooling] [--timeout 10] [--count 60]

The submissions are copies of the vectorized instructor solution: most correct, some with a
seeded bug (tests/seeded_bugs.py), some with a function that never returns. Each run is a real
`cli.py grade` subprocess; memory is the peak of the summed RSS of its process tree (sampled every
0.1 s) and the largest single process (getrusage RUSAGE_CHILDREN, through a wrapper process).
The SIGKILL scenario kills a --jobs 2 batch halfway, re-runs it, and checks that the gradebook
holds every submission once, complete, with the rows graded before the kill untouched.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from seeded_bugs import SEEDED_BUGS, VECTORIZED, materialize  # noqa: E402

HANG = "\n\ndef {name}(*args, **kwargs):\n    while True:\n        pass\n"
WRAPPER = "import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(rc)"


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    graded: int
    peak_tree_mb: float
    largest_process_mb: float


def generate(dest: Path, count: int, parts: list[str]) -> dict[str, str]:
    """count submissions: 1 in 10 hangs, 1 in 4 has a seeded bug in a graded part, the rest correct."""
    bugs = [b for b in SEEDED_BUGS if b.part in parts]
    kinds: dict[str, str] = {}
    for i in range(count):
        name = f"student{i:03d}"
        root = dest / name
        if i % 10 == 9:
            shutil.copytree(VECTORIZED, root, ignore=shutil.ignore_patterns("__pycache__"))
            module = root / "assignments" / f"{parts[-1]}.py"
            first = next(line.split("(")[0][4:] for line in module.read_text().splitlines() if line.startswith("def "))
            module.write_text(module.read_text() + HANG.format(name=first))  # the last definition wins
            kinds[name] = "hanging"
        elif i % 4 == 3 and bugs:
            materialize(bugs[i % len(bugs)], root)
            kinds[name] = "buggy"
        else:
            shutil.copytree(VECTORIZED, root, ignore=shutil.ignore_patterns("__pycache__"))
            kinds[name] = "correct"
    return kinds


def _tree_rss_kb(pid: int) -> int:
    from grader.sandbox.proctree import descendants

    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def grade(label: str, subs: list[Path], out: Path, jobs: int, common: list[str], kill_at: int | None = None) -> Run:
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, str(REPO / "cli.py"), "grade", *map(str, subs),
           "--out", str(out), "--jobs", str(jobs), *common]
    before = _rows(out)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        if kill_at is not None and _rows(out) >= kill_at:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.1)
    _, err = proc.communicate()
    seconds = time.monotonic() - start
    largest = int(err.strip().splitlines()[-1]) if kill_at is None and err.strip() else 0
    return Run(label, seconds, _rows(out) - before, peak / 1024, largest / 1024)


def _rows(out: Path) -> int:
    try:
        with sqlite3.connect(out / "gradebook.sqlite") as db:
            return db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    except sqlite3.Error:
        return 0


def _table(out: Path) -> dict[str, tuple[float, str, str, int]]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        counts = dict(db.execute("SELECT submission, COUNT(*) FROM checks GROUP BY submission"))
        return {n: (s, st, at, counts.get(n, 0)) for n, s, st, at in db.execute("SELECT name, score, status, graded_at FROM submissions")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--parts", default="shapes,pooling")
    ap.add_argument("--timeout", default="10", help="per-submission wall-clock limit (s)")
    ap.add_argument("--examples-scale", default="1.0")
    args = ap.parse_args()
    parts = args.parts.split(",")
    common = ["--parts", args.parts, "--no-timing", "--timeout", args.timeout, "--examples-scale", args.examples_scale]
    with tempfile.TemporaryDirectory(prefix="gradelab-bench-") as tmp:
        root = Path(tmp)
        kinds = generate(root / "subs", args.count, parts)
        subs = [root / "subs" / n for n in sorted(kinds)]
        print(f"{args.count} submissions: {sum(k == 'correct' for k in kinds.values())} correct, "
              f"{sum(k == 'buggy' for k in kinds.values())} buggy, {sum(k == 'hanging' for k in kinds.values())} hanging; "
              f"parts {args.parts}, --no-timing, --timeout {args.timeout}, --examples-scale {args.examples_scale}; "
              f"{os.cpu_count()} cores", flush=True)
        runs = [grade("--jobs 1", subs, root / "out1", 1, common)]
        print(runs[-1], flush=True)
        runs.append(grade("--jobs 2", subs, root / "out2", 2, common))
        print(runs[-1], flush=True)
        before = _table(root / "out2")
        runs.append(grade("re-run (--jobs 2)", subs, root / "out2", 2, common))
        print(runs[-1], flush=True)
        regraded = sum(_table(root / "out2")[n][2] != before[n][2] for n in before)
        assert runs[-1].graded == 0

        killed = grade("--jobs 2, SIGKILL halfway", subs, root / "out3", 2, common, kill_at=args.count // 2)
        at_kill = _table(root / "out3")
        resumed = grade("resume after SIGKILL", subs, root / "out3", 2, common)
        final = _table(root / "out3")
        runs += [killed, resumed]

        print()
        print(f"{'run':<28}{'seconds':>9}{'graded':>8}{'subs/min':>10}{'peak tree MB':>14}{'largest proc MB':>17}")
        for r in runs:
            per_min = r.graded / r.seconds * 60
            print(f"{r.label:<28}{r.seconds:>9.1f}{r.graded:>8}{per_min:>10.1f}{r.peak_tree_mb:>14.0f}{r.largest_process_mb:>17.0f}")
        print()
        print(f"re-run: {regraded} of {len(before)} submissions graded again (must be 0)")
        same_scores = all(abs(_table(root / "out1")[n][0] - final[n][0]) < 1e-9 for n in final)
        complete = set(final) == set(kinds) and all(c > 0 for *_, c in final.values())
        untouched = all(final[n][2] == at_kill[n][2] for n in at_kill)
        print(f"SIGKILL after {len(at_kill)} rows; after the resume: {len(final)} rows, every row with its checks: {complete}, "
              f"rows graded before the kill untouched: {untouched}, scores equal to the --jobs 1 run: {same_scores}")
        first = _table(root / "out1")
        for n in sorted(final):
            if abs(first[n][0] - final[n][0]) >= 1e-9:
                print(f"  {n} ({kinds[n]}): {first[n][0]:g} with --jobs 1, {final[n][0]:g} after the resume")
                if os.environ.get("BENCH_DEBUG"):
                    print(subprocess.run([sys.executable, str(REPO / "cli.py"), "gradebook", "show", "--gradebook", str(root / "out3"), n],
                                         capture_output=True, text=True).stdout[-3000:])
        hanging = [n for n, k in kinds.items() if k == "hanging"]
        print(f"hanging submissions recorded as timeout: {sum(final[n][1] == 'timeout' for n in hanging)} of {len(hanging)}")


if __name__ == "__main__":
    main()
