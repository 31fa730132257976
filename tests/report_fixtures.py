"""A small graded class for the report's tests: independent solutions, the worked examples,
seeded bugs and a planted copied pair, graded once (the conv part only) into one gradebook."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from seeded_bugs import SEEDED_BUGS, SeededBug, materialize

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SEMI = TESTS / "solutions" / "semi" / "assignments"
PARTS = "conv"
# A mistake the catalogue does not name (only observed: "every value is 2 times the expected
# one"), so it lands among the undiagnosed failures.
DB_TWICE = SeededBug(
    "conv_db_counted_twice", "conv", "conv",
    "db = dout.sum(axis=(0, 2, 3))",
    "db = 2 * dout.sum(axis=(0, 2, 3))",
    "db adds every upstream gradient twice.",
)
# conv_kernel_flipped twice, so a count above one is tested.
SEEDED = ("conv_kernel_flipped", "conv_kernel_flipped", "conv_dw_one_sample", DB_TWICE.name)
PAIR = ("pair_kim", "pair_lee")

RENAMES = (
    {"x": "inp", "w": "weights", "out": "result", "kh": "k_rows", "kw": "k_cols", "sh": "step_r", "sw": "step_c", "dx": "grad_in", "dout": "upstream"},
    {"x": "images", "w": "filt", "out": "y", "kh": "height_k", "kw": "width_k", "dxp": "grad_pad", "dw": "grad_w", "xp": "padded", "window": "patch"},
)


def renamed(source: str, names: dict[str, str]) -> str:
    """Every name in `names` replaced as a whole word, never after a dot (np.pad stays np.pad)."""
    for old, new in names.items():
        source = re.sub(rf"(?<![.\w]){re.escape(old)}\b", new, source)
    return source


def reordered(source: str) -> str:
    """The module's top-level functions in reverse order, the helpers last (what comes before them stays)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    head = "\n".join(lines[: functions[0].lineno - 1])
    bodies = ["\n".join(lines[n.lineno - 1 : n.end_lineno]) for n in functions]
    return head + "\n" + "\n\n\n".join(reversed(bodies)) + "\n"


def planted_copy(dest: Path, variant: int) -> Path:
    """One of two copies of the semi-vectorized solution, each with its own names; the second with its functions reordered."""
    (dest / "assignments").mkdir(parents=True)
    for module in ("conv",):
        text = renamed((SEMI / f"{module}.py").read_text(), RENAMES[variant])
        (dest / "assignments" / f"{module}.py").write_text(reordered(text) if variant else text)
    return dest


@dataclass(frozen=True)
class GradedClass:
    out: Path  # the grade --out folder, holding the gradebook
    seeded: dict[str, str]  # submission name -> seeded bug name


def graded_class(root: Path) -> GradedClass:
    """Grade the class into root/out. The seeded bugs' folders are removed afterwards: each is
    the vectorized solution with one line changed, so its code would rightly pair with the
    vectorized one; removed, they test the report's note on files no longer there."""
    inputs = [TESTS / "solutions" / "vectorized", TESTS / "solutions" / "loops", *sorted((REPO / "examples").glob("*_*/"))]
    inputs += [planted_copy(root / name, i) for i, name in enumerate(PAIR)]
    seeded: dict[str, str] = {}
    for i, bug_name in enumerate(SEEDED):
        bug = next(b for b in (*SEEDED_BUGS, DB_TWICE) if b.name == bug_name)
        name = f"seeded{i}_{bug_name}"
        inputs.append(materialize(bug, root / name))
        seeded[name] = bug_name
    out = root / "out"
    command = [sys.executable, str(REPO / "cli.py"), "grade", *map(str, inputs), "--out", str(out), "--parts", PARTS]
    # No timing: it would take three quarters of the time (tests/test_report_stats.py covers Speed).
    command += ["--hidden-seed", "7", "--examples-scale", "0.2", "--no-timing", "-j", "2"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in seeded:
        shutil.rmtree(root / name)
    return GradedClass(out, seeded)
