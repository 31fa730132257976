"""Every file of a submission, hashed: what the tamper check compares with the instructor's record
of the release the repository came from (`grader.batch.collect.tamper`).

Read only when a batch asks for it, in the same bounded child as the graded files, under bounds of
its own: at most MAX_FILES files, each hashed up to MAX_HASHED_FILE bytes, MAX_HASHED_TOTAL in
all. A link, a FIFO or device, or a file past a bound gets a marker instead of a hash (it never
equals a released file's sha256), and a listing cut short says so, so the check flags what it
could not compare rather than passing it. Caches and editor litter (`__pycache__`, `.venv`, ...)
are left out: a student's folder or zip has them, and no grading reads them. The repository's
`.gradelab/release.json` is read for one thing only: the release id it names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from grader.release_manifest import MANIFEST
from grader.text import clean_line

MAX_FILES = 20_000  # as many entries as an input may hold at all (submission.MAX_ENTRIES)
MAX_HASHED_FILE = 8 << 20
MAX_HASHED_TOTAL = 128 << 20
MAX_MANIFEST_BYTES = 1 << 20
NOISE_FOLDERS = frozenset(
    {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", ".ipynb_checkpoints", ".venv", "venv", "__MACOSX"}
)
NOISE_FILES = frozenset({".DS_Store", "Thumbs.db"})
LINK = "(a symbolic link)"
SPECIAL = "(not a regular file)"


@dataclass(frozen=True)
class Snapshot:
    hashes: Mapping[str, str] = field(default_factory=dict)  # path -> sha256, or a marker in parentheses
    incomplete: str = ""  # why some files were not listed
    release: str = ""  # the release id the repository's manifest names
    manifest: str = ""  # why no release id was read ("" when one was)

    def to_wire(self) -> dict[str, object]:
        return {"hashes": dict(self.hashes), "incomplete": self.incomplete, "release": self.release, "manifest": self.manifest}

    @staticmethod
    def from_wire(d: Mapping[str, object]) -> Snapshot:
        hashes = d["hashes"]
        assert isinstance(hashes, dict)
        return Snapshot({str(k): str(v) for k, v in hashes.items()}, str(d["incomplete"]), str(d["release"]), str(d["manifest"]))


def is_noise(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p in NOISE_FOLDERS for p in parts[:-1]) or parts[-1] in NOISE_FILES or path.endswith((".pyc", ".pyo"))


def release_named(data: bytes | None) -> tuple[str, str]:
    """(the release id the manifest names, or "" with why not). Nothing else of it is read."""
    if data is None:
        return "", f"no {MANIFEST}"
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "", f"{MANIFEST} is not JSON"
    release = manifest.get("release") if isinstance(manifest, dict) else None
    if not isinstance(release, str) or not release:
        return "", f"{MANIFEST} names no release"
    return clean_line(release, 100), ""


class SnapshotBuilder:
    """Collects the hashes of one submission's files as its reader lists them."""

    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}
        self.incomplete = ""
        self._total = 0
        self._manifest: bytes | None = None
        self._by_key: dict[str, str] = {}

    def full(self) -> bool:
        if len(self.hashes) >= MAX_FILES and not self.incomplete:
            self.incomplete = f"more than {MAX_FILES} files; the rest were not compared"
        return len(self.hashes) >= MAX_FILES

    def marker(self, path: str, what: str) -> None:
        if not is_noise(path) and not self.full():
            self.hashes[path] = what

    def file(self, path: str, size: int, read: Callable[[int], bytes], key: str = "") -> None:
        """A regular file of `size` bytes; `read(limit)` gives at most `limit + 1` of them. `key`
        names identical contents (a git blob id), hashed once however often a tree repeats it."""
        if is_noise(path) or self.full():
            return
        if key and key in self._by_key:
            self.hashes[path] = self._by_key[key]
            return
        if size > MAX_HASHED_FILE or self._total + size > MAX_HASHED_TOTAL:
            self.hashes[path] = f"(not read: {size} bytes)"
            return
        data = read(MAX_HASHED_FILE)
        self._total += len(data)
        digest = hashlib.sha256(data).hexdigest() if len(data) <= MAX_HASHED_FILE else f"(not read: over {MAX_HASHED_FILE} bytes)"
        self.hashes[path] = digest
        if key:
            self._by_key[key] = digest
        if path == MANIFEST and len(data) <= MAX_MANIFEST_BYTES:
            self._manifest = data

    def cut_short(self, why: str) -> None:
        self.incomplete = self.incomplete or why

    def build(self) -> Snapshot:
        release, why = release_named(self._manifest)
        return Snapshot(dict(self.hashes), self.incomplete, release, why)
