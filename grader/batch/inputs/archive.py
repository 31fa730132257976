"""A .zip archive as a submission, read in memory: nothing is extracted.

Members whose paths leave the archive, links, FIFOs and devices (by their Unix mode bits) and
oversized members are left out with a note; a member is read one byte past its bound, so one that
inflates beyond the size its header states is caught. An archive that cannot be read (a flipped
byte in a compressed stream, an encrypted member, an unknown compression) is a problem
submission: graded 0 with why, never an exception that stops a batch.
"""

from __future__ import annotations

import hashlib
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from grader.batch.inputs.snapshot import Snapshot, SnapshotBuilder
from grader.batch.inputs.submission import (
    MAX_ARCHIVE_BYTES,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    Submission,
    content_hash,
    graded_paths,
    problem_submission,
    read_bounded,
)

_UNIX = 3  # ZipInfo.create_system of an archive made on Unix: external_attr holds st_mode


def _safe_member(name: str) -> str | None:
    """An archive member's path as a clean relative POSIX path, or None when it could escape."""
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", name) or ".." in path.parts or not path.parts:
        return None
    return str(path)


def _special(info: zipfile.ZipInfo) -> str:
    """ "a symbolic link", "not a regular file" (FIFO, device, socket) or "" for a plain file."""
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if info.create_system == _UNIX and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return "not a regular file"
    return ""


def _strip_single_folder(names: list[str]) -> tuple[list[str], str]:
    """A zip of `alice/assignments/...` grades as `assignments/...`: strip one shared top folder."""
    tops = {PurePosixPath(n).parts[0] for n in names}
    if len(tops) == 1 and all(len(PurePosixPath(n).parts) > 1 for n in names):
        top = tops.pop()
        if top != "assignments":
            return [str(PurePosixPath(*PurePosixPath(n).parts[1:])) for n in names], top + "/"
    return names, ""


def _raw_hash(path: Path) -> str:
    """The archive's sha256, streamed: a broken archive's row changes when the archive does."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_zip(path: Path, name: str | None = None, snapshot: bool = False) -> Submission:
    """A .zip archive: links, special files, escaping paths and oversized members are left out."""
    path = Path(path)
    display = name or path.name.removesuffix(".zip")
    size = path.stat().st_size
    raw_hash = _raw_hash(path) if size <= MAX_ARCHIVE_BYTES else ""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return problem_submission(display, path, "zip", f"{path.name} is not a readable zip archive ({exc})", raw_hash)
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES or size > MAX_ARCHIVE_BYTES:
            return problem_submission(display, path, "zip", f"{path.name} is too large to grade ({len(infos)} entries)", raw_hash)
        notes: list[str] = []
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            clean = _safe_member(info.filename)
            if clean is None:
                notes.append(f"left out {info.filename!r}: its path leaves the archive")
            elif _special(info):
                notes.append(f"left out {clean}: {_special(info)}")
            else:
                members[clean] = info
        renamed, stripped = _strip_single_folder(list(members))
        by_name = {new: members[old] for new, old in zip(renamed, members)}
        kept, left = graded_paths(by_name)
        try:
            files, more = read_bounded(kept, lambda p: by_name[p].file_size, lambda p: _read_member(archive, by_name[p]))
            taken = _snapshot(archive, by_name) if snapshot else None
        # zlib.error: a corrupt deflate stream; RuntimeError: encrypted; EOFError: cut short.
        except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
            return problem_submission(display, path, "zip", f"{path.name} could not be read ({type(exc).__name__}: {exc})", raw_hash)
    if stripped:
        notes.append(f"graded the archive's folder {stripped}")
    return Submission(display, str(path), "zip", files, content_hash(files), notes=tuple(notes + left + more), snapshot=taken)


def _snapshot(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> Snapshot:
    taken = SnapshotBuilder()
    for name in sorted(members):
        info = members[name]

        def read(limit: int, info: zipfile.ZipInfo = info) -> bytes:
            with archive.open(info) as f:
                return f.read(limit + 1)

        taken.file(name, info.file_size, read)
    return taken.build()


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # Read one byte past the bound: a member that inflates beyond its stated size is caught here.
    with archive.open(info) as f:
        return f.read(MAX_FILE_BYTES + 1)
