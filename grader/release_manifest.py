"""What a release shipped: the manifest in the student repository and the instructor's record of it.

`release` writes the same manifest twice: as `.gradelab/release.json` in the student repository,
and as `<records>/<release id>.json` on the instructor's side. Collection reads only the release id
from the student's copy, which a student can edit along with the files it lists, and compares the
repository against the instructor's record of that id.

The records folder is `releases/` beside the course file (or in the working directory without
one), unless `--records DIR` names another.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = ".gradelab/release.json"
FORMAT = 1
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}-[0-9a-f]{12}")


class ManifestError(ValueError):
    pass


@dataclass(frozen=True)
class Manifest:
    """One release. `files` maps every released path outside `editable` (and this manifest) to its
    sha256; `editable` are the paths a student may change (`assignments/<part>.py`). `points` is
    each part's total in the assignment (with the speed checks, as `grade` runs by default);
    `scaled` the totals the course file set, whose checks are scaled to them: what the released
    `check` passes as `GradeOptions.part_points`, so it scores each check as `grade` will."""

    release: str
    assignment: str
    parts: tuple[str, ...]
    points: Mapping[str, float]  # part -> its total in this assignment
    due: str | None  # ISO 8601 with offset
    late: str  # the late policy, in words
    grader: str  # grader_version() of the grader that was released
    created: str  # ISO 8601, UTC
    editable: tuple[str, ...]
    files: Mapping[str, str] = field(default_factory=dict)
    scaled: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2, sort_keys=True) + "\n"

    @staticmethod
    def from_json(text: str, source: str) -> Manifest:
        try:
            data: dict[str, Any] = json.loads(text)
            if data.pop("format") != FORMAT:
                raise ManifestError(f"{source}: unknown manifest format")
            manifest = Manifest(
                release=str(data["release"]),
                assignment=str(data["assignment"]),
                parts=tuple(str(p) for p in data["parts"]),
                points={str(k): float(v) for k, v in data["points"].items()},
                due=None if data["due"] is None else str(data["due"]),
                late=str(data["late"]),
                grader=str(data["grader"]),
                created=str(data["created"]),
                editable=tuple(str(p) for p in data["editable"]),
                files={str(k): str(v) for k, v in data["files"].items()},
                scaled={str(k): float(v) for k, v in data.get("scaled", {}).items()},
            )
        except ManifestError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ManifestError(f"{source}: not a release manifest ({type(exc).__name__}: {exc})") from None
        if not _ID.fullmatch(manifest.release):
            raise ManifestError(f"{source}: {manifest.release[:60]!r} is not a release id")
        return manifest


def release_id(assignment: str, files: Mapping[str, str], editable_hashes: Mapping[str, str]) -> str:
    """`<assignment>-<12 hex>`: the same released bytes always give the same id."""
    every = {**files, **editable_hashes}
    h = hashlib.sha256()
    for path in sorted(every):
        h.update(path.encode() + b"\0" + every[path].encode() + b"\0")
    return f"{assignment}-{h.hexdigest()[:12]}"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def records_dir(given: Path | None, course_file: Path | None) -> Path:
    if given is not None:
        return given
    return (course_file.parent if course_file is not None else Path.cwd()) / "releases"


def write_record(records: Path, manifest: Manifest) -> Path:
    records.mkdir(parents=True, exist_ok=True)
    path = records / f"{manifest.release}.json"
    path.write_text(manifest.to_json())
    return path


def read_record(records: Path, release: str) -> Manifest | None:
    """The instructor's record of `release`, or None when there is none (an unknown or forged id)."""
    if not _ID.fullmatch(release):
        return None
    path = records / f"{release}.json"
    if not path.is_file():
        return None
    return Manifest.from_json(path.read_text(), str(path))


def latest_record(records: Path, assignment: str) -> Manifest | None:
    """The newest release of `assignment` the instructor made, by creation time."""
    found = []
    for path in records.glob(f"{assignment}-*.json") if records.is_dir() else ():
        manifest = Manifest.from_json(path.read_text(), str(path))
        if manifest.assignment == assignment:
            found.append(manifest)
    return max(found, key=lambda m: m.created, default=None)
