"""Every check's outcome and score on the solutions, seeded bugs, examples and hostile suite.

Run by hand before and after a refactor that must not change grades:
    python benchmarks/score_snapshot.py OUT.json            # record
    python benchmarks/score_snapshot.py OUT.json --compare BEFORE.json
A check that is new (a part added since) is counted, not a difference. Timing checks are left out (they measure the machine, not the code); everything else is graded
with the test suite's hidden seed and full example counts.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from grader.parts import select  # noqa: E402

try:  # the layout after issue 9
    from grader.engine.grade import grade_submission  # type: ignore[import-not-found]
    from grader.options import GradeOptions  # type: ignore[import-not-found]
except ImportError:  # the layout before it
    from grader.context import GradeOptions  # type: ignore[no-redef]
    from grader.engine import grade_submission  # type: ignore[no-redef]

from hostile_suite import HOSTILE, hostile_submission  # noqa: E402
from seeded_bugs import SEEDED_BUGS, materialize  # noqa: E402

OPTIONS = GradeOptions(visibility=("public", "hidden"), hidden_seed=12345, timing=False)


def scores(src: Path, parts: list[str] | None, work: Path) -> dict[str, list]:
    from dataclasses import replace

    result = grade_submission(src, select(parts), replace(OPTIONS, work_dir=work))
    return {f"{c.part} | {c.name}": [c.outcome, c.score, c.max_score] for c in result.checks}


def record() -> dict[str, dict[str, list]]:
    out: dict[str, dict[str, list]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name in ("vectorized", "loops"):
            out[f"solution/{name}"] = scores(REPO / "tests" / "solutions" / name, None, tmp)
        for ex in sorted(p for p in (REPO / "examples").iterdir() if p.is_dir()):
            out[f"example/{ex.name}"] = scores(ex, None, tmp)
        for bug in SEEDED_BUGS:
            out[f"bug/{bug.name}"] = scores(materialize(bug, tmp / "bugs" / bug.name), [bug.part], tmp)
        for h in sorted(p.name for p in HOSTILE.iterdir() if p.is_dir()):
            (module,) = (HOSTILE / h / "assignments").glob("*.py")
            src = hostile_submission(tmp / "hostile", h)
            out[f"hostile/{h}"] = scores(src, [module.stem], tmp)
            print(h, file=sys.stderr, flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    now = record()
    args.out.write_text(json.dumps(now, indent=1, sort_keys=True))
    if args.compare:
        before = json.loads(args.compare.read_text())
        sys.exit(compare(before, now))


def compare(before: dict[str, dict[str, list]], now: dict[str, dict[str, list]]) -> int:
    """Print every check whose result changed or that went away; count the checks that are new
    (a part or a submission added since). -> the exit status: 1 when anything changed."""
    diffs, added = [], 0
    for k in sorted(set(before) | set(now)):
        was, is_ = before.get(k, {}), now.get(k, {})
        for c in sorted(set(was) | set(is_)):
            if c not in was:
                added += 1
            elif was[c] != is_.get(c):
                diffs.append((k, c, was[c], is_.get(c)))
    for d in diffs:
        print("DIFF", *d)
    print(f"{len(diffs)} differences over {sum(len(v) for v in before.values())} checks recorded before; {added} checks added")
    return 1 if diffs else 0


if __name__ == "__main__":
    main()
