"""Stale rows: graded under another grader version or other settings than the newest row.

Points, parts, the hidden seed and the grader's own code are in the version and the spec
fingerprint (`grader.batch.fingerprint`), so a row whose pair differs from the newest row's was
scored on another scale or by another grader. The next `grade` of the class regrades such rows;
until then every export marks them, so no table mixes two scales without saying so.
"""

from __future__ import annotations

from collections.abc import Sequence

from grader.batch.gradebook import Entry


def stale_names(entries: Sequence[Entry]) -> set[str]:
    """Rows whose grader version or spec differs from the most recently graded row's."""
    if not entries:
        return set()
    newest = max(entries, key=lambda e: e.graded_at)
    return {e.name for e in entries if (e.grader_version, e.spec) != (newest.grader_version, newest.spec)}


def stale_warning(entries: Sequence[Entry], stale: set[str]) -> str:
    """One line for the instructor, or "" when every row is current."""
    if not stale:
        return ""
    newest = max(entries, key=lambda e: e.graded_at)
    names = sorted(stale)
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    return (
        f"{len(names)} row(s) were graded under another grader version or other settings (points, parts, seed) than the newest "
        f"(grader {newest.grader_version}, spec {newest.spec}): {shown}; they are marked stale in every export until the class is graded again"
    )
