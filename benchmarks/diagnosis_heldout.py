"""The diagnosis catalogue on code it was not written from: its mistakes planted in the loop
solution (tests/solutions/loops), graded on each part's public forward, backward and example
checks. Prints each bug's likely-mistake lines and the share named right, and the misfires.

    python3 benchmarks/diagnosis_heldout.py

The catalogue's own seeded bugs edit the vectorized solution (tests/seeded_bugs.py); these edit
code of another shape (per-element loops), so a diagnosis tied to one implementation shows here.
They were written by the catalogue's author, so they are a robustness check, not an independent
sample of student code.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from grader.engine.grade import grade_submission
from grader.options import GradeOptions
from grader.parts import select
from grader.results import SubmissionResult
from grader.spec import PartSpec, Points

LOOPS = Path(__file__).resolve().parents[1] / "tests" / "solutions" / "loops"
BUGS = [
    ("conv", "np.sum(window * w[f])", "np.sum(window * w[f, :, ::-1, ::-1])", "kernel flipped"),
    ("conv", "xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))", "xp = np.pad(x, ((0, 0), (0, 0), (ph, 0), (pw, 0)))", "only at the top and left"),
    ("conv", "h_out = (h + 2 * ph - kh) // sh + 1", "h_out = -(-(h + 2 * ph - kh) // sh) + 1", "rounds (H + 2*pad - K) / stride up"),
    ("conv", "h_out = (h + 2 * ph - kh) // sh + 1", "h_out = (h + 2 * ph - kh) // sh", "misses the + 1"),
    ("conv", "w_out = (wd + 2 * pw - kw) // sw + 1", "w_out = (h + 2 * pw - kw) // sw + 1", "width is computed from H"),
    ("conv", "w_out = (wd + 2 * pw - kw) // sw + 1", "w_out = (wd + 2 * pw - kh) // sw + 1", "kernel's height KH"),
    ("conv", "sh, sw = _pair(stride)", "sw, sh = _pair(stride)", "the stride as (stride_w, stride_h)"),
    ("conv", "db[f] += g\n", "db[f] += g / n_samples\n", "db reduces dout over the wrong axes"),
    ("conv", "dx = dxp[:, :, ph : dxp.shape[2] - ph, pw : dxp.shape[3] - pw]", "dx = dxp[:, :, ph:-ph, pw:-pw]", "keeps nothing"),
    ("conv", "dxp = np.zeros_like(xp)", "dxp = np.zeros_like(xp, dtype=np.float32)", "float32"),
    ("conv", "dxp[n, :, rows, cols] += g * w[f]", "dxp[n, :, i : i + kh, j : j + kw] += g * w[f]", "as if the stride were 1"),
    ("conv", "dw[f] += g * xp[n, :, rows, cols]", "dw[f] += g * xp[n, :, rows, cols] if n == 0 else 0", "first sample only"),
    (
        "pooling",
        "dx[n, c, i * sh + a // kw, j * sw + a % kw] += dout[n, c, i, j]",
        "dx[n, c, i * sh + a // kh, j * sw + a % kh] += dout[n, c, i, j]",
        "yours divides by KH",
    ),
    (
        "pooling",
        "dx[n, c, i * sh + a // kw, j * sw + a % kw] += dout[n, c, i, j]",
        "dx[n, c, i * sh + a // kw, j * sw + a % kw] = dout[n, c, i, j]",
        "wrong only where windows overlap",
    ),
    ("pooling", "+= dout[n, c, i, j] / (kh * kw)", "+= dout[n, c, i, j]", "right one times a constant"),
    ("rnn", "da = dnext_h[n, j] * (1 - next_h[n, j] ** 2)", "da = dnext_h[n, j] * (1 - next_h[n, j])", "1 - h**2"),
    ("rnn", "dprev_h[n] += da * Wh[:, j]", "dprev_h[n] += da * Wh[j, :]", "Wh where its transpose belongs"),
    ("rnn", "dWh[:, j] += da * prev_h[n]", "dWh[:, j] += da * next_h[n]", "next_h"),
    ("rnn", "db[j] += da", "db[j] += da / x.shape[0]", "db averages over the batch"),
    ("rnn", "rnn_step_forward(x[:, t], prev_h, Wx, Wh, b)", "rnn_step_forward(x[:, t], h0, Wx, Wh, b)", "starts from h0"),
    ("shapes", "params = c_out * c_in * kh * kw + c_out", "params = c_out * c_in * kh * kw", "leaves out the biases"),
]
OPTIONS = GradeOptions(visibility=("public",), timing=False, examples_scale=0.4)


def lean(part: PartSpec) -> PartSpec:
    """The part with only its public forward and backward checks (and its examples)."""
    return replace(part, layers=tuple(replace(layer, points=Points(forward=layer.points.forward, backward=layer.points.backward)) for layer in part.layers))


def lines(result: SubmissionResult, prefix: str) -> list[str]:
    return sorted({line for c in result.checks for line in c.message.splitlines() if line.startswith(prefix)})


def main() -> None:
    named = misfires = 0
    for module, old, new, says in BUGS:
        with tempfile.TemporaryDirectory() as d:
            root = Path(d) / "submission"
            shutil.copytree(LOOPS, root)
            path = root / "assignments" / f"{module}.py"
            text = path.read_text()
            if text.count(old) != 1:
                raise ValueError(f"{module}: {old!r} occurs {text.count(old)} times")
            path.write_text(text.replace(old, new))
            result = grade_submission(root, [lean(p) for p in select([module])], OPTIONS)
        hints = lines(result, "likely mistake:")
        right, wrong = [h for h in hints if says in h], [h for h in hints if says not in h]
        named += bool(right)
        misfires += bool(wrong)
        verdict = "OK " if right and not wrong else ("MIS" if wrong else "-- ")
        print(f"{verdict} {module:8s} {says:40s} {[h[16:90] for h in hints]} {[o[13:80] for o in lines(result, 'observation:')]}")
    print(f"named right {named}/{len(BUGS)}, misfires {misfires}")


if __name__ == "__main__":
    main()
