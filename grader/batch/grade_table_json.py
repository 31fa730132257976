"""The grade table as JSON: one object per submission, with how and when it was graded.

Hidden checks appear with their outcome and points only, as in the CSV; no feedback text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.batch.gradebook import Entry
from grader.render import write_text_atomic


def _row(e: Entry) -> dict[str, Any]:
    r = e.result
    return {
        "submission": e.name,
        "total": r.score,
        "max_total": r.max_score,
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
    return json.dumps({"submissions": [_row(e) for e in entries]}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_grade_table_json(entries: Sequence[Entry], path: Path) -> None:
    write_text_atomic(Path(path), to_grade_table_json(entries))
