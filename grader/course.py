"""The course file: named assignments, each with its parts, points, due date and late policy.

`course.toml` (named by --course or $GRADELAB_COURSE) reads, for example:

    [assignments.hw1]
    parts = ["shapes", "conv"]
    due = 2026-12-01T23:59:00-05:00          # a TOML datetime, or a string, with a UTC offset
    late = { percent_per_day = 10, max_days = 3 }   # or late = "none"
    points = { conv = 30 }                   # optional: a part's checks scaled to this total

    [assignments.hw1.extensions]             # optional, per student id: a later due date
    alice = 2026-12-03T23:59:00-05:00

Without a course file there is one assignment, `all`, with every part, no due date and no
penalty: the behaviour every command had before course files. Every error names the file and the
key, so a malformed course file stops a command before anything is graded or written.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from grader.parts import BY_NAME

DEFAULT_ASSIGNMENT = "all"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
DAY = timedelta(days=1)


class CourseError(ValueError):
    """A course file that cannot be used, with the file and the key in its message."""


@dataclass(frozen=True)
class LatePolicy:
    """`percent_per_day` off the raw score per started day late, up to `max_days`; later is zero.

    `percent_per_day == 0` with `max_days == 0` is no policy: late work keeps its score.
    """

    percent_per_day: float = 0.0
    max_days: int = 0

    @property
    def none(self) -> bool:
        return self.percent_per_day == 0 and self.max_days == 0

    def penalty_fraction(self, late: timedelta) -> float:
        """The fraction of the raw score taken off for work `late` past its due date."""
        if late <= timedelta(0) or self.none:
            return 0.0
        days = math.ceil(late / DAY)
        if days > self.max_days:
            return 1.0
        return min(1.0, days * self.percent_per_day / 100.0)

    def describe(self) -> str:
        if self.none:
            return "no late penalty"
        return f"{self.percent_per_day:g}% off per day late, up to {self.max_days} day(s), then zero"


@dataclass(frozen=True)
class Assignment:
    name: str
    parts: tuple[str, ...]
    points: Mapping[str, float] = field(default_factory=dict)  # part -> total; absent: the spec's own
    due: datetime | None = None  # timezone-aware
    late: LatePolicy = LatePolicy()
    extensions: Mapping[str, datetime] = field(default_factory=dict)  # student id -> due date

    def due_for(self, student: str | None) -> datetime | None:
        """The due date of one student: their extension where they have one."""
        if student is not None and student in self.extensions:
            return self.extensions[student]
        return self.due


@dataclass(frozen=True)
class Course:
    assignments: Mapping[str, Assignment]
    source: str = "every part (no course file)"

    def assignment(self, name: str | None) -> Assignment:
        """The assignment named, or the only one when `name` is None; a clear error otherwise."""
        if name is None:
            if len(self.assignments) == 1:
                return next(iter(self.assignments.values()))
            raise CourseError(f"{self.source}: name one of its assignments with --assignment ({', '.join(self.assignments)})")
        if name not in self.assignments:
            raise CourseError(f"{self.source}: no assignment {name!r}; it has {', '.join(self.assignments)}")
        return self.assignments[name]


def default_course() -> Course:
    return Course({DEFAULT_ASSIGNMENT: Assignment(DEFAULT_ASSIGNMENT, tuple(BY_NAME))})


def course_path(given: Path | None) -> Path | None:
    if given is not None:
        return given
    env = os.environ.get("GRADELAB_COURSE")
    return Path(env) if env else None


def load_course(path: Path | None = None) -> Course:
    """The course file at `path` (or $GRADELAB_COURSE), or the default course without one."""
    path = course_path(path)
    if path is None:
        return default_course()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CourseError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: not valid TOML ({exc})") from None
    return parse_course(data, str(path))


def parse_course(data: Mapping[str, Any], source: str) -> Course:
    unknown = sorted(set(data) - {"assignments"})
    if unknown:
        raise CourseError(f"{source}: unknown key(s) {', '.join(unknown)}; a course file holds [assignments.NAME] tables")
    tables = data.get("assignments")
    if not isinstance(tables, dict) or not tables:
        raise CourseError(f"{source}: no assignments; declare at least one [assignments.NAME] table")
    seen: dict[str, str] = {}
    assignments = {}
    for name, table in tables.items():
        where = f"{source}: assignments.{name}"
        if not _NAME.fullmatch(name):
            raise CourseError(f"{where}: an assignment name is lowercase letters, digits, '-' and '_', at most 40, starting with a letter or digit")
        folded = name.replace("-", "_")
        if folded in seen:
            raise CourseError(f"{where}: overlaps assignments.{seen[folded]} (names differing only in '-' and '_' would share release and output folders)")
        seen[folded] = name
        if not isinstance(table, dict):
            raise CourseError(f"{where}: must be a table")
        assignments[name] = _assignment(name, table, where)
    return Course(assignments, source)


def _assignment(name: str, table: Mapping[str, Any], where: str) -> Assignment:
    unknown = sorted(set(table) - {"parts", "points", "due", "late", "extensions"})
    if unknown:
        raise CourseError(f"{where}: unknown key(s) {', '.join(unknown)}; expected parts, points, due, late, extensions")
    parts = table.get("parts")
    if not isinstance(parts, list) or not parts or not all(isinstance(p, str) for p in parts):
        raise CourseError(f"{where}.parts: a non-empty list of part names ({', '.join(BY_NAME)})")
    bad = [p for p in parts if p not in BY_NAME]
    if bad:
        raise CourseError(f"{where}.parts: unknown part(s) {', '.join(bad)}; the parts are {', '.join(BY_NAME)}")
    if len(set(parts)) != len(parts):
        raise CourseError(f"{where}.parts: a part is listed twice")
    ordered = tuple(p for p in BY_NAME if p in parts)
    for part in ordered:
        missing = [b for b in BY_NAME[part].builds_on if b not in ordered]
        if missing:
            raise CourseError(
                f"{where}.parts: {part} is built from the student's own {', '.join(m + '.py' for m in missing)}: "
                f"add {', '.join(missing)} to this assignment, so its release hands the stub out and its grade reads the student's file"
            )
    points = _points(table.get("points", {}), ordered, f"{where}.points")
    due = _when(table["due"], f"{where}.due") if "due" in table else None
    late = _late(table.get("late", "none"), f"{where}.late")
    if not late.none and due is None:
        raise CourseError(f"{where}.late: a late policy needs a due date")
    extensions_table = table.get("extensions", {})
    if not isinstance(extensions_table, dict):
        raise CourseError(f"{where}.extensions: a table of student id = due date")
    if extensions_table and due is None:
        raise CourseError(f"{where}.extensions: extensions need a due date to extend")
    extensions = {str(k): _when(v, f"{where}.extensions.{k}") for k, v in extensions_table.items()}
    return Assignment(name, ordered, points, due, late, extensions)


def _points(value: Any, parts: tuple[str, ...], where: str) -> dict[str, float]:
    if not isinstance(value, dict):
        raise CourseError(f"{where}: a table of part = points")
    out = {}
    for part, pts in value.items():
        if part not in parts:
            raise CourseError(f"{where}.{part}: not a part of this assignment ({', '.join(parts)})")
        if isinstance(pts, bool) or not isinstance(pts, int | float) or not math.isfinite(pts) or pts <= 0:
            raise CourseError(f"{where}.{part}: points must be a positive number, not {pts!r}")
        out[part] = float(pts)
    return out


def _when(value: Any, where: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise CourseError(f"{where}: {value!r} is not a date and time like 2026-12-01T23:59:00-05:00") from None
    if not isinstance(value, datetime):
        raise CourseError(f"{where}: a date and time with a UTC offset, like 2026-12-01T23:59:00-05:00")
    if value.tzinfo is None or value.utcoffset() is None:
        raise CourseError(f"{where}: {value.isoformat()} has no UTC offset; add one (e.g. -05:00 or Z) so the deadline is one instant")
    return value


def _late(value: Any, where: str) -> LatePolicy:
    if value == "none":
        return LatePolicy()
    if not isinstance(value, dict) or set(value) != {"percent_per_day", "max_days"}:
        raise CourseError(f'{where}: "none" or {{ percent_per_day = P, max_days = N }}')
    pct, days = value["percent_per_day"], value["max_days"]
    if isinstance(pct, bool) or not isinstance(pct, int | float) or not 0 < pct <= 100:
        raise CourseError(f"{where}.percent_per_day: a number in (0, 100], not {pct!r}")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise CourseError(f"{where}.max_days: a whole number of days, 0 or more, not {days!r}")
    return LatePolicy(float(pct), days)
