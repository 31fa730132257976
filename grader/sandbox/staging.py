"""Finding a submission's modules and staging a private copy of them for the worker.

A submission folder holds the `assignments/` package, or the module files (conv.py, ...) at its
top level. Only Python files are copied (no links, bounded sizes), into a fresh
`<stage>/assignments/` with an empty `__init__.py` of the grader's own, so a broken package
`__init__` cannot sink every part and the original files are never touched.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

# Which files are graded, for staging here and for the batch's input readers (grader.batch.inputs),
# which apply the same rules before anything leaves the parent.
MAX_FILE_BYTES = 1 << 20
MAX_TOTAL_BYTES = 8 << 20
MAX_FILES = 200
MAX_DEPTH = 3  # path parts below the package folder


def outside_package(rel: tuple[str, ...]) -> bool:
    """Whether a .py path (its parts below the package folder) is never graded: too deep, cached,
    or hidden."""
    return len(rel) > MAX_DEPTH or "__pycache__" in rel or any(p.startswith(".") for p in rel)


def over_limits(size: int, total: int, count: int) -> bool:
    """Whether a file of `size` bytes no longer fits after `count` files of `total` bytes."""
    return size > MAX_FILE_BYTES or total + size > MAX_TOTAL_BYTES or count >= MAX_FILES


class SubmissionError(Exception):
    pass


@dataclass(frozen=True)
class Staged:
    root: Path  # holds assignments/
    modules: frozenset[str]  # module names present (conv, pooling, ...)
    notes: tuple[str, ...] = ()


def find_package(src: Path, module_names: list[str]) -> Path:
    src = Path(src)
    if not src.is_dir():
        raise SubmissionError("the submission is not a folder")
    if (src / "assignments").is_dir():
        return src / "assignments"
    if any((src / f"{m}.py").is_file() for m in module_names):
        return src
    # No path in the text: in a batch, src is the grader's own temporary copy, which means nothing
    # to a student reading the feedback.
    raise SubmissionError(f"the submission holds neither an assignments/ package nor any of {', '.join(m + '.py' for m in module_names)}")


def stage(src: Path, dest: Path, module_names: list[str]) -> Staged:
    pkg = find_package(src, module_names)
    target = dest / "assignments"
    target.mkdir(parents=True)
    notes: list[str] = []
    total = files = 0
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg)
        if path.is_symlink() or outside_package(rel.parts):
            notes.append(f"left out {rel}: not part of the package")
            continue
        size = path.stat().st_size
        if over_limits(size, total, files):
            notes.append(f"left out {rel}: too large")
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)
        total += size
        files += 1
    (target / "__init__.py").write_text("")
    _readable(dest)
    present = frozenset(m for m in module_names if (target / f"{m}.py").is_file())
    return Staged(dest, present, tuple(notes))


def _readable(dest: Path) -> None:
    """World-readable, read-only for everyone: the sandboxed worker runs under another uid."""
    for path in [dest.parent, dest, *dest.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o444)
