"""What collecting a submission adds to its graded result: whose it is, when it came, how late,
the penalty, and the flags an instructor should look at.

The raw score is the result's own (`SubmissionResult.score`), never changed here: a flag never
changes a score, and the late penalty is kept apart from it, so every report can show the raw
score, the penalty and the final score side by side.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from grader.text import clean_line

FlagKind = Literal[
    "changed",  # a released file outside the editable ones differs
    "missing",  # a released file is gone
    "added",  # a file the release did not have, outside the editable ones
    "runs-code",  # an added conftest.py, sitecustomize.py or *.pth: code that runs by itself
    "workflow",  # the CI workflow changed, added or removed
    "old-release",  # made from a release older than the newest of its assignment
    "unknown-release",  # names a release the instructor has no record of
    "no-manifest",  # no readable .gradelab/release.json
    "other-assignment",  # a release of another assignment
    "incomplete",  # not every file could be compared
    "late",  # submitted after its due date
]
MAX_FLAG_CHARS = 500


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    text: str

    def __post_init__(self) -> None:
        # Flag texts quote the student's file names: cleaned once, here, for every renderer.
        object.__setattr__(self, "text", clean_line(self.text, MAX_FLAG_CHARS))

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


@dataclass(frozen=True)
class Collected:
    """How one submission was collected. Empty strings where a batch was not told (no roster, no due date)."""

    assignment: str = ""
    student: str = ""  # the roster's student id
    email: str = ""
    due: str = ""  # ISO 8601: the due date applied to this student
    due_source: str = ""  # "the assignment", "--deadline", "extension (roster)", "extension (course file)"
    submitted_at: str = ""  # ISO 8601: when what was graded was pushed (or committed)
    timed_by: str = ""  # "push", "commit date", or "" (a folder or zip has no time)
    late_seconds: float = 0.0
    penalty_fraction: float = 0.0  # of the raw score
    late_policy: str = ""  # in words
    flags: tuple[Flag, ...] = ()

    def penalty(self, raw: float) -> float:
        return round(raw * self.penalty_fraction, 6)

    def final(self, raw: float) -> float:
        return round(raw - self.penalty(raw), 6)

    def late_text(self) -> str:
        """How late, in words ("1 d 2 h", "5 min"), or "" when on time."""
        return duration_text(self.late_seconds) if self.late_seconds > 0 else ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Collected:
        flags = tuple(Flag(f["kind"], f["text"]) for f in d.get("flags", ()))
        return Collected(**{**{k: v for k, v in d.items() if k != "flags"}, "flags": flags})


def duration_text(seconds: float) -> str:
    """ "2 d 3 h", "3 h 5 min", "under a minute": days and hours, minutes only below a day."""
    hours, rest = divmod(int(seconds), 3600)
    days, hours = divmod(hours, 24)
    minutes = rest // 60
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes and not days else ""]
    return " ".join(p for p in parts if p) or "under a minute"
