"""The SQLite gradebook: the one record of what was graded, from which every report is rendered.

A row per submission (its name, content hash, grader version, spec fingerprint, device, status,
score, timings, when it was graded, and the whole SubmissionResult as JSON) and a row per check,
written in one transaction: a crash, a SIGKILL or a power loss leaves either the old rows or the
new ones, never half of either (WAL journal, synchronous=FULL). Only the batch's parent process
writes; `exclusive` keeps a second batch off the same gradebook. Every string is made storable on
the way in (lone surrogates replaced, NUL removed), so no row a submission produces can fail to
be written, and what is read back can be written to any UTF-8 file.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from grader.batch.gradebook_schema import SCHEMA, collected_from_row, collection_row, insert, insert_checks, migrate_from_1, migrate_from_2
from grader.collection import Collected
from grader.results import SubmissionResult
from grader.text import storable as storable_text

# 2: checks are keyed by their stable id (grader.engine.plan), not their label. A version-1
# gradebook is migrated when opened for a batch: its check rows are rebuilt from the stored
# results; its grader version differs, so every submission is regraded by that batch.
# 3: each row keeps its collection (grader.collection): student, due date, push time, lateness,
# penalty, final score and flags. A version-2 row gains them empty, its final score its raw score.
SCHEMA_VERSION = 3
FILENAME = "gradebook.sqlite"

Status = Literal["graded", "timeout", "crashed", "empty"]


class GradebookError(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    """One submission's row; `result` holds its checks."""

    name: str
    source: str
    input_kind: str
    revision: str
    content_hash: str
    grader_version: str
    spec: str
    status: Status
    error: str
    notes: tuple[str, ...]
    host: str
    graded_at: str
    result: SubmissionResult
    collected: Collected = Collected()

    @property
    def penalty(self) -> float:
        return self.collected.penalty(self.result.score)

    @property
    def final(self) -> float:
        return self.collected.final(self.result.score)


