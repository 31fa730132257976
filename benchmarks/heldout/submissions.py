"""A held-out bug as a whole submission: examples/ada_correct with the bug's one module in place.

Each bug folder holds only its buggy module (`<id>/<module>.py`); the rest of the package is
ada_correct's, composed here when a script needs a submission to import or grade.
"""
from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADA = HERE.parents[1] / "examples" / "ada_correct"


def compose(bug_id: str, module: str, dest: Path) -> Path:
    """dest/assignments: ada_correct's package with `module` replaced by the bug's; returns dest."""
    shutil.copytree(ADA / "assignments", dest / "assignments", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(HERE / bug_id / f"{module}.py", dest / "assignments" / f"{module}.py")
    return dest
