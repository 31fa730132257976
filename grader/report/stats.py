"""The class's statistics, read from the gradebook's entries: the numbers every section of the
report shows, as plain data (`to_dict` is what `report --json` writes).

Everything is computed from the stored result model (`SubmissionResult` and its checks, a timing
check's ratio and limit and the keys of its named mistakes included). Text is read in one place
only, for rows stored before checks carried their mistakes' keys: the "likely mistake:" lines the
grader wrote (grader.engine.checks.correctness). Hidden checks are as stored: no inputs, no
diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from grader.batch.gradebook import Entry
from grader.results import CheckResult
from grader.sandbox.static_check import FORBIDDEN_NOTE

MISTAKE = "likely mistake: "
HIDDEN_INPUTS = "hidden inputs (never stored)"
FAILING = ("failed", "error")


@dataclass(frozen=True)
class Summary:
    """Quartiles by linear interpolation (numpy's default percentile)."""

    count: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float
    mean: float

    @staticmethod
    def of(values: Sequence[float]) -> Summary:
        if not values:
            return Summary(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        a = np.asarray(values, dtype=float)
        q1, median, q3 = (round(float(v), 6) for v in np.percentile(a, [25, 50, 75]))
        return Summary(len(a), round(float(a.min()), 6), q1, median, q3, round(float(a.max()), 6), round(float(a.mean()), 6))


@dataclass(frozen=True)
class PartScores:
    part: str
    max_score: float
    scores: tuple[float, ...]  # in submission order
    summary: Summary


@dataclass(frozen=True)
class Overview:
    submissions: int
    max_score: float
    totals: tuple[float, ...]  # raw totals, in submission (name) order
    total: Summary
    finals: tuple[float, ...]  # after late penalties
    parts: tuple[PartScores, ...]


@dataclass(frozen=True)
class CheckRate:
    id: str
    part: str
    name: str
    kind: str
    visibility: str
    max_score: float
    graded: int  # submissions with this check
    passed: int
    failed: int  # failed or error
    skipped: int  # not run or not counted (a gate)
    rate: float  # passed / graded


@dataclass(frozen=True)
class Mistake:
    """One diagnosis the grader names (by its spec key), and who made it."""

    key: str  # the diagnosis's key; an old row's hint text where it had none
    text: str
    parts: tuple[str, ...]
    checks: tuple[str, ...]  # the labels of the checks it appeared in
    submissions: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.submissions)


@dataclass(frozen=True)
class Undiagnosed:
    """Failures of one check on inputs of one shape, with no named diagnosis."""

    check: str  # the check's id
    part: str
    name: str
    inputs: str  # the shrunk counterexample's shapes and parameters
    submissions: tuple[str, ...]


@dataclass(frozen=True)
class Ratio:
    submission: str
    ratio: float | None  # None: no ratio (the function failed on the benchmark input)
    at_least: bool  # the call was stopped: the ratio is a lower bound
    outcome: str


@dataclass(frozen=True)
class Speed:
    check: str
    part: str
    function: str
    limit: float
    ratios: tuple[Ratio, ...]
    over: int  # ratios past the limit (or none measured)
    summary: Summary  # of the measured ratios


@dataclass(frozen=True)
class FlagRow:
    submission: str
    kind: str  # timeout, crashed, empty, forbidden-import, part-error, sandbox, late, or a collection flag's kind
    text: str


@dataclass(frozen=True)
class Stats:
    overview: Overview
    checks: tuple[CheckRate, ...]
    mistakes: tuple[Mistake, ...]
    undiagnosed: tuple[Undiagnosed, ...]
    speed: tuple[Speed, ...]
    flags: tuple[FlagRow, ...]
    sandboxes: dict[str, int]  # isolation level -> submissions graded under it

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for m, mistake in zip(d["mistakes"], self.mistakes):
            m["count"] = mistake.count
        return d


def class_stats(entries: Sequence[Entry], hints: Mapping[str, str] | None = None) -> Stats:
    """`hints`: each diagnosis key's hint, from the parts' specs (keys without one show as the key)."""
    entries = sorted(entries, key=lambda e: e.name)
    return Stats(
        overview(entries),
        check_rates(entries),
        mistakes(entries, hints or {}),
        undiagnosed(entries),
        speeds(entries),
        flags(entries),
        dict(sorted(_count(e.result.sandbox for e in entries).items())),
    )


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def overview(entries: Sequence[Entry]) -> Overview:
    totals = tuple(e.result.score for e in entries)
    parts: dict[str, tuple[float, list[float]]] = {}
    for e in entries:
        for p in e.result.parts:
            best, scores = parts.setdefault(p.part, (p.max_score, []))
            parts[p.part] = (max(best, p.max_score), scores)
    for e in entries:
        have = {p.part: p.score for p in e.result.parts}
        for name, (_, scores) in parts.items():
            scores.append(have.get(name, 0.0))
    max_score = max((e.result.max_score for e in entries), default=0.0)
    return Overview(
        len(entries),
        max_score,
        totals,
        Summary.of(totals),
        tuple(e.final for e in entries),
        tuple(PartScores(name, best, tuple(scores), Summary.of(scores)) for name, (best, scores) in parts.items()),
    )


def check_rates(entries: Sequence[Entry]) -> tuple[CheckRate, ...]:
    """Per check, across the class, hardest (lowest pass rate) first; hidden checks included."""
    seen: dict[str, CheckResult] = {}
    outcomes: dict[str, list[str]] = {}
    for e in entries:
        for c in e.result.checks:
            seen.setdefault(c.id, c)
            outcomes.setdefault(c.id, []).append(c.outcome)
    rates = []
    for cid, c in seen.items():
        got = outcomes[cid]
        passed = got.count("passed")
        failed = sum(o in FAILING for o in got)
        rates.append(
            CheckRate(cid, c.part, c.name, c.kind, c.visibility, c.max_score, len(got), passed, failed, len(got) - passed - failed, round(passed / len(got), 6))
        )
    return tuple(sorted(rates, key=lambda r: (r.rate, -r.failed, r.part, r.id)))


def _diagnosable(entry: Entry) -> list[CheckResult]:
    """Failing checks that speak of the code's values: not timing (see Speed), not a part that
    could not be graded at all, nor a submission that was stopped (see Flags)."""
    if entry.status != "graded":
        return []
    broken = {p.part for p in entry.result.parts if p.error}
    return [c for c in entry.result.checks if c.outcome in FAILING and c.kind != "timing" and c.part not in broken]


def diagnoses(check: CheckResult) -> list[str]:
    """The keys of the mistakes a check names; for a row stored before checks carried them, the
    hint texts of its "likely mistake:" lines stand for the keys."""
    if check.mistakes:
        return list(check.mistakes)
    return [line[len(MISTAKE) :].strip() for line in check.message.splitlines() if line.startswith(MISTAKE)]


def mistakes(entries: Sequence[Entry], hints: Mapping[str, str]) -> tuple[Mistake, ...]:
    """Per named mistake: the submissions that made it (once each however many checks show it), most common first."""
    found: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for e in entries:
        for c in _diagnosable(e):
            for key in diagnoses(c):
                parts, checks, who = found.setdefault(key, (set(), set(), set()))
                parts.add(c.part)
                checks.add(c.name)
                who.add(e.name)
    out = [Mistake(key, hints.get(key, key), tuple(sorted(p)), tuple(sorted(c)), tuple(sorted(w))) for key, (p, c, w) in found.items()]
    return tuple(sorted(out, key=lambda m: (-m.count, m.key)))


def inputs_key(check: CheckResult) -> str:
    ce = check.counterexample
    if ce is None:
        return HIDDEN_INPUTS if check.visibility == "hidden" else "no input (the check fails on any)"
    shapes = ", ".join(f"{k} {tuple(v)}" for k, v in sorted(ce.shapes.items()))
    params = ", ".join(f"{k}={v!r}" for k, v in sorted(ce.params.items()))
    return "; ".join(x for x in (shapes, params) if x)


def undiagnosed(entries: Sequence[Entry]) -> tuple[Undiagnosed, ...]:
    """Failures without a named mistake, grouped by check and the shrunk input's shape: the
    mistakes the grader does not name yet. A hidden check carries no diagnosis and no input, so its
    failure is listed only where none of the same function's public checks failed: the code is
    wrong only on inputs the public checks did not try."""
    groups: dict[tuple[str, str], tuple[CheckResult, list[str]]] = {}
    for e in entries:
        failing = _diagnosable(e)
        public = {c.function for c in failing if c.visibility == "public"}
        for c in failing:
            if diagnoses(c) or (c.visibility == "hidden" and c.function in public):
                continue
            groups.setdefault((c.id, inputs_key(c)), (c, []))[1].append(e.name)
    out = [Undiagnosed(c.id, c.part, c.name, key, tuple(who)) for (_, key), (c, who) in groups.items()]
    return tuple(sorted(out, key=lambda u: (-len(u.submissions), u.part, u.check, u.inputs)))


def speeds(entries: Sequence[Entry]) -> tuple[Speed, ...]:
    """Per timed function: every measured student/reference ratio and its limit. Only passed and
    failed timing checks count: a skipped one was not timed (the function was wrong), an error
    was zeroed for another reason (a forbidden import, a grader error), and a check stored without
    a ratio (a row written before checks carried one) has none to show."""
    rows: dict[str, tuple[CheckResult, float, list[Ratio]]] = {}
    for e in entries:
        for c in e.result.checks:
            if c.kind != "timing" or c.outcome not in ("passed", "failed") or c.timing is None:
                continue
            t = c.timing
            rows.setdefault(c.id, (c, t.limit, []))[2].append(Ratio(e.name, t.ratio, t.at_least, c.outcome))
    out = []
    for cid, (c, limit, ratios) in rows.items():
        measured = [r.ratio for r in ratios if r.ratio is not None]
        over = sum(r.outcome != "passed" for r in ratios)
        out.append(Speed(cid, c.part, c.function, limit, tuple(ratios), over, Summary.of(measured)))
    return tuple(sorted(out, key=lambda s: (s.part, s.check)))


def flags(entries: Sequence[Entry]) -> tuple[FlagRow, ...]:
    rows: list[FlagRow] = []
    for e in entries:
        if e.status != "graded":
            rows.append(FlagRow(e.name, e.status, _first_line(e.error) or e.status))
        for p in e.result.parts:
            if p.error and e.status == "graded":
                kind = "forbidden-import" if FORBIDDEN_NOTE in p.error else "part-error"
                rows.append(FlagRow(e.name, kind, _first_line(p.error)))
        if e.result.sandbox != "bwrap+seccomp":
            rows.append(FlagRow(e.name, "sandbox", f"graded under {e.result.sandbox or 'an unrecorded isolation level'}"))
        c = e.collected
        if c.late_seconds > 0:
            rows.append(FlagRow(e.name, "late", f"{c.late_text()} late; penalty {e.penalty:g} ({c.late_policy or 'no policy recorded'})"))
        rows += [FlagRow(e.name, f.kind, f.text) for f in c.flags if f.kind != "late"]
    return tuple(rows)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""
