"""The graded module files of each submission, read again from where the gradebook says they came from.

The gradebook keeps each submission's source path, input kind and the content hash of exactly
the files graded, not the files themselves. A folder is read here (the batch's own reader: no
links followed, sizes bounded); a zip archive or git repository in a bounded child, as a batch
reads it (`grader.batch.inputs.bounded`; a git repository at its HEAD). Files that are gone, or
whose hash no longer matches what was graded, are left out and said so: similarity is only ever
computed on the code that was graded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.batch.gradebook import Entry
from grader.batch.inputs.bounded import read_bounded_input
from grader.batch.inputs.submission import InputError, Submission, read_folder

READ_SECONDS = 30.0


@dataclass(frozen=True)
class Sources:
    files: dict[str, dict[str, str]]  # submission -> module -> source text
    left_out: tuple[str, ...]  # one line per submission not compared, with why


def module_texts(files: dict[str, bytes], modules: Iterable[str]) -> dict[str, str]:
    """module -> text, for the package's top-level module files (`assignments/conv.py` or `conv.py`)."""
    wanted = {f"{m}.py": m for m in modules}
    out: dict[str, str] = {}
    for path, data in files.items():
        parts = PurePosixPath(path).parts
        rel = parts[1:] if parts[0] == "assignments" and len(parts) > 1 else parts
        if len(rel) == 1 and rel[0] in wanted:
            out[wanted[rel[0]]] = data.decode("utf-8", "replace")
    return out


def _read(entry: Entry, base: Path) -> Submission | str:
    path = Path(entry.source)
    path = path if path.is_absolute() else base / path
    if not os.path.lexists(path):
        return f"{entry.name}: {entry.source} is no longer there"
    try:
        if entry.input_kind == "folder":
            return read_folder(path, name=entry.name)
        return read_bounded_input(path, None, READ_SECONDS)
    except (InputError, OSError) as exc:
        return f"{entry.name}: {entry.source} could not be read ({exc})"


def read_sources(entries: Sequence[Entry], modules: Sequence[str], base: Path | None = None, jobs: int = 4) -> Sources:
    """Each graded entry's module files; `base`: where relative source paths start (the current folder)."""
    base = base or Path.cwd()
    files: dict[str, dict[str, str]] = {}
    left_out: list[str] = []
    todo = [e for e in entries if e.status != "empty"]
    left_out += [f"{e.name}: nothing was graded ({e.error.splitlines()[0] if e.error else 'no files'})" for e in entries if e.status == "empty"]
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        read = list(pool.map(lambda e: _read(e, base), todo))
    for entry, got in zip(todo, read):
        if isinstance(got, str):
            left_out.append(got)
        elif got.problem:
            left_out.append(f"{entry.name}: {entry.source} could not be read ({got.problem.splitlines()[0]})")
        elif got.content_hash != entry.content_hash:
            left_out.append(f"{entry.name}: the files at {entry.source} changed since they were graded")
        else:
            files[entry.name] = module_texts(dict(got.files), modules)
    return Sources(files, tuple(left_out))
