"""What a batch grades: a submission folder, a .zip archive or a git repository, read into memory.

Each input becomes a `Submission`: a display name, the Python files that will be graded (path
relative to the submission's root -> bytes) and a hash of exactly those files, so a re-run
regrades a submission only when what is graded changed. Only the files the engine would stage are
kept (`assignments/**.py`, or the module files at the top level), under the same bounds; nothing
is extracted to disk, so an archive cannot write outside a temp folder or fill the disk.
Zip archives are read by `grader.batch.inputs.archive`, git repositories by `grader.batch.inputs.git`, and a batch
reads each input in a bounded child process (`grader.batch.inputs.bounded`). Every string that came from a
submission (names, notes, problems) is cleaned once, as a `Submission` is made.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from grader.batch.inputs.snapshot import LINK, NOISE_FOLDERS, SPECIAL, Snapshot, SnapshotBuilder
from grader.collection import Collected
from grader.sandbox.staging import MAX_DEPTH, MAX_FILE_BYTES, MAX_TOTAL_BYTES, outside_package, over_limits
from grader.text import clean_line, clean_output, file_name

# Beyond these an input is refused whole: no course submission has 20,000 entries.
MAX_ENTRIES = 20_000
MAX_ARCHIVE_BYTES = 256 << 20
MAX_NOTES = 50
MAX_PROBLEM_CHARS = 2000

InputKind = Literal["folder", "zip", "git"]


class InputError(Exception):
    """The path is none of the three input forms (a usage error, not a student's)."""


@dataclass(frozen=True, eq=False)
class Submission:
    """One input, ready to grade. `problem` set: nothing to grade; every check scores 0 with it."""

    name: str
    source: str
    kind: InputKind
    files: Mapping[str, bytes] = field(repr=False)
    content_hash: str
    revision: str = ""  # the git commit graded
    problem: str = ""
    notes: tuple[str, ...] = ()  # files left out, the commit chosen: shown in the feedback
    snapshot: Snapshot | None = field(default=None, repr=False)  # every file hashed, when the batch asked
    submitted_at: str = ""  # ISO 8601: when the graded commit was pushed (or committed)
    timed_by: str = ""  # "push", "commit date", or "" (a folder or zip has no time)
    collected: Collected = Collected()  # set by the batch once read (grader.batch.collect.prepare)

    def __post_init__(self) -> None:
        # The one place submission-derived text is cleaned: member names, commit data and error
        # texts reach terminals, Markdown, XML and SQLite only through here.
        set_ = object.__setattr__
        set_(self, "name", file_name(self.name))
        set_(self, "source", clean_line(self.source, 1000))
        set_(self, "revision", clean_line(self.revision, 100))
        set_(self, "problem", clean_output(self.problem)[:MAX_PROBLEM_CHARS])
        if not (len(self.notes) == MAX_NOTES + 1 and self.notes[-1].startswith("… and ")):  # not bounded yet (replace() re-runs this)
            set_(self, "notes", tuple(clean_line(n) for n in self.notes[:MAX_NOTES]) + _more(len(self.notes)))


def _more(count: int) -> tuple[str, ...]:
    return (f"… and {count - MAX_NOTES} more notes",) if count > MAX_NOTES else ()


def content_hash(files: Mapping[str, bytes], problem: str = "") -> str:
    """sha256 of the sorted (path, bytes) pairs; a problem's text stands for missing files."""
    h = hashlib.sha256(b"gradelab-content-v1\0")
    for path in sorted(files):
        data = files[path]
        h.update(f"{path}\0{len(data)}\0".encode())
        h.update(data)
    if problem:
        h.update(b"problem\0" + problem.encode())
    return h.hexdigest()


def graded_paths(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(paths kept, notes on paths left out), by the staging rules.

    The package folder is `assignments/` when the input has one, else the top level; below it
    only .py files, at most MAX_DEPTH parts deep, outside hidden and __pycache__ folders.
    """
    py = sorted(p for p in paths if p.endswith(".py"))
    prefix = ("assignments",) if any(PurePosixPath(p).parts[0] == "assignments" for p in py if "/" in p) else ()
    kept: list[str] = []
    notes: list[str] = []
    for p in py:
        parts = PurePosixPath(p).parts
        if parts[: len(prefix)] != prefix:
            continue  # outside the package: never staged, so not graded and not hashed
        rel = parts[len(prefix) :]
        if clean_line(p) != p:
            notes.append(f"left out {p}: its name holds control characters")
            continue
        if outside_package(rel):
            notes.append(f"left out {p}: not part of the package")
            continue
        kept.append(p)
    return kept, notes


def read_bounded(paths: list[str], size: Callable[[str], int], read: Callable[[str], bytes]) -> tuple[dict[str, bytes], list[str]]:
    """Read the kept files within the per-file, total and count bounds."""
    files: dict[str, bytes] = {}
    notes: list[str] = []
    total = 0
    for p in paths:
        n = size(p)
        if over_limits(n, total, len(files)):
            notes.append(f"left out {p}: too large")
            continue
        data = read(p)
        if len(data) > MAX_FILE_BYTES or total + len(data) > MAX_TOTAL_BYTES:  # a size that lied
            notes.append(f"left out {p}: too large")
            continue
        files[p] = data
        total += len(data)
    return files, notes


def read_folder(path: Path, name: str | None = None, snapshot: bool = False) -> Submission:
    """A submission folder, without following links or walking hidden folders."""
    root = Path(path)
    taken = folder_snapshot(root) if snapshot else None
    listed: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root)
        # Prune what can never be graded, so a virtualenv or .git is not walked at all.
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__" and len(rel_dir.parts) < MAX_DEPTH + 1]
        listed += [(rel_dir / f).as_posix() for f in filenames]
        if len(listed) > MAX_ENTRIES:
            return problem_submission(name or root.name, root, "folder", f"{root.name} holds more than {MAX_ENTRIES} files; it was not graded")
    kept, notes = graded_paths(listed)
    regular: dict[str, int] = {}
    for p in kept:
        try:
            regular[p] = _regular_size(root / p)
        except OSError as exc:
            notes.append(f"left out {p}: {exc.strerror}")
    files, more = read_bounded(list(regular), regular.__getitem__, lambda p: read_regular(root / p, MAX_FILE_BYTES + 1))
    return Submission(file_name(name or root.resolve().name), str(path), "folder", files, content_hash(files), notes=tuple(notes + more), snapshot=taken)


def folder_snapshot(root: Path) -> Snapshot:
    """Every file under `root` but `.git` and caches, hashed; links and special files marked, never followed."""
    taken = SnapshotBuilder()
    listed = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames if d not in NOISE_FOLDERS)  # .git and caches are not walked
        listed += len(dirnames) + len(filenames)
        if listed > MAX_ENTRIES:
            taken.cut_short(f"more than {MAX_ENTRIES} entries; the rest were not compared")
            break
        for d in list(dirnames):
            if os.path.islink(Path(dirpath) / d):  # os.walk lists a link to a folder as a folder
                taken.marker((rel_dir / d).as_posix(), LINK)
        for f in sorted(filenames):
            _snapshot_file(taken, root, (rel_dir / f).as_posix())
    return taken.build()


def _snapshot_file(taken: SnapshotBuilder, root: Path, rel: str) -> None:
    try:
        fd = _open_regular(root / rel)
    except OSError as exc:
        taken.marker(rel, LINK if exc.strerror == "a symbolic link" else SPECIAL)
        return
    with os.fdopen(fd, "rb") as f:
        taken.file(rel, os.fstat(f.fileno()).st_size, lambda limit: f.read(limit + 1))


def _open_regular(path: Path) -> int:
    """A descriptor of a regular file; a link, FIFO, device or socket is refused without waiting
    on it (O_NONBLOCK: opening a FIFO for reading would block until a writer came)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(exc.errno, "a symbolic link") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(0, "not a regular file")
    return fd


def _regular_size(path: Path) -> int:
    fd = _open_regular(path)
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def read_regular(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, opened without following a link."""
    fd = _open_regular(path)
    with os.fdopen(fd, "rb") as f:
        return f.read(limit)


def problem_submission(name: str, source: Path, kind: InputKind, problem: str, identity: str = "", revision: str = "") -> Submission:
    """Nothing to grade: the problem is the feedback, and its hash changes when the input does."""
    return Submission(file_name(name), str(source), kind, {}, content_hash({}, problem + identity), revision, problem)
