"""The one result model: every report (terminal, Gradescope, JUnit, CSV, CI summary) renders it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from grader.text import clean_line, clean_output

Outcome = Literal["passed", "failed", "error", "skipped"]
Kind = Literal["forward", "backward", "gradcheck", "example", "contract", "timing", "training"]
Visibility = Literal["public", "hidden"]


@dataclass(frozen=True)
class Counterexample:
    """The smallest failing input, as data: a one-line summary plus named parameters and shapes."""

    summary: str
    params: dict[str, Any] = field(default_factory=dict)
    shapes: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class TimeRatio:
    """A timing check's measurement as data: the student's time over the reference's, and the limit."""

    limit: float
    ratio: float | None = None  # None: no ratio (the function failed on the benchmark input)
    at_least: bool = False  # the call was stopped before it finished: `ratio` is a lower bound


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """One graded check of one student function.

    `id` is the check's stable key (`part/function/kind/inputs`, see grader.engine.plan); `name`
    is its label for people. `message` is the whole feedback text; its first line is the
    headline the tables show. `counterexample` is None for hidden checks, whose inputs are
    never shown. `timing` is a timing check's ratio and limit (None for other kinds, and for hidden
    checks once redacted); `mistakes`, the keys of the named mistakes (none on hidden checks).
    """

    id: str
    part: str
    name: str
    function: str
    kind: Kind
    visibility: Visibility
    outcome: Outcome
    score: float
    max_score: float
    message: str
    counterexample: Counterexample | None = None
    seconds: float = 0.0
    output: str = ""  # what the student's code printed during this check; `check` only, never hidden
    timing: TimeRatio | None = None
    # The keys of the spec-declared mistakes its feedback names ("conv-kernel-flipped"), so a class
    # report counts mistakes by id; the hints are the feedback's "likely mistake:" lines.
    mistakes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Messages quote student exceptions and values: cleaned here, once, for every renderer.
        object.__setattr__(self, "message", clean_output(self.message))
        object.__setattr__(self, "output", clean_output(self.output))

    @property
    def headline(self) -> str:
        return self.message.splitlines()[0] if self.message else ""


@dataclass(frozen=True)
class PartResult:
    part: str
    checks: tuple[CheckResult, ...]
    error: str | None = None  # the module did not import: its checks all score zero

    def __post_init__(self) -> None:
        if self.error is not None:
            object.__setattr__(self, "error", clean_output(self.error))

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.checks), 6)


@dataclass(frozen=True)
class SubmissionResult:
    """Everything graded for one submission, plus how it was graded."""

    submission: str
    parts: tuple[PartResult, ...]
    device: str
    sandbox: str
    seconds: float
    stdout: str = ""  # what the student's code printed, capped and stripped; shown, never parsed
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "submission", clean_line(self.submission, 200))
        object.__setattr__(self, "stdout", clean_output(self.stdout))
        object.__setattr__(self, "warnings", tuple(clean_output(w) for w in self.warnings))

    @property
    def score(self) -> float:
        return round(sum(p.score for p in self.parts), 6)

    @property
    def max_score(self) -> float:
        return round(sum(p.max_score for p in self.parts), 6)

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for p in self.parts for c in p.checks)

    def part(self, name: str) -> PartResult:
        for p in self.parts:
            if p.part == name:
                return p
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> SubmissionResult:
        parts = tuple(
            PartResult(
                part=p["part"],
                error=p.get("error"),
                checks=tuple(
                    CheckResult(
                        **{
                            # Results stored before checks had ids: the label, marked as such.
                            "id": f"{p['part']}/label:{c['name']}",
                            **c,
                            "counterexample": Counterexample(**c["counterexample"]) if c.get("counterexample") else None,
                            # Results stored before checks carried their ratio: none.
                            "timing": TimeRatio(**c["timing"]) if c.get("timing") else None,
                            "mistakes": tuple(c.get("mistakes", ())),
                        }
                    )
                    for c in p["checks"]
                ),
            )
            for p in d["parts"]
        )
        return SubmissionResult(
            submission=d["submission"],
            parts=parts,
            device=d["device"],
            sandbox=d["sandbox"],
            seconds=d["seconds"],
            stdout=d.get("stdout", ""),
            warnings=tuple(d.get("warnings", ())),
        )
