"""`cli.py report` on a 400-submission gradebook, similarity included: the wall time of the command.

Usage: python benchmarks/report_scale.py [--count 400] [--from GRADEBOOK] [--keep DIR]

A few real submissions are graded once (conv and pooling, with timing): the vectorized and
loop solutions, two worked examples and three seeded bugs; `--from` reuses a gradebook graded
before instead. The 400 rows are made from those results, never graded: each takes a template's
result under a new name, with some checks turned to failures and its timing ratios scaled, so
totals and ratios vary. Each row's code is a folder of its own: every public function of
conv.py and pooling.py taken from one of six independent implementations (the two solutions,
the semi-vectorized one, the three examples) at random, with that implementation's helpers, so
submissions overlap in parts as real ones do; two rows share one mix (a copied pair the report
must put first). Two statements inserted at random in each function keep two students who drew
the same implementations apart, as real students' own edits do. The content hash of each folder is recorded, as grade does.
"""
from __future__ import annotations

import argparse
import ast
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from grader.batch.gradebook import Entry, Gradebook  # noqa: E402
from grader.batch.inputs.submission import read_folder  # noqa: E402
from grader.results import CheckResult, PartResult  # noqa: E402
from seeded_bugs import SEEDED_BUGS, materialize  # noqa: E402

MODULES = ("conv", "pooling")
IMPLEMENTATIONS = (
    REPO / "tests" / "solutions" / "vectorized",
    REPO / "tests" / "solutions" / "loops",
    REPO / "tests" / "solutions" / "semi",
    REPO / "examples" / "ada_correct",
    REPO / "examples" / "ben_buggy",
    REPO / "examples" / "cleo_partial",
)
BUGS = ("conv_kernel_flipped", "conv_dw_one_sample", "maxpool_overwrite_overlap")
RATIO = re.compile(r"^(>?)(\d+(?:\.\d+)?)x")


def grade_templates(work: Path) -> Path:
    inputs = [IMPLEMENTATIONS[0], IMPLEMENTATIONS[1], IMPLEMENTATIONS[4], IMPLEMENTATIONS[5]]
    inputs += [materialize(next(b for b in SEEDED_BUGS if b.name == name), work / name) for name in BUGS]
    out = work / "templates"
    command = [sys.executable, str(REPO / "cli.py"), "grade", *map(str, inputs), "--out", str(out), "--parts", "conv,pooling", "--hidden-seed", "7", "-j", "2"]
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    print(f"graded {len(inputs)} templates in {time.perf_counter() - start:.0f} s")
    return out / "gradebook.sqlite"


def functions(path: Path) -> dict[str, str]:
    """name -> source text of each top-level function of a module."""
    text = path.read_text()
    lines = text.splitlines()
    return {n.name: "\n".join(lines[n.lineno - 1 : n.end_lineno]) for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)}


def edited(function: str, rng: random.Random) -> str:
    """Two statements inserted at random lines of a function's body: what tells one student's
    mix from another's that drew the same implementations (each breaks the runs across it)."""
    lines = function.splitlines()
    for _ in range(2):
        at = rng.randrange(1, len(lines))
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())] or "    "
        lines.insert(at, f"{indent}trace_{rng.randrange(1000)} = len(str({rng.randrange(100)}))")
    return "\n".join(lines)


def mixed_module(module: str, rng: random.Random) -> str:
    """Each public function from a random implementation, edited, with that implementation's helpers."""
    public = [n for n in functions(REPO / "assignments" / f"{module}.py") if not n.startswith("_")]
    parts = ["from __future__ import annotations\n\nfrom typing import Any\n\nimport numpy as np\n"]
    helpers: dict[str, str] = {}
    for name in public:
        source = functions(rng.choice(IMPLEMENTATIONS) / "assignments" / f"{module}.py")
        helpers |= {n: t for n, t in source.items() if n.startswith("_") and n not in helpers}
        parts.append(edited(source[name], rng))
    return "\n\n\n".join([parts[0], *helpers.values(), *parts[1:]]) + "\n"


def varied(e: Entry, name: str, folder: Path, rng: random.Random) -> Entry:
    """The template's result under `name`: a few more public checks failed, timing ratios scaled."""
    scale = rng.uniform(0.6, 1.8)

    def check(c: CheckResult) -> CheckResult:
        if c.kind == "timing":
            t = c.timing
            if t is not None and t.ratio is not None:
                t = replace(t, ratio=t.ratio * scale)
            return replace(c, message=RATIO.sub(lambda m: f"{m.group(1)}{float(m.group(2)) * scale:.1f}x", c.message, count=1), timing=t)
        if c.outcome == "passed" and rng.random() < 0.05:
            return replace(c, outcome="failed", score=0.0, message="wrong values")
        return c

    parts = tuple(PartResult(p.part, tuple(check(c) for c in p.checks), p.error) for p in e.result.parts)
    got = read_folder(folder)
    return replace(e, name=name, source=str(folder), content_hash=got.content_hash, result=replace(e.result, submission=name, parts=parts))


def synthesize(template_book: Path, count: int, work: Path) -> Path:
    rng = random.Random(15)
    with Gradebook(template_book, create=False) as book:
        templates = book.entries()
    copied = (7, count - 3)
    folders = work / "class"
    target = work / "out" / "gradebook.sqlite"
    target.parent.mkdir(parents=True)
    mixes: dict[str, str] = {}
    with Gradebook(target) as book:
        for i in range(count):
            name = f"student{i:03d}"
            folder = folders / name / "assignments"
            folder.mkdir(parents=True)
            for module in MODULES:
                if i == copied[1]:
                    text = mixes[module]
                else:
                    text = mixed_module(module, rng)
                if i == copied[0]:
                    mixes[module] = text
                (folder / f"{module}.py").write_text(text)
            book.record(varied(templates[i % len(templates)], name, folder.parent, rng))
    print(f"wrote {count} synthetic rows ({len(templates)} templates); the copied pair is student{copied[0]:03d} and student{copied[1]:03d}")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--from", dest="source", type=Path, default=None, help="a gradebook graded before, as the templates")
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep the files (default: a temporary folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gradelab-report-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        book = synthesize(args.source or grade_templates(work), args.count, work)
        out = book.parent
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(REPO / "cli.py"), "report", str(out), "--json", str(out / "report.json")], cwd=REPO, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        print(done.stderr.strip())
        import json

        data = json.loads((out / "report.json").read_text())
        top = data["similarity"]["pairs"][:3]
        print(f"report of {data['overview']['submissions']} submissions: {seconds:.1f} s wall (the whole command, interpreter start-up included)")
        print(f"  {len(data['similarity']['pairs'])} similar pairs listed; top: " + "; ".join(f"{p['module']} {p['a']}~{p['b']} {p['score']:.2f}" for p in top))
        copied = [i + 1 for i, p in enumerate(data["similarity"]["pairs"]) if {p["a"], p["b"]} == {"student007", f"student{args.count - 3:03d}"}]
        print(f"  the copied pair is listed at rank {', '.join(map(str, copied)) or 'none'} (other pairs at 100% drew the same mix by chance)")
        print(f"  page {(out / 'report.html').stat().st_size / 1e6:.1f} MB; {out / 'report.html'}")
        if done.returncode != 0 or seconds >= 30:
            sys.exit(1)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
