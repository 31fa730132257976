"""Wall time of `cli.py check` and of one full `cli.py grade` of a correct submission.

Run by hand: python benchmarks/grade_walltime.py [--repeats 3] [--per-part]. Each command runs as
a fresh process, as a student or instructor would start it (interpreter and torch start-up
included). --per-part then grades the correct submission once in this process (public and
hidden checks, timing included) and prints each part's share: the seconds its checks took.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORRECT = REPO / "tests" / "solutions" / "vectorized"


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--per-part", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = "{fresh}"  # a new output folder per run: a gradebook there would skip the regrade
        commands = {
            "check (stubs, public checks)": [sys.executable, "cli.py", "check"],
            "check (correct solution, public checks)": [sys.executable, "cli.py", "check", "--path", str(CORRECT)],
            "grade (correct solution, public + hidden)": [sys.executable, "cli.py", "grade", str(CORRECT), "--out", out],
        }
        print(f"{'command':45s} {'median s':>9s} {'min s':>7s}  runs")
        for label, cmd in commands.items():
            runs = [timed([c.replace("{fresh}", f"{tmp}/out{i}") for c in cmd]) for i in range(args.repeats)]
            print(f"{label:45s} {statistics.median(runs):9.2f} {min(runs):7.2f}  {', '.join(f'{r:.2f}' for r in runs)}")
    if args.per_part:
        per_part()


def per_part() -> None:
    """Each part's checks' seconds in one grade of the correct submission, and what is left."""
    sys.path.insert(0, str(REPO))
    from grader.engine.grade import grade_submission
    from grader.options import GradeOptions
    from grader.parts import PARTS

    start = time.perf_counter()
    result = grade_submission(CORRECT, PARTS, GradeOptions(visibility=("public", "hidden")))
    total = time.perf_counter() - start
    print(f"\n{'part (one grade, in process)':45s} {'checks s':>9s} {'timing s':>9s}  score")
    for part in result.parts:
        seconds = sum(c.seconds for c in part.checks)
        timing = sum(c.seconds for c in part.checks if c.kind == "timing")
        print(f"{part.part:45s} {seconds:9.2f} {timing:9.2f}  {part.score:g} / {part.max_score:g}")
    checks = sum(c.seconds for c in result.checks)
    print(f"{'workers, imports, staging':45s} {total - checks:9.2f}")
    print(f"{'total':45s} {total:9.2f}")


if __name__ == "__main__":
    main()
