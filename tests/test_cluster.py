"""`cli.py grade --scheduler`: the same batch on a Dask cluster (a LocalCluster in one process)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from batch_fixtures import FAST, SHAPES_MAX, buggy, good, hanging
from click.testing import CliRunner

from grader.commands import main

distributed = pytest.importorskip("distributed")
TOL = 1e-9


@pytest.fixture(scope="module")
def scheduler() -> str:
    # Threads, not processes: quick to start; tcp, so the CLI connects as it would to a real one.
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                       dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_a_batch_on_a_cluster_fills_the_same_gradebook(scheduler: str, tmp_path: Path):
    subs = [good(tmp_path / "alice"), buggy(tmp_path / "bob"), hanging(tmp_path / "dave")]
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["grade", *FAST, "--timeout", "8", "--scheduler", scheduler, "--out", str(out),
                                       *map(str, subs)], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        got = {n: (s, st) for n, s, st in db.execute("SELECT name, score, status FROM submissions")}
    assert got["alice"] == (pytest.approx(SHAPES_MAX, abs=TOL), "graded")
    assert 0 < got["bob"][0] < SHAPES_MAX
    assert got["dave"] == (pytest.approx(0.0, abs=TOL), "timeout")
    assert (out / "bob" / "feedback.md").is_file() and (out / "grades.csv").is_file()


def test_a_rerun_on_the_cluster_grades_nothing_again(scheduler: str, tmp_path: Path):
    sub = good(tmp_path / "alice")
    args = ["grade", *FAST, "--scheduler", scheduler, "--out", str(tmp_path / "out"), str(sub)]
    CliRunner().invoke(main, args, catch_exceptions=False)

    again = CliRunner().invoke(main, args, catch_exceptions=False)

    assert again.exit_code == 0 and "graded 0" in again.output and "unchanged 1" in again.output
