"""A batch: decide what needs grading, grade it on a backend, record each result as it arrives.

A submission is skipped while its gradebook row is current (same content hash, grader version
and spec fingerprint) unless a regrade is asked for. Each result is recorded in its own
transaction the moment it arrives, so a batch killed at any point keeps every result recorded
before, and a re-run grades only what is missing: nothing twice.

No one input can stop a batch. Two inputs that would share a gradebook row (and an output
folder) are both left out with a warning while the rest are graded, and a name that the output
folder's own files use (`reserved`) is graded under another name, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from grader.batch.backends import Backend
from grader.batch.fingerprint import grader_version, spec_fingerprint
from grader.batch.gradebook import Entry, Gradebook, Status, now
from grader.batch.inputs.submission import Submission
from grader.batch.isolation import Job, Outcome
from grader.engine.failed import failed_result
from grader.options import GradeOptions
from grader.results import SubmissionResult
from grader.spec import PartSpec


@dataclass(frozen=True)
class Plan:
    todo: tuple[Submission, ...]
    skipped: tuple[Submission, ...]  # current in the gradebook
    grader_version: str
    spec: str
    refused: tuple[str, ...] = ()  # why inputs were left out (a shared name), one line each


@dataclass(frozen=True)
class Report:
    graded: tuple[str, ...]
    skipped: tuple[str, ...]
    stopped: tuple[str, ...]  # timed out or crashed: recorded with every check at 0
    interrupted: bool


def unreserved(s: Submission, reserved: Collection[str]) -> Submission:
    """`s`, renamed "_<name>" when its name begins with a name the output folder's own files use
    (compared case-insensitively, as some file systems do)."""
    if not any(s.name.casefold().startswith(r.casefold()) for r in reserved):
        return s
    note = f"graded as _{s.name}: {s.name} is the name of one of the grader's own files"
    return replace(s, name=f"_{s.name}", notes=(note, *s.notes))


def split_clashes(submissions: Sequence[Submission]) -> tuple[list[Submission], list[str]]:
    """(inputs with a name of their own, a line per name that two or more inputs share).

    Names are compared case-insensitively: on such a file system two output folders would be one.
    """
    by_name: dict[str, list[Submission]] = {}
    for s in submissions:
        by_name.setdefault(s.name.casefold(), []).append(s)
    kept = [s for s in submissions if len(by_name[s.name.casefold()]) == 1]
    clashes = [f"{group[0].name}: {', '.join(s.source for s in group)}" for group in by_name.values() if len(group) > 1]
    return kept, sorted(clashes)


def plan(
    submissions: Sequence[Submission], parts: Sequence[PartSpec], options: GradeOptions, book: Gradebook, regrade: bool, reserved: Collection[str] = ()
) -> Plan:
    submissions, clashes = split_clashes([unreserved(s, reserved) for s in submissions])
    version, spec = grader_version(), spec_fingerprint(parts, options)
    todo: list[Submission] = []
    skipped: list[Submission] = []
    for s in submissions:
        current = not regrade and book.is_current(s.name, s.content_hash, version, spec)
        (skipped if current else todo).append(s)
    refused = tuple(f"not graded, these inputs share the gradebook name {c} (rename all but one)" for c in clashes)
    return Plan(tuple(todo), tuple(skipped), version, spec, refused)


def _entry(s: Submission, result: SubmissionResult, status: Status, error: str, version: str, spec: str, host: str) -> Entry:
    return Entry(s.name, s.source, s.kind, s.revision, s.content_hash, version, spec, status, error, s.notes, host, now(), result, s.collected)


def entry_for(s: Submission, outcome: Outcome, parts: Sequence[PartSpec], options: GradeOptions, spec: str) -> Entry:
    """The row for one outcome: the engine's result, or every check at 0 with why."""
    if outcome.result is not None:
        return _entry(s, SubmissionResult.from_dict(outcome.result), "graded", "", outcome.grader_version, spec, outcome.host)
    status: Status = "timeout" if outcome.timed_out else "crashed"
    result = failed_result(s.name, parts, options, outcome.error, seconds=outcome.seconds)
    return _entry(s, result, status, outcome.error, outcome.grader_version, spec, outcome.host)


def grade(
    the_plan: Plan,
    parts: Sequence[PartSpec],
    options: GradeOptions,
    book: Gradebook,
    make_backend: Callable[[], Backend],
    *,
    limit_seconds: float,
    on_recorded: Callable[[Entry], None] = lambda e: None,
) -> Report:
    """Grade `the_plan.todo`; record and announce each entry as it arrives.

    The backend is made only when something needs running (a re-run with nothing new starts no
    process) and closed at the end. A KeyboardInterrupt stops the children and ends the batch:
    what was recorded stays.
    """
    graded: list[str] = []
    stopped: list[str] = []

    def record(entry: Entry) -> None:
        entry = book.record(entry)  # as stored: what the files are rendered from
        (graded if entry.status in ("graded", "empty") else stopped).append(entry.name)
        on_recorded(entry)

    for s in the_plan.todo:
        if s.problem:  # nothing to run: the row says why it is 0
            result = failed_result(s.name, parts, options, s.problem)
            record(_entry(s, result, "empty", s.problem, the_plan.grader_version, the_plan.spec, ""))
    runnable = [s for s in the_plan.todo if not s.problem]
    if not runnable:
        return Report(tuple(graded), tuple(s.name for s in the_plan.skipped), tuple(stopped), False)
    names = tuple(p.name for p in parts)
    backend = make_backend()
    futures: dict[object, Submission] = {}
    try:
        for s in runnable:
            futures[backend.submit(Job(s.name, s.files, names, options, limit_seconds))] = s
        for future in backend.as_completed(futures):
            s = futures[future]
            outcome = _outcome(future, s, the_plan.grader_version)
            if not outcome.cancelled:
                record(entry_for(s, outcome, parts, options, the_plan.spec))
    except KeyboardInterrupt:
        backend.cancel()
        return Report(tuple(graded), tuple(s.name for s in the_plan.skipped), tuple(stopped), True)
    finally:
        backend.close()
    return Report(tuple(graded), tuple(s.name for s in the_plan.skipped), tuple(stopped), False)


def _outcome(future: Any, s: Submission, grader_version: str) -> Outcome:
    try:
        return future.result()
    except Exception as exc:  # a lost Dask worker, a cancelled task: the submission still gets a row
        return Outcome(s.name, None, f"the grading task failed ({type(exc).__name__}: {exc}); every check scores 0", grader_version=grader_version)
