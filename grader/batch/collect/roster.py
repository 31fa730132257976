"""The roster: which student each repository belongs to, and their extension if they have one.

`--roster roster.csv` is a CSV file with a header row:

    repository,student_id,email,extension,name,section
    hw1-alice,s1001,alice@uni.example,2026-12-03T23:59:00-05:00,"Liddell, Alice",A1
    https://github.com/cs-course/hw1-bob,s1002,bob@uni.example,,,

`repository`, `student_id` and `email` are required; `extension` (a due date with a UTC offset),
`name` and `section` (used by `gradebook export --lms canvas`) may be left out or empty. A
repository may be given as its folder name, `owner/name` or a URL: only its last part counts,
without `.git`, matched against the gradebook name of each input (the clone's folder name).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REQUIRED = ("repository", "student_id", "email")
OPTIONAL = ("extension", "name", "section")
MAX_ROSTER_BYTES = 16 << 20


class RosterError(ValueError):
    """A roster that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Student:
    repository: str
    student_id: str
    email: str
    extension: datetime | None = None
    name: str = ""
    section: str = ""


def repository_name(text: str) -> str:
    """`https://github.com/org/hw1-alice.git`, `org/hw1-alice` and `hw1-alice` are all `hw1-alice`."""
    return text.strip().rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")


def _extension(text: str, where: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RosterError(f"{where}: extension {text[:60]!r} is not a date and time like 2026-12-03T23:59:00-05:00") from None
    if when.tzinfo is None:
        raise RosterError(f"{where}: extension {text[:60]!r} has no UTC offset; add one (e.g. -05:00 or Z)")
    return when


def parse_roster(text: str, source: str) -> dict[str, Student]:
    """Repository name -> student; a missing column, an empty required cell, a bad date or a
    repository listed twice is an error naming the line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RosterError(f"{source}: no column {', '.join(missing)}; the header needs {', '.join(REQUIRED)} (and may have {', '.join(OPTIONAL)})")
    students: dict[str, Student] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        if not any(row.values()):
            continue
        where = f"{source}, line {number}"
        empty = [c for c in REQUIRED if not row.get(c)]
        if empty:
            raise RosterError(f"{where}: {', '.join(empty)} is empty")
        name = repository_name(row["repository"])
        if name in students:
            raise RosterError(f"{where}: repository {name} is listed twice")
        students[name] = Student(
            name, row["student_id"], row["email"], _extension(row.get("extension", ""), where), row.get("name", ""), row.get("section", "")
        )
    return students


def load_roster(path: Path) -> dict[str, Student]:
    try:
        data = Path(path).read_bytes()[: MAX_ROSTER_BYTES + 1]
    except OSError as exc:
        raise RosterError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterError(f"{path}: larger than {MAX_ROSTER_BYTES >> 20} MiB")
    try:
        return parse_roster(data.decode("utf-8"), str(path))
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text") from None
