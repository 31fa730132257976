"""The SQLite gradebook: one transaction per submission, current rows, the batch lock."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from render_fixtures import sample_result

from grader.batch.gradebook import Entry, Gradebook, GradebookError, exclusive, now

TOL = 1e-9


def entry(name: str = "alice", status: str = "graded", content_hash: str = "h1") -> Entry:
    return Entry(name, f"/subs/{name}", "folder", "", content_hash, "v1", "s1", status, "",  # type: ignore[arg-type]
                 ("a note",), "host", now(), replace(sample_result(), submission=name))


def test_an_entry_round_trips_with_every_check(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record(entry())
        back = book.entry("alice")
        counts = book.check_counts()

    assert back is not None
    assert back.result == replace(sample_result(), submission="alice")
    assert back.notes == ("a note",) and back.status == "graded"
    assert counts == {"alice": len(sample_result().checks)}
    assert back.result.score == pytest.approx(12.5, abs=TOL)


def test_recording_again_replaces_the_rows_instead_of_adding(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record(entry(content_hash="h1"))
        book.record(entry(content_hash="h2"))
        rows = book.entries()
        counts = book.check_counts()

    assert [e.content_hash for e in rows] == ["h2"]
    assert counts == {"alice": len(sample_result().checks)}


def test_a_row_is_current_only_for_the_same_files_grader_and_spec(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record(entry())
        assert book.is_current("alice", "h1", "v1", "s1")
        assert not book.is_current("alice", "h2", "v1", "s1")
        assert not book.is_current("alice", "h1", "v2", "s1")
        assert not book.is_current("alice", "h1", "v1", "s2")
        assert not book.is_current("bob", "h1", "v1", "s1")


def test_a_crashed_row_is_never_current_so_the_next_run_retries_it(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record(entry(status="crashed"))
        assert not book.is_current("alice", "h1", "v1", "s1")


def test_a_failed_write_leaves_the_previous_rows(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record(entry(content_hash="h1"))
        broken = replace(entry(content_hash="h2"), result=None)  # type: ignore[arg-type]
        with pytest.raises(AttributeError):
            book.record(broken)
        assert [e.content_hash for e in book.entries()] == ["h1"]
        assert book.check_counts() == {"alice": len(sample_result().checks)}


def test_entries_come_in_name_order_and_can_be_picked(tmp_path: Path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        for name in ("carol", "alice", "bob"):
            book.record(entry(name))
        assert [e.name for e in book.entries()] == ["alice", "bob", "carol"]
        assert [e.name for e in book.entries(["carol", "nobody", "alice"])] == ["alice", "carol"]


def test_a_reader_refuses_a_file_that_is_not_a_gradebook(tmp_path: Path):
    (tmp_path / "grades.csv").write_text("submission,total\n")
    sqlite3.connect(tmp_path / "other.sqlite").execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(GradebookError):
        Gradebook(tmp_path / "grades.csv", create=False)
    with pytest.raises(GradebookError):
        Gradebook(tmp_path / "other.sqlite", create=False)
    with pytest.raises(GradebookError):
        Gradebook(tmp_path / "missing.sqlite", create=False)


def test_a_second_batch_on_the_same_gradebook_is_refused(tmp_path: Path):
    path = tmp_path / "g.sqlite"
    with exclusive(path):
        with pytest.raises(GradebookError, match="another batch"):
            with exclusive(path):
                pass
    with exclusive(path):  # released with the first holder
        pass
