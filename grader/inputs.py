"""What a batch grades: a submission folder, a .zip archive or a git repository, read into memory.

Each input becomes a `Submission`: a display name, the Python files that will be graded (path
relative to the submission's root -> bytes) and a hash of exactly those files, so a re-run
regrades a submission only when what is graded changed. Only the files the engine would stage are
kept (`assignments/**.py`, or the module files at the top level), under the same bounds; nothing
is extracted to disk, so an archive cannot write outside a temp folder or fill the disk.
Git repositories are read by `grader.gitinput`.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Literal

# The staging bounds of grader.submission, applied here too, before anything leaves the parent.
MAX_FILE_BYTES = 1 << 20
MAX_TOTAL_BYTES = 8 << 20
MAX_FILES = 200
MAX_DEPTH = 3  # path parts below the package folder, as in staging
# Beyond these an input is refused whole: no course submission has 20,000 entries.
MAX_ENTRIES = 20_000
MAX_ARCHIVE_BYTES = 256 << 20

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


def safe_name(name: str) -> str:
    """A gradebook name that is also a folder name: no separators, no dot-files, 100 chars at most."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".") or "submission"
    return cleaned[:100]


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
        if len(rel) > MAX_DEPTH or "__pycache__" in rel or any(x.startswith(".") for x in rel):
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
        if n > MAX_FILE_BYTES or total + n > MAX_TOTAL_BYTES or len(files) >= MAX_FILES:
            notes.append(f"left out {p}: too large")
            continue
        data = read(p)
        if len(data) > MAX_FILE_BYTES:  # a header that lied about the size
            notes.append(f"left out {p}: too large")
            continue
        files[p] = data
        total += len(data)
    return files, notes


def _safe_member(name: str) -> str | None:
    """An archive member's path as a clean relative POSIX path, or None when it could escape."""
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name) or ".." in path.parts or not path.parts:
        return None
    return str(path)


def read_folder(path: Path, name: str | None = None) -> Submission:
    """A submission folder, without following links or walking hidden folders."""
    root = Path(path)
    listed: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root)
        # Prune what can never be graded, so a virtualenv or .git is not walked at all.
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__" and len(rel_dir.parts) < MAX_DEPTH + 1]
        listed += [(rel_dir / f).as_posix() for f in filenames if not (Path(dirpath) / f).is_symlink()]
        if len(listed) > MAX_ENTRIES:
            return problem_submission(name or root.name, root, "folder", f"{root.name} holds more than {MAX_ENTRIES} files; it was not graded")
    kept, notes = graded_paths(listed)
    files, more = read_bounded(kept, lambda p: (root / p).stat().st_size, lambda p: (root / p).read_bytes()[: MAX_FILE_BYTES + 1])
    return Submission(safe_name(name or root.resolve().name), str(path), "folder", files, content_hash(files), notes=tuple(notes + more))


def _strip_single_folder(names: list[str]) -> tuple[list[str], str]:
    """A zip of `alice/assignments/...` grades as `assignments/...`: strip one shared top folder."""
    tops = {PurePosixPath(n).parts[0] for n in names}
    if len(tops) == 1 and all(len(PurePosixPath(n).parts) > 1 for n in names):
        top = tops.pop()
        if top != "assignments":
            return [str(PurePosixPath(*PurePosixPath(n).parts[1:])) for n in names], top + "/"
    return names, ""


def read_zip(path: Path, name: str | None = None) -> Submission:
    """A .zip archive: links, escaping paths and oversized members are left out, never extracted."""
    path = Path(path)
    display = name or path.name.removesuffix(".zip")
    raw_hash = hashlib.sha256(path.read_bytes()).hexdigest() if path.stat().st_size <= MAX_ARCHIVE_BYTES else ""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        return problem_submission(display, path, "zip", f"{path.name} is not a readable zip archive ({exc})", raw_hash)
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES or path.stat().st_size > MAX_ARCHIVE_BYTES:
            return problem_submission(display, path, "zip", f"{path.name} is too large to grade ({len(infos)} entries)", raw_hash)
        notes: list[str] = []
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            clean = _safe_member(info.filename)
            if clean is None:
                notes.append(f"left out {info.filename!r}: its path leaves the archive")
            elif stat.S_ISLNK(info.external_attr >> 16):
                notes.append(f"left out {clean}: a symbolic link")
            else:
                members[clean] = info
        renamed, stripped = _strip_single_folder(list(members))
        by_name = {new: members[old] for new, old in zip(renamed, members)}
        kept, left = graded_paths(by_name)
        try:
            files, more = read_bounded(kept, lambda p: by_name[p].file_size, lambda p: _read_member(archive, by_name[p]))
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:  # RuntimeError: encrypted
            return problem_submission(display, path, "zip", f"{path.name} could not be read ({exc})", raw_hash)
    if stripped:
        notes.append(f"graded the archive's folder {stripped}")
    return Submission(safe_name(display), str(path), "zip", files, content_hash(files), notes=tuple(notes + left + more))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Read one byte past the bound: a member that inflates beyond its stated size is caught here.
    with archive.open(info) as f:
        return f.read(MAX_FILE_BYTES + 1)


def problem_submission(name: str, source: Path, kind: InputKind, problem: str, identity: str = "", revision: str = "") -> Submission:
    """Nothing to grade: the problem is the feedback, and its hash changes when the input does."""
    return Submission(safe_name(name), str(source), kind, {}, content_hash({}, problem + identity), revision, problem)


def input_kind(path: Path) -> InputKind:
    path = Path(path)
    if path.is_dir():
        return "git" if (path / ".git").exists() else "folder"
    if path.is_file() and zipfile.is_zipfile(path):
        return "zip"
    if path.is_file() and path.suffix == ".zip":
        return "zip"  # a broken archive is still the student's submission: graded 0 with why
    raise InputError(f"{path} is not a folder, a .zip archive or a git repository")


def read_submission(path: Path, deadline: str | None = None) -> Submission:
    """Any of the three forms; `deadline` (ISO 8601) picks a git repository's commit."""
    kind = input_kind(path)
    if kind == "zip":
        return read_zip(path)
    if kind == "git":
        from grader.gitinput import read_git

        return read_git(path, deadline)
    return read_folder(path)
