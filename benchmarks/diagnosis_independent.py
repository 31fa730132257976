"""The diagnosis catalogue on bugs written by someone who never saw it (issue 14's held-out set).

benchmarks/heldout/ holds 38 single-mistake modules, one per mistake of issue 14's list (each
graded as examples/ada_correct with that module in place),
written from the stubs, examples/ada_correct and the lecture alone, in their author's own
styles (loops, im2col, step functions), without the catalogue, the seeded bugs or the grader's
feedback. Each is graded the way a student's `check` grades it (the bug's part, public checks,
no timing); every `likely mistake:` line is mapped back to the diagnosis that wrote it.

    python3 benchmarks/diagnosis_independent.py [--examples-scale 1.0]

A bug is *named right* when the diagnosis of its mistake fires; a *misfire* is any diagnosis
of another mistake firing on it. The issue asks for at least 80% named right and no misfire.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent / "heldout"))
from submissions import compose  # noqa: E402

from grader.engine.grade import grade_submission
from grader.options import GradeOptions
from grader.parts import PARTS, select

HELDOUT = Path(__file__).resolve().parent / "heldout"
PART_OF = {"conv": "conv", "pooling": "pooling", "rnn": "rnn", "residual": "residual", "shapes": "shapes"}
# The diagnosis each listed mistake should get, written from the list and the catalogue's
# keys (the bugs' author saw neither this table nor the keys).
EXPECTED = {
    "conv_kernel_flipped": "conv-kernel-flipped",
    "conv_pad_one_side": "conv-pad-one-side",
    "conv_pad_zero_empty_dx": "conv-dx-crop",
    "conv_hardcoded_crop": "conv-dx-crop",
    "conv_wout_from_h": "conv-width-from-h",
    "conv_wout_from_kh": "conv-width-from-kh",
    "conv_kernel_dims_swapped": "conv-kernel-swapped",
    "conv_stride_swapped": "conv-stride-swapped",
    "conv_ceil": "conv-ceil",
    "conv_stride_ignored_backward": "conv-backward-ignores-stride",
    "conv_dx_covered_region": "conv-dx-covered-only",
    "conv_dw_one_sample": "conv-dw-one-sample",
    "conv_db_wrong_axes": "conv-db-wrong-axes",
    "conv_float32": "conv-float32",
    "pool_overwrite_overlap": "maxpool-overwrite-overlap",
    "pool_grad_all_ties": "maxpool-all-tied-maxima",
    "pool_grad_last_max": "maxpool-last-maximum",
    "pool_argmax_wrong_width": "maxpool-argmax-unravel-width",
    "pool_stride_default_1": "pool-stride-default-one",
    "avgpool_not_divided": "avgpool-divisor",
    "avgpool_div_stride": "avgpool-divisor",
    "avgpool_div_kh_kh": "avgpool-divisor",
    "rnn_tanh_deriv_1_minus_h": "rnn-tanh-grad-one-minus-h",
    "rnn_no_carry": "rnn-no-carry-through-time",
    "rnn_dh_last_step_only": "rnn-upstream-last-step-only",
    "rnn_dh0_zero": "rnn-dh0-zero",
    "rnn_dwh_from_next_h": "rnn-dwh-from-next-h",
    "rnn_wh_not_transposed": "rnn-wh-not-transposed",
    "rnn_db_averaged": "rnn-db-batch-mean",
    "rnn_h0_every_step": "rnn-h0-every-step",
    "res_no_skip_grad": "residual-missing-skip-grad",
    "res_skip_not_masked": "residual-skip-grad-unmasked",
    "res_proj_ignores_stride": "residual-projection-ignores-stride",
    "res_no_final_relu": "residual-no-final-relu",
    "res_conv2_no_pad": "residual-second-conv-unpadded",
    "shapes_cost_no_bias": "shapes-cost-without-bias",
    "shapes_ceil": "shapes-ceil",
    "shapes_missing_plus_one": "shapes-missing-plus-one",
}
MISTAKE = "likely mistake: "


def keys_by_hint() -> dict[str, str]:
    return {d.hint: d.key for part in PARTS for d in part.diagnoses if d.key}


def fired(result_checks: list, by_hint: dict[str, str]) -> list[str]:
    keys = []
    for check in result_checks:
        for line in check.message.splitlines():
            if line.startswith(MISTAKE):
                keys.append(by_hint.get(line[len(MISTAKE) :], "?" + line[len(MISTAKE) : len(MISTAKE) + 40]))
    return sorted(set(keys))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples-scale", type=float, default=1.0)
    args = parser.parse_args()
    bugs = tomllib.loads((HELDOUT / "bugs.toml").read_text())["bug"]
    options = GradeOptions(visibility=("public",), timing=False, examples_scale=args.examples_scale)
    by_hint = keys_by_hint()
    right = misfired = 0
    start = time.perf_counter()
    print(f"{'bug':30s} {'expected':34s} fired")
    for bug in bugs:
        with tempfile.TemporaryDirectory() as tmp:
            submission = compose(bug["id"], bug["module"], Path(tmp) / bug["id"])
            result = grade_submission(submission, select([PART_OF[bug["module"]]]), options)
        keys = fired(list(result.checks), by_hint)
        want = EXPECTED[bug["id"]]
        right += want in keys
        wrong = [k for k in keys if k != want]
        misfired += bool(wrong)
        mark = "ok" if want in keys and not wrong else ("MISFIRE" if wrong else "missed")
        print(f"{bug['id']:30s} {want:34s} {', '.join(keys) or '-':40s} {mark}  ({result.score:g}/{result.max_score:g})")
    n = len(bugs)
    print(f"\nnamed right: {right}/{n} ({100 * right / n:.0f}%); bugs with a misfire: {misfired}; {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
