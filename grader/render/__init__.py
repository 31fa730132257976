"""Reports of a SubmissionResult, one module per format, plus the three helpers they share."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grader.results import SubmissionResult


def format_points(x: float) -> str:
    """Up to 4 decimals, no trailing zeros: 40.0 -> "40", 12.50 -> "12.5", 1/3 -> "0.3333"."""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def part_names(results: Sequence[SubmissionResult]) -> list[str]:
    """The union of part names over all results, in the order they are first seen."""
    return list(dict.fromkeys(p.part for r in results for p in r.parts))


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temp file in the same folder and os.replace.

    A reader (Gradescope, CI) sees the old file or the new one, never half of one.
    newline="" keeps the text's own line endings (csv writes \\r\\n on purpose).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be read by others
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