def now() -> str:
    """UTC, microseconds: two rows graded in one second still tell which came first."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def path_of(location: Path) -> Path:
    """A gradebook file, or the one inside an output folder."""
    location = Path(location)
    return location / FILENAME if location.is_dir() else location


class Gradebook:
    def __init__(self, path: Path, *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise GradebookError(f"no gradebook at {self.path}")
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=60.0)
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")  # a committed row survives a power loss
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._create(create)
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise GradebookError(f"{self.path} is not a gradebook ({exc})") from None

    def _create(self, create: bool) -> None:
        """Make the tables (create) or only check they are there (a reader must not write)."""
        if not create:
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None or int(row[0]) != SCHEMA_VERSION:
                raise GradebookError(f"{self.path} is not a gradebook of schema version {SCHEMA_VERSION}")
            return
        with self._transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                return
            version = int(row[0])
            if version == 1:
                migrate_from_1(db)
                version = 2
            if version == 2:
                migrate_from_2(db)
                version = 3
            if version != SCHEMA_VERSION:
                raise GradebookError(f"{self.path} has schema version {row[0]}; this grader reads version {SCHEMA_VERSION}")
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def is_current(self, name: str, content_hash: str, grader_version: str, spec: str) -> bool:
        """A row for these very files, grader and spec; a crashed row never is (the next run retries it)."""
        row = self.conn.execute(
            "SELECT 1 FROM submissions WHERE name = ? AND content_hash = ? AND grader_version = ? AND spec = ? AND status != 'crashed'",
            (name, content_hash, grader_version, spec),
        ).fetchone()
        return row is not None

    def record(self, entry: Entry) -> Entry:
        """Replace the submission's row and all its check rows, in one transaction; the entry as
        stored (every string storable) is returned for rendering."""
        entry = storable_entry(entry)
        with self._transaction() as db:
            db.execute("DELETE FROM checks WHERE submission = ?", (entry.name,))
            db.execute("DELETE FROM submissions WHERE name = ?", (entry.name,))
            insert(db, "submissions", _submission_row(entry))
            insert_checks(db, entry.name, entry.result)
        return entry

    def dues(self) -> dict[str, str]:
        """name -> the due date its row was graded under ("" none)."""
        return dict(self.conn.execute("SELECT name, due FROM submissions").fetchall())

    def update_collected(self, collected: Mapping[str, Collected]) -> None:
        """Rows' collections (name -> collection) as this batch sees them (a changed extension,
        roster or record), in one transaction, their grades untouched: the penalty and final score
        follow from each stored raw score. A name without a row is left out."""
        with self._transaction() as db:
            for name, c in collected.items():
                row = db.execute("SELECT score FROM submissions WHERE name = ?", (name,)).fetchone()
                if row is not None:
                    values = collection_row(storable_collected(c), float(row[0]))
                    db.execute(f"UPDATE submissions SET {', '.join(f'{k} = :{k}' for k in values)} WHERE name = :name", {**values, "name": name})

    def entries(self, names: Sequence[str] | None = None) -> list[Entry]:
        """Rows in name order: all of them, or those named (a name with no row is left out)."""
        if names is None:
            cursor = self.conn.execute("SELECT * FROM submissions ORDER BY name")
            return [_entry(cursor.description, row) for row in cursor]
        found: list[Entry] = []
        unique = sorted(set(names))
        for i in range(0, len(unique), 500):  # SQLite bounds the number of ? in one statement
            chunk = unique[i : i + 500]
            cursor = self.conn.execute(f"SELECT * FROM submissions WHERE name IN ({','.join('?' * len(chunk))})", chunk)
            found += [_entry(cursor.description, row) for row in cursor]
        return sorted(found, key=lambda e: e.name)

    def entry(self, name: str) -> Entry | None:
        found = self.entries([name])
        return found[0] if found else None

    def check_counts(self) -> dict[str, int]:
        """name -> number of check rows: lets a test see that no row is half-written."""
        return dict(self.conn.execute("SELECT submission, COUNT(*) FROM checks GROUP BY submission").fetchall())


def _submission_row(entry: Entry) -> dict[str, Any]:
    r = entry.result
    return {
        "name": entry.name,
        "source": entry.source,
        "input_kind": entry.input_kind,
        "revision": entry.revision,
        "content_hash": entry.content_hash,
        "grader_version": entry.grader_version,
        "spec": entry.spec,
        "status": entry.status,
        "error": entry.error,
        "notes": json.dumps(list(entry.notes)),
        "device": r.device,
        "sandbox": r.sandbox,
        "host": entry.host,
        "score": r.score,
        "max_score": r.max_score,
        "seconds": r.seconds,
        "graded_at": entry.graded_at,
        "result_json": json.dumps(r.to_dict()),
        **collection_row(entry.collected, r.score),
    }


def storable(value: Any) -> Any:
    """`value` (str, or lists and dicts of them, as JSON holds) with every string storable."""
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(storable(v) for v in value)
    return value


def storable_entry(entry: Entry) -> Entry:
    texts = {
        f: storable(getattr(entry, f))
        for f in ("name", "source", "input_kind", "revision", "content_hash", "grader_version", "spec", "error", "notes", "host", "graded_at")
    }
    return replace(entry, **texts, result=SubmissionResult.from_dict(storable(entry.result.to_dict())), collected=storable_collected(entry.collected))


def storable_collected(c: Collected) -> Collected:
    return Collected.from_dict(storable(c.to_dict()))


def _entry(description: tuple, row: tuple) -> Entry:
    d = dict(zip((c[0] for c in description), row))
    return Entry(
        name=d["name"],
        source=d["source"],
        input_kind=d["input_kind"],
        revision=d["revision"],
        content_hash=d["content_hash"],
        grader_version=d["grader_version"],
        spec=d["spec"],
        status=d["status"],
        error=d["error"],
        notes=tuple(json.loads(d["notes"])),
        host=d["host"],
        graded_at=d["graded_at"],
        result=SubmissionResult.from_dict(json.loads(d["result_json"])),
        collected=collected_from_row(d),
    )


@contextmanager
def exclusive(gradebook: Path) -> Iterator[None]:
    """Hold the gradebook's lock for a batch; a second batch on it fails at once, with why.

    flock is released by the kernel when the holder dies, even by SIGKILL: no stale lock.
    """
    lock = Path(str(gradebook) + ".lock")
    with open(lock, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GradebookError(f"another batch is grading into {gradebook}; wait for it or use another --out") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
