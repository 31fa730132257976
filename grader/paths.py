"""Where the grader's own files are: the repository root, and the folder bound into the sandbox."""

from __future__ import annotations

from pathlib import Path

GRADER = Path(__file__).resolve().parent
REPO = GRADER.parent
# Everything the worker runs besides student code: bound (read-only) into the sandbox as a whole.
INSIDE = GRADER / "sandbox" / "inside"
