"""The grade table as JSON: one object per submission, with how and when it was graded.

Hidden checks appear with their outcome and points only, as in the CSV; no feedback text. The raw
score (`total`), the late penalty and the final score, the flags, and whether the row is stale
(graded under another grader version or other settings than the newest row) are in every row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.batch.gradebook import Entry
from grader.batch.stale import stale_names
from grader.render import write_text_atomic


def _row(e: Entry, stale: bool) -> dict[str, Any]:
    r, c = e.result, e.collected
    return {
        "submission": e.name,
        "total": r.score,  # the raw score, before the late penalty
        "max_total": r.max_score,
        "penalty": e.penalty,
        "final": e.final,
        "flags": [{"kind": f.kind, "text": f.text} for f in c.flags],
        "stale": stale,
        "student_id": c.student,
        "email": c.email,
        "assignment": c.assignment,
        "due": c.due,
        "due_source": c.due_source,
        "submitted_at": c.submitted_at,
        "timed_by": c.timed_by,
        "late_seconds": c.late_seconds,
        "late_policy": c.late_policy,
        "parts": {p.part: {"score": p.score, "max_score": p.max_score} for p in r.parts},
        "status": e.status,
        "error": e.error,
        "source": e.source,
        "input_kind": e.input_kind,
        "revision": e.revision,
        "content_hash": e.content_hash,
        "grader_version": e.grader_version,
        "spec": e.spec,
        "device": r.device,
        "host": e.host,
        "seconds": r.seconds,
        "graded_at": e.graded_at,
        "checks": [
            {"part": c.part, "check": c.name, "visibility": c.visibility, "outcome": c.outcome, "score": c.score, "max_score": c.max_score} for c in r.checks
        ],
    }


def to_grade_table_json(entries: Sequence[Entry]) -> str:
    stale = stale_names(entries)
    return json.dumps({"submissions": [_row(e, e.name in stale) for e in entries]}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_grade_table_json(entries: Sequence[Entry], path: Path) -> None:
    write_text_atomic(Path(path), to_grade_table_json(entries))
