"""The gradebook's tables, how a result and a collection become their rows, and the migrations
from older schema versions. `grader.batch.gradebook` holds the gradebook itself.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from typing import Any

from grader.collection import Collected
from grader.results import SubmissionResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    name TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    input_kind TEXT NOT NULL,
    revision TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    spec TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT NOT NULL,
    notes TEXT NOT NULL,
    device TEXT NOT NULL,
    sandbox TEXT NOT NULL,
    host TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    seconds REAL NOT NULL,
    graded_at TEXT NOT NULL,
    result_json TEXT NOT NULL,
    {collection}
);
CREATE TABLE IF NOT EXISTS checks (
    submission TEXT NOT NULL REFERENCES submissions(name) ON DELETE CASCADE,
    id TEXT NOT NULL,
    part TEXT NOT NULL,
    name TEXT NOT NULL,
    function TEXT NOT NULL,
    kind TEXT NOT NULL,
    visibility TEXT NOT NULL,
    outcome TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    message TEXT NOT NULL,
    counterexample TEXT,
    seconds REAL NOT NULL,
    PRIMARY KEY (submission, id)
);
"""


# The collection's columns (version 3), added to a version-2 table by migrate_from_2.
COLLECTION = (
    ("assignment", "TEXT NOT NULL DEFAULT ''"),
    ("student", "TEXT NOT NULL DEFAULT ''"),
    ("email", "TEXT NOT NULL DEFAULT ''"),
    ("due", "TEXT NOT NULL DEFAULT ''"),
    ("due_source", "TEXT NOT NULL DEFAULT ''"),
    ("submitted_at", "TEXT NOT NULL DEFAULT ''"),
    ("timed_by", "TEXT NOT NULL DEFAULT ''"),
    ("late_seconds", "REAL NOT NULL DEFAULT 0"),
    ("penalty_fraction", "REAL NOT NULL DEFAULT 0"),
    ("late_policy", "TEXT NOT NULL DEFAULT ''"),
    ("penalty", "REAL NOT NULL DEFAULT 0"),  # points off the raw score (`score`)
    ("final_score", "REAL NOT NULL DEFAULT 0"),
    ("flags", "TEXT NOT NULL DEFAULT '[]'"),  # JSON: [{"kind": ..., "text": ...}]
)
SCHEMA = SCHEMA.replace("{collection}", ",\n    ".join(f"{name} {kind}" for name, kind in COLLECTION))


def insert(db: sqlite3.Connection, table: str, row: dict[str, Any]) -> None:
    """One row by column name: adding a column cannot shift the others."""
    db.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row)


def collection_row(c: Collected, raw: float) -> dict[str, Any]:
    return {
        "assignment": c.assignment,
        "student": c.student,
        "email": c.email,
        "due": c.due,
        "due_source": c.due_source,
        "submitted_at": c.submitted_at,
        "timed_by": c.timed_by,
        "late_seconds": c.late_seconds,
        "penalty_fraction": c.penalty_fraction,
        "late_policy": c.late_policy,
        "penalty": c.penalty(raw),
        "final_score": c.final(raw),
        "flags": json.dumps([{"kind": f.kind, "text": f.text} for f in c.flags]),
    }


def insert_checks(db: sqlite3.Connection, submission: str, result: SubmissionResult) -> None:
    for c in result.checks:
        insert(
            db,
            "checks",
            {
                "submission": submission,
                "id": c.id,
                "part": c.part,
                "name": c.name,
                "function": c.function,
                "kind": c.kind,
                "visibility": c.visibility,
                "outcome": c.outcome,
                "score": c.score,
                "max_score": c.max_score,
                "message": c.message,
                "counterexample": json.dumps(asdict(c.counterexample)) if c.counterexample else None,
                "seconds": c.seconds,
            },
        )


def migrate_from_1(db: sqlite3.Connection) -> None:
    """Version 1 keyed checks by (part, label): rebuild the check rows, keyed by id, from the
    stored results (whose checks get a label-derived id until they are regraded)."""
    db.execute("DROP TABLE checks")
    db.execute(SCHEMA[SCHEMA.index("CREATE TABLE IF NOT EXISTS checks") :].rstrip().rstrip(";"))
    for name, result_json in db.execute("SELECT name, result_json FROM submissions").fetchall():
        insert_checks(db, name, SubmissionResult.from_dict(json.loads(result_json)))


def migrate_from_2(db: sqlite3.Connection) -> None:
    """Version 2 had no collection: its rows gain the columns empty, the final score the raw one."""
    have = {row[1] for row in db.execute("PRAGMA table_info(submissions)")}
    for name, kind in COLLECTION:
        if name not in have:
            db.execute(f"ALTER TABLE submissions ADD COLUMN {name} {kind}")
    db.execute("UPDATE submissions SET final_score = score")


def collected_from_row(d: dict[str, Any]) -> Collected:
    """A row's collection; the penalty and final score are derived from it, not read back."""
    return Collected.from_dict({k: d[k] for k, _ in COLLECTION if k not in ("penalty", "final_score")} | {"flags": json.loads(d["flags"])})
