"""The similarity module: tokens blind to names, comments and layout; winnowing; the baseline;
pairs found through the index, on the instructor solutions and edited copies of them."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.report.build import build_report
from grader.report.similarity import K, WINDOW, fingerprint, kgram_hashes, similar_pairs, tokens, winnow
from report_fixtures import planted_copy
from report_synthetic import check, entry, submission

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SOLUTIONS = TESTS / "solutions"


def source(solution: str, module: str) -> str:
    return (SOLUTIONS / solution / "assignments" / f"{module}.py").read_text()


def test_tokens_ignore_names_comments_literals_and_layout_but_keep_attributes():
    a = "def f(x, y):\n    # add them\n    return np.add(x, y) * 2\n"
    b = "def total(first,second):  # other words\n\n    return np.add(first,\n                  second) * 3\n"
    assert tokens(a).kinds == tokens(b).kinds
    assert "add" in tokens(a).kinds and "x" not in tokens(a).kinds
    assert tokens(a).kinds != tokens(a.replace("np.add", "np.subtract")).kinds


def test_winnowing_keeps_each_windows_rightmost_minimum_and_guarantees_long_matches():
    h = np.array([5, 3, 3, 7, 1, 9, 1, 4], dtype=np.uint64)
    assert list(winnow(h, 3)) == [2, 4, 6]  # windows' minima: 3 (rightmost of the two), 1, 1 (rightmost), 1
    text = source("vectorized", "conv")
    toks = tokens(text)
    picked = set(winnow(kgram_hashes(toks), WINDOW))
    # Any K + WINDOW - 1 consecutive tokens hold a picked k-gram: no window of hashes goes unsampled.
    n = len(toks.kinds) - K + 1
    assert all(any(p in picked for p in range(i, i + WINDOW)) for i in range(n - WINDOW + 1))


def test_a_renamed_and_reordered_copy_pairs_while_independent_solutions_do_not(tmp_path: Path):
    kim, lee = planted_copy(tmp_path / "kim", 0), planted_copy(tmp_path / "lee", 1)
    texts = {"kim": (kim / "assignments" / "conv.py").read_text(), "lee": (lee / "assignments" / "conv.py").read_text()}
    assert texts["kim"] != texts["lee"]
    texts |= {"vectorized": source("vectorized", "conv"), "loops": source("loops", "conv")}
    pairs, _ = similar_pairs("conv", texts, (REPO / "assignments" / "conv.py").read_text())
    assert [(p.a, p.b) for p in pairs] == [("kim", "lee")]
    assert pairs[0].score >= 0.9 and pairs[0].regions_a and pairs[0].regions_b
    # The same pair with every threshold off still ranks the independent solutions far below.
    everything, _ = similar_pairs("conv", texts, "", min_shared=0, min_score=0.0)
    apart = next(p for p in everything if {p.a, p.b} == {"vectorized", "loops"})
    assert apart.score < 0.5


def test_code_from_the_baseline_never_counts():
    stub = (REPO / "assignments" / "pooling.py").read_text()
    both = {"a": stub + "\nX = 1\n", "b": stub + "\nY = 2\n"}
    assert similar_pairs("pooling", both, "", min_shared=1, min_score=0.0)[0]  # stubs alone look alike
    assert similar_pairs("pooling", both, stub, min_shared=1, min_score=0.0)[0] == []


def test_a_fingerprint_shared_by_too_many_submissions_is_ignored():
    common = source("vectorized", "pooling")
    texts = {f"s{i}": common for i in range(12)}  # more than COMMON_MIN share it
    pairs, ignored = similar_pairs("pooling", texts)
    assert pairs == [] and ignored == len(fingerprint(common))


def test_the_report_reads_sources_from_the_recorded_paths_and_names_what_is_gone_or_changed(tmp_path: Path):
    from dataclasses import replace

    from batch_fixtures import zipped
    from grader.batch.inputs.archive import read_zip
    from grader.batch.inputs.submission import read_folder

    kim, changed = planted_copy(tmp_path / "kim", 0), planted_copy(tmp_path / "changed", 0)
    lee = zipped(planted_copy(tmp_path / "lee-folder", 1), tmp_path / "lee.zip")  # read in a bounded child, as grade does
    ok = [check("conv", "conv2d_forward", "forward", "passed", 1)]
    entries = [entry(submission(p.name, ok, []), p, content_hash=read_folder(p).content_hash) for p in (kim, changed)]
    entries.append(replace(entry(submission("lee", ok, []), lee, content_hash=read_zip(lee).content_hash), input_kind="zip"))
    entries.append(entry(submission("gone", ok, []), tmp_path / "gone"))
    (changed / "assignments" / "conv.py").write_text("# edited after grading\n")
    report = build_report(entries, REPO / "assignments")
    assert [(p.module, p.a, p.b) for p in report.similarity.pairs] == [("conv", "kim", "lee")]
    assert report.similarity.left_out == (f"changed: the files at {changed} changed since they were graded", f"gone: {tmp_path / 'gone'} is no longer there")
    assert report.similarity.pairs[0].score == pytest.approx(1.0, abs=0.05)
