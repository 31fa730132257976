"""Collection for one batch: what to ask each input's reader, then what each submission's row says.

Before reading: each repository's due date (its student's extension, from the roster or the
course file, else the class's), its push log (`--pushes DIR/<name>.json`), and whether to hash
every file (when the instructor has release records). After reading: the student, the lateness
and penalty by the policy, and the tamper flags, as the submission's `Collected`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from grader.batch.collect.late import Due, due_for, lateness
from grader.batch.collect.pushes import MAX_LOG_BYTES, Push, PushLogError, parse_push_log
from grader.batch.collect.roster import Student, load_roster
from grader.batch.collect.tamper import release_flags
from grader.batch.inputs.bounded import read_inputs
from grader.batch.inputs.read import default_name, input_kind
from grader.batch.inputs.read_options import ReadOptions
from grader.batch.inputs.submission import InputError, Submission
from grader.collection import Collected, Flag, duration_text
from grader.course import Assignment
from grader.release_manifest import Manifest, ManifestError, latest_record, records_dir


class CollectError(ValueError):
    """An option's file cannot be used (a malformed roster or record): nothing is graded."""


@dataclass(frozen=True)
class Collector:
    assignment: Assignment
    deadline: datetime | None = None  # --deadline: replaces the class due date
    roster: Mapping[str, Student] | None = None
    pushes: Path | None = None  # --pushes DIR
    records: Path | None = None  # None: no tamper check
    latest: Manifest | None = None

    @staticmethod
    def load(
        assignment: Assignment, deadline: datetime | None, roster: Path | None, pushes: Path | None, records: Path | None, course_file: Path | None
    ) -> tuple[Collector, list[str]]:
        """The collector and notes for the instructor; CollectError for a file that cannot be used."""
        notes: list[str] = []
        students = None
        if roster is not None:
            try:
                students = load_roster(roster)
            except ValueError as exc:
                raise CollectError(str(exc)) from None
        folder = records_dir(records, course_file)
        try:
            latest = latest_record(folder, assignment.name)
        except (ManifestError, OSError, UnicodeDecodeError) as exc:
            raise CollectError(f"a release record in {folder} cannot be read: {exc}") from None
        folder_or_none: Path | None = folder
        if latest is None and records is None:
            if course_file is not None:
                notes.append(
                    f"no release records of {assignment.name} in {folder} (cli.py release writes them; --records DIR names another folder): no tamper check"
                )
            folder_or_none = None
        elif latest is None:
            notes.append(f"--records {folder} holds no release of {assignment.name}: each repository is compared with the release it names, if recorded")
        return Collector(assignment, deadline, students, pushes, folder_or_none, latest), notes

    def student(self, name: str) -> Student | None:
        return None if self.roster is None else self.roster.get(name)

    def due(self, name: str) -> Due:
        return due_for(self.assignment, self.deadline, self.student(name))

    def read_options(self, paths: Sequence[Path]) -> tuple[dict[Path, ReadOptions], list[str]]:
        """What to ask each input's reader, and warnings (a missing or unreadable push log)."""
        asked: dict[Path, ReadOptions] = {}
        warnings: list[str] = []
        timed_by_date = False
        for path in paths:
            try:
                kind = input_kind(path)
            except InputError:
                continue  # the reader says it is skipped
            name = default_name(path, kind)
            due = self.due(name)
            pushes = None
            if kind == "git" and self.pushes is not None:
                pushes, why = self._push_log(name)
                if why:
                    warnings.append(why)
            timed_by_date |= kind == "git" and pushes is None and due.when is not None
            iso = (None, None) if due.when is None else (due.when.isoformat(), due.late_until.isoformat() if due.late_until else None)
            asked[path] = ReadOptions(iso[0], iso[1], pushes, snapshot=self.records is not None)
        if timed_by_date and self.pushes is None:
            warnings.append(
                "no push log (--pushes DIR): git repositories are graded by commit dates, which students set; "
                "export each repository's pushes from the forge to decide by push time"
            )
        return asked, warnings

    def _push_log(self, name: str) -> tuple[tuple[Push, ...] | None, str]:
        assert self.pushes is not None
        path = self.pushes / f"{name}.json"
        if not path.is_file():
            return None, f"{name}: no push log {path}; its commit dates, which the student sets, decide what is graded and how late"
        try:
            data = path.read_bytes()[: MAX_LOG_BYTES + 1]
            if len(data) > MAX_LOG_BYTES:
                raise PushLogError(f"{path}: larger than {MAX_LOG_BYTES >> 20} MiB")
            return parse_push_log(data.decode("utf-8"), str(path)), ""
        except (PushLogError, OSError, UnicodeDecodeError) as exc:
            return None, f"{name}: the push log cannot be used ({exc}); its commit dates decide instead"

    def collected(self, s: Submission) -> Submission:
        """`s` with its row's collection: student, due date, lateness, penalty and flags."""
        student = self.student(s.name)
        due = self.due(s.name)
        late_seconds, fraction = lateness(due, s.submitted_at, self.assignment.late)
        flags: list[Flag] = []
        if self.records is not None and s.snapshot is not None:
            flags += release_flags(s.snapshot, self.records, self.latest, self.assignment.name)
        if late_seconds > 0:
            off = f"{fraction:.0%} off the raw score" if fraction else "no penalty"
            by = "by push time" if s.timed_by == "push" else "by commit date, which the student's machine sets"
            flags.append(Flag("late", f"{duration_text(late_seconds)} after the due date ({by}): {off}"))
        notes = s.notes
        if due.when is not None and not s.submitted_at and not s.problem:
            notes = (*notes, f"not timed: a {s.kind} carries no push or commit time, so no lateness was counted")
        collected = Collected(
            assignment=self.assignment.name,
            student=student.student_id if student else "",
            email=student.email if student else "",
            due=due.when.isoformat() if due.when else "",
            due_source=due.source,
            submitted_at=s.submitted_at,
            timed_by=s.timed_by,
            late_seconds=late_seconds,
            penalty_fraction=fraction,
            late_policy=self.assignment.late.describe(),
            flags=tuple(flags),
        )
        return replace(s, collected=collected, notes=notes)

    def unsubmitted(self, submissions: Sequence[Submission]) -> list[str]:
        """Roster repositories no input was read for."""
        seen = {s.name for s in submissions}
        return sorted(name for name in (self.roster or {}) if name not in seen)

    def read(self, inputs: Sequence[Path], given: Mapping[str, Path | None], seconds: float, jobs: int) -> tuple[list[Submission], list[str]]:
        """Every input read (in bounded children) and collected, and the warnings on the way:
        inputs that are the command's own files (`given`, option -> path) or not submissions,
        missing push logs, roster entries with no input."""
        own = {p.resolve(): option for option, p in given.items() if p is not None}
        paths = [p for p in inputs if p.resolve() not in own]
        warnings = [f"skipped {p}: it is the {own[p.resolve()]} given to this command, not a submission" for p in inputs if p.resolve() in own]
        asked, more = self.read_options(paths)
        submissions, skipped = read_inputs(paths, asked, seconds, jobs)
        submissions = [self.collected(s) for s in submissions]
        warnings += [*skipped, *more, *(f"{n}: in the roster, but no input was read for it" for n in self.unsubmitted(submissions))]
        return submissions, warnings


def deadline_changes(recorded: Mapping[str, str], submissions: Sequence[Submission]) -> list[str]:
    """A line per submission whose due date differs from the one its row was graded under."""
    lines = []
    for s in submissions:
        before = recorded.get(s.name)
        if before is not None and before != s.collected.due:
            lines.append(
                f"{s.name}: due date changed from {before or 'none'} to {s.collected.due or 'none'} ({s.collected.due_source or 'no due date'}); "
                "keep extensions in the roster or the course file so every run applies them"
            )
    return lines
