"""The report's statistics on a synthetic class built from result dataclasses (no grading)."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from grader.commands import main
from grader.report.html import speed_section
from grader.report.stats import class_stats
from grader.results import PartResult, TimeRatio
from report_synthetic import FLIP, synthetic_class, timing, write_gradebook


def test_overview_gives_the_count_median_and_quartiles_of_the_totals(tmp_path: Path):
    entries = synthetic_class(tmp_path)
    o = class_stats(entries).overview
    totals = [e.result.score for e in sorted(entries, key=lambda e: e.name)]
    assert o.submissions == 5 and list(o.totals) == totals
    assert (o.total.q1, o.total.median, o.total.q3) == pytest.approx(tuple(np.percentile(totals, [25, 50, 75])), abs=1e-9)
    assert [p.part for p in o.parts] == ["conv", "pooling"] and o.parts[1].scores == (3.0, 0.0, 0.0, 0.0, 0.0)


def test_checks_are_sorted_hardest_first_with_hidden_ones_included(tmp_path: Path):
    rates = class_stats(synthetic_class(tmp_path)).checks
    assert [r.rate for r in rates] == sorted(r.rate for r in rates)
    hidden = next(r for r in rates if r.visibility == "hidden")
    assert (hidden.passed, hidden.failed, hidden.graded) == (2, 3, 5)  # the timeout's error counts as a failure
    assert rates[0].id == "pooling/avg_pool2d_backward/backward/public" and rates[0].rate == pytest.approx(0.25, abs=1e-9)


def test_mistakes_count_each_submission_once_and_leave_out_stopped_ones(tmp_path: Path):
    stats = class_stats(synthetic_class(tmp_path))
    flip = next(m for m in stats.mistakes if "kernel flipped" in m.text)
    assert flip.submissions == ("bo", "cy") and flip.count == 2 and flip.parts == ("conv",) and flip.checks == ("conv2d_forward forward",)
    assert stats.mistakes[0] is flip  # most common first
    # Undiagnosed: the pooling failure of cy and di on one input shape; the hidden flip is not
    # listed again (its public check failed), nor is the timed-out ed.
    assert [(u.name, u.inputs, u.submissions) for u in stats.undiagnosed] == [("avg_pool2d_backward backward", "x (1, 1, 2, 3); stride=1", ("cy", "di"))]


def test_speed_reads_each_ratio_and_limit_and_counts_those_over(tmp_path: Path):
    speed = class_stats(synthetic_class(tmp_path)).speed
    assert len(speed) == 1 and speed[0].limit == 5.0 and speed[0].over == 1
    assert [r.ratio for r in speed[0].ratios] == [1.5, 2.0, 30.0, 3.0]
    assert speed[0].summary.median == pytest.approx(2.5, abs=1e-9)


def test_speed_reads_the_stored_fields_not_the_headline(tmp_path: Path):
    entries = synthetic_class(tmp_path)
    conv = entries[0].result.part("conv")
    slow = next(c for c in conv.checks if c.kind == "timing")
    # The fields decide, whatever the text says (ana's forward was stopped, her backward failed
    # untimed); a row stored without them and a check zeroed for a forbidden import (bo) are left out.
    stopped = replace(slow, outcome="failed", message="too slow: stopped", timing=TimeRatio(5.0, 177.0, True))
    failed = replace(slow, id="conv/conv2d_backward/timing/benchmark", function="conv2d_backward", outcome="failed",
                     message="no ratio (limit 3x): f failed", timing=TimeRatio(3.0))
    older = replace(slow, id="conv/conv1d_forward/timing/benchmark", message="2.0x (limit 5x): stored before the fields", timing=None)
    zeroed = replace(slow, id="conv/conv1d_forward/timing/benchmark", outcome="error", message="uses a forbidden import\n2.0x (limit 5x)")
    assert zeroed.timing == TimeRatio(5.0, 1.5)
    checks = tuple(c for c in conv.checks if c.kind != "timing") + (stopped, failed, older)
    entries[0] = replace(entries[0], result=replace(entries[0].result, parts=(replace(conv, checks=checks), *entries[0].result.parts[1:])))
    entries[1] = replace(entries[1], result=replace(entries[1].result, parts=(PartResult("conv", (zeroed,)), *entries[1].result.parts[1:])))
    speed = {s.check: s for s in class_stats(entries).speed}
    assert set(speed) == {"conv/conv2d_forward/timing/public", "conv/conv2d_backward/timing/benchmark"}
    forward, backward = speed["conv/conv2d_forward/timing/public"], speed["conv/conv2d_backward/timing/benchmark"]
    assert [(r.submission, r.ratio, r.at_least) for r in forward.ratios] == [("ana", 177.0, True), ("cy", 30.0, False), ("di", 3.0, False)]
    assert forward.summary.maximum == pytest.approx(177.0, abs=1e-9) and forward.over == 2
    assert (backward.limit, backward.ratios[0].ratio, backward.over) == (3.0, None, 1)
    page = speed_section(class_stats(entries))
    # Too slow, as the headlines wrote them: a stopped call's bound, cy's 30.0x, the failed call's none.
    assert all(f"<td>{cell}</td>" in page for cell in ("&gt;177x", "30x", "none")), page


def test_flags_name_timeouts_sandbox_late_and_tampered(tmp_path: Path):
    flags = {(f.submission, f.kind) for f in class_stats(synthetic_class(tmp_path)).flags}
    assert flags == {("ed", "timeout"), ("cy", "sandbox"), ("bo", "late"), ("bo", "added")}


def test_report_json_matches_a_direct_count_over_the_gradebook(tmp_path: Path):
    book = write_gradebook(tmp_path / "out" / "gradebook.sqlite", synthetic_class(tmp_path))
    done = CliRunner().invoke(main, ["report", str(tmp_path / "out"), "--json", str(tmp_path / "r.json"), "--baseline", str(tmp_path)])
    assert done.exit_code == 0, done.output
    data = json.loads((tmp_path / "r.json").read_text())
    db = sqlite3.connect(book)
    scores = sorted(s for (s,) in db.execute("SELECT score FROM submissions"))
    assert data["overview"]["total"]["median"] == pytest.approx(float(np.median(scores)), abs=1e-9)
    assert data["overview"]["submissions"] == len(scores)
    rates = {cid: (p, n) for cid, p, n in db.execute("SELECT id, SUM(outcome = 'passed'), COUNT(*) FROM checks GROUP BY id")}
    assert {c["id"]: (c["passed"], c["graded"]) for c in data["checks"]} == rates
    flipped = sorted(s for (s,) in db.execute("SELECT DISTINCT c.submission FROM checks c JOIN submissions s ON s.name = c.submission WHERE s.status = 'graded' AND c.message LIKE ?", (f"%{FLIP}%",)))
    assert next(m for m in data["mistakes"] if "kernel flipped" in m["text"])["submissions"] == flipped
    # The sources are gone: each is named, none compared; the page says similarity is no verdict.
    assert len(data["similarity"]["left_out"]) == 5 and data["similarity"]["pairs"] == []
    page = (tmp_path / "out" / "report.html").read_text()
    assert "not a verdict" in page and "no longer there" in page and page.count("<svg") == 4  # totals, 2 parts, 1 speed
    assert "http://" not in page.replace("http://www.w3.org/", "") and "https://" not in page  # nothing fetched


def test_the_page_holds_every_number_without_javascript_and_the_command_refuses_a_folder_without_gradebook(tmp_path: Path):
    write_gradebook(tmp_path / "out" / "gradebook.sqlite", synthetic_class(tmp_path))
    assert CliRunner().invoke(main, ["report", str(tmp_path / "out"), "--html", str(tmp_path / "r.html")]).exit_code == 0
    page = (tmp_path / "r.html").read_text()
    static = page[: page.index("<script>")]  # what a browser without JavaScript shows
    for text in ("your output equals a convolution with the kernel flipped", "x (1, 1, 2, 3); stride=1", "30x", "conftest.py", "graded under process"):
        assert text in static, text
    assert page.count("<script>") == 1 and "src=" not in page
    missing = CliRunner().invoke(main, ["report", str(tmp_path / "nothing")])
    assert missing.exit_code != 0 and "no gradebook at" in missing.output


def test_mistakes_are_counted_by_the_key_each_check_carries_with_the_specs_hint(tmp_path: Path):
    from dataclasses import replace

    from grader.report.build import mistake_hints

    def keyed(e):  # the kernel-flip checks as the grader stores them now: the key is data
        checks = tuple(replace(c, mistakes=("conv-kernel-flipped",), message="failed") if FLIP in c.message else c for c in e.result.parts[0].checks)
        return replace(e, result=replace(e.result, parts=(replace(e.result.parts[0], checks=checks), *e.result.parts[1:])))

    hints = mistake_hints()
    stats = class_stats([keyed(e) for e in synthetic_class(tmp_path)], hints)
    flip = next(m for m in stats.mistakes if m.key == "conv-kernel-flipped")
    assert flip.submissions == ("bo", "cy") and flip.text == hints["conv-kernel-flipped"] and "kernel flipped" in flip.text
    assert not [m for m in stats.mistakes if m.key != "conv-kernel-flipped" and "kernel flipped" in m.text]
