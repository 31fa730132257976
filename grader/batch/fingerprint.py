"""Which grader graded, and under which grading settings: what makes a gradebook row current.

A row is current while its submission's content hash, the grader version and the spec
fingerprint are all unchanged. Fixing a spec, a reference or a check changes the grader version,
so the next batch regrades everyone; a new rendering (terminal, CSV, feedback) does not.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from grader.options import GradeOptions
from grader.paths import REPO
from grader.spec import PartSpec

# Presentation and bookkeeping: whole subpackages of the grader that never change a score. Every
# other module of grader/ and reference/ is a grading source; a new module outside these folders
# costs a needless regrade when it changes, never a stale grade.
NOT_GRADING = ("batch", "commands", "gradescope", "render")


def grading_sources(root: Path = REPO) -> list[Path]:
    """The grader's and the references' source files, in a fixed order."""
    files = [*sorted((root / "grader").rglob("*.py")), *sorted((root / "reference").rglob("*.py"))]
    return [f for f in files if not (f.relative_to(root).parts[0] == "grader" and f.relative_to(root).parts[1] in NOT_GRADING)]


@functools.cache
def grader_version(root: Path = REPO) -> str:
    """16 hex digits of sha256 over the grading sources' paths and bytes."""
    h = hashlib.sha256()
    for f in grading_sources(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def spec_fingerprint(parts: Sequence[PartSpec], options: GradeOptions) -> str:
    """16 hex digits naming what was asked: parts, visibility, seed, timing, scale, limits and the
    assignment's points per part.

    The device is left out on purpose: references on a GPU and on a CPU agree within tolerance.
    Points enter only when an assignment sets some, so rows graded before course files existed
    keep their fingerprint.
    """
    asked = {
        "parts": [p.name for p in parts],
        "visibility": list(options.visibility),
        "hidden_seed": options.hidden_seed,
        "timing": options.timing,
        "examples_scale": options.examples_scale,
        "search_budget_seconds": options.search_budget_seconds,
        "limits": asdict(options.limits),
    }
    if options.part_points:
        asked["part_points"] = sorted([name, float(total)] for name, total in options.part_points)
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()[:16]
