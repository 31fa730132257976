"""The SQLite gradebook: one transaction per submission, current rows, the batch lock."""
from __future__ import annotations

import json
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


def test_a_version_1_gradebook_is_migrated_to_check_rows_keyed_by_id(tmp_path: Path):
    """Version 1 keyed checks by (part, label); its rows survive, keyed by a label-derived id."""
    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path) as book:
        book.record(entry("alice"))
        stored = book.entry("alice")
    assert stored is not None
    # Make it a version-1 file: the old checks table, results without check ids.
    legacy = stored.result.to_dict()
    for part in legacy["parts"]:
        for check in part["checks"]:
            del check["id"]
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE checks; CREATE TABLE checks (submission TEXT NOT NULL, part TEXT NOT NULL, name TEXT NOT NULL,"
        " function TEXT NOT NULL, kind TEXT NOT NULL, visibility TEXT NOT NULL, outcome TEXT NOT NULL, score REAL NOT NULL,"
        " max_score REAL NOT NULL, message TEXT NOT NULL, counterexample TEXT, seconds REAL NOT NULL,"
        " PRIMARY KEY (submission, part, name)); UPDATE meta SET value = '1' WHERE key = 'schema_version';"
    )
    conn.execute("UPDATE submissions SET result_json = ?", (json.dumps(legacy),))
    conn.commit()
    conn.close()
    with pytest.raises(GradebookError, match="schema version 3"):
        Gradebook(path, create=False)  # a reader never writes, so it cannot migrate
    with Gradebook(path) as book:
        migrated = book.entry("alice")
        assert migrated is not None
        assert book.check_counts() == {"alice": len(stored.result.checks)}
    assert [c.id for c in migrated.result.checks] == [f"{c.part}/label:{c.name}" for c in stored.result.checks]
    assert migrated.result.score == stored.result.score


def test_a_row_keeps_its_collection_and_the_penalty_follows_the_raw_score(tmp_path: Path):
    from grader.collection import Collected, Flag

    collected = Collected("hw1", "s1", "a@x", "2026-12-01T23:59:00+00:00", "the assignment", "2026-12-02T01:00:00+00:00", "push",
                          3660.0, 0.1, "10% off per day", (Flag("changed", "grader/check.py"),))
    with Gradebook(tmp_path / "g.sqlite") as book:
        book.record(replace(entry(), collected=collected))
        back = book.entry("alice")
        row = book.conn.execute("SELECT score, penalty, final_score, flags FROM submissions").fetchone()
        book.update_collected({"alice": replace(collected, penalty_fraction=0.0, late_seconds=0.0, flags=()), "nobody": collected})
        updated = book.entry("alice")
        assert book.dues() == {"alice": "2026-12-01T23:59:00+00:00"}

    assert back is not None and back.collected == collected
    assert row[1] == pytest.approx(1.25, abs=TOL) and row[2] == pytest.approx(11.25, abs=TOL)  # 10% of 12.5
    assert json.loads(row[3]) == [{"kind": "changed", "text": "grader/check.py"}]
    assert updated is not None and updated.penalty == pytest.approx(0.0, abs=TOL) and updated.final == pytest.approx(12.5, abs=TOL)
    assert updated.result == back.result and updated.graded_at == back.graded_at  # the grade itself untouched


def test_a_version_2_gradebook_gains_the_collection_with_its_final_score_the_raw_one(tmp_path: Path):
    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path) as book:
        book.record(entry("alice"))
    conn = sqlite3.connect(path)
    for column in ("assignment", "student", "email", "due", "due_source", "submitted_at", "timed_by", "late_seconds",
                   "penalty_fraction", "late_policy", "penalty", "final_score", "flags"):
        conn.execute(f"ALTER TABLE submissions DROP COLUMN {column}")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()

    with Gradebook(path) as book:
        migrated = book.entry("alice")
        final = book.conn.execute("SELECT final_score FROM submissions").fetchone()[0]
    with Gradebook(path, create=False) as reader:  # now a version-3 file
        assert reader.entry("alice") is not None

    assert migrated is not None and migrated.collected.flags == () and migrated.collected.due == ""
    assert final == pytest.approx(12.5, abs=TOL) and migrated.final == pytest.approx(12.5, abs=TOL)


def test_a_timing_checks_ratio_round_trips_and_a_row_stored_without_one_loads_as_none(tmp_path: Path):
    from grader.results import PartResult, TimeRatio

    result = sample_result()
    stopped = replace(result.part("pooling").checks[1], id="slow/f/timing/benchmark", part="slow", outcome="failed",
                      message=">181x (limit 50x): too slow", timing=TimeRatio(50.0, 181.4, True))
    result = replace(result, parts=(*result.parts, PartResult("slow", (stopped,))))
    path = tmp_path / "g.sqlite"
    with Gradebook(path) as book:
        book.record(replace(entry(), result=result))
        back = book.entry("alice")
    assert back is not None and back.result == result
    assert back.result.part("slow").checks[0].timing == TimeRatio(50.0, 181.4, True)
    # A row written before checks carried a ratio: its JSON has no "timing" key at all.
    older = json.loads(sqlite3.connect(path).execute("SELECT result_json FROM submissions").fetchone()[0])
    for part in older["parts"]:
        for check in part["checks"]:
            del check["timing"]
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE submissions SET result_json = ?", (json.dumps(older),))
    with Gradebook(path, create=False) as book:
        loaded = book.entry("alice")
    assert loaded is not None and all(c.timing is None for c in loaded.result.checks)
    assert loaded.result == replace(result, parts=(*result.parts[:-1], PartResult("slow", (replace(stopped, timing=None),))))
