"""`check --repro`: a raising function and an exact-valued count are written out and rerun too."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import VECTORIZED, grade, variant
from grader.options import GradeOptions
from seeded_bugs import SEEDED_BUGS, materialize

# The script needs numpy only: torch is made unimportable in the process that runs it.
BLOCKED = "import sys, runpy; sys.modules['torch'] = None; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


def rerun(script: Path, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCKED, str(script), str(root)], capture_output=True, text=True, timeout=120)


def test_a_raising_backward_is_written_out_and_its_rerun_raises_the_same_error(tmp_path: Path):
    source = (VECTORIZED / "assignments" / "conv.py").read_text()
    marker = "def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:\n"
    assert marker in source
    root = variant(tmp_path, "conv", source.replace(marker, marker + "    if dout.shape[0] == 1:\n        raise IndexError('my indexing bug')\n"))
    repro = tmp_path / "repro"
    result = grade(root, ["conv"], GradeOptions(timing=False, repro_dir=repro))
    backward = next(c for c in result.checks if c.name == "conv2d_backward backward")
    assert backward.outcome == "failed" and "my indexing bug" in backward.message
    script = repro / "repro_conv2d_backward.py"
    assert f"reproduce it: python {script}" in backward.message
    run = rerun(script, root)
    assert run.returncode == 1 and "IndexError: my indexing bug" in run.stderr, run.stdout + run.stderr


def test_an_exact_count_is_written_out_and_compared_exactly(tmp_path: Path):
    bug = next(b for b in SEEDED_BUGS if b.name == "shapes_output_size_no_floor")
    root = materialize(bug, tmp_path / bug.name)
    repro = tmp_path / "repro"
    result = grade(root, ["shapes"], GradeOptions(timing=False, repro_dir=repro))
    failed = [c for c in result.checks if c.outcome == "failed" and "reproduce it: python" in c.message]
    assert failed, [c.message for c in result.checks]
    script = Path(failed[0].message.split("reproduce it: python ")[1].splitlines()[0])
    run = rerun(script, root)
    assert run.returncode == 1, run.stdout + run.stderr
    last = run.stdout.splitlines()[-1]
    assert "returned a float" in last and "expected" in last, last
    # The same words as the check's own headline.
    assert last.split(": ", 1)[1] in failed[0].message


def test_an_argument_that_is_none_is_passed_as_none(tmp_path: Path):
    # attention_forward's mask=None is no array in the .npz: the script passes None, not a lookup.
    import numpy as np

    from grader.engine import repro
    from grader.engine.context import CaseFailure
    from grader.parts.strategies.transformer import attention_case
    from grader.parts.transformer import TRANSFORMER

    layer = TRANSFORMER.layer("attention_forward")
    case = attention_case(np.random.default_rng(0), 2, 3, 4, 2, 2, "none")
    expected = TRANSFORMER.reference.attention_forward(*case.args())[0]
    failure = CaseFailure("out: has wrong values", "attention_forward", None, expected + 1, expected)
    script = repro.write(tmp_path / "repro", "attention_forward", TRANSFORMER, layer, case, failure)
    run = rerun(script, VECTORIZED)
    assert run.returncode == 0 and "matches" in run.stdout, run.stdout + run.stderr
