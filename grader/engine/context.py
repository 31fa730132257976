"""What every check needs: the worker, the part, the options; and what a check returns."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Literal

from grader.engine.calls import StudentLayer
from grader.options import GradeOptions
from grader.results import Counterexample, TimeRatio
from grader.sandbox.client import Worker
from grader.spec import Layer, PartSpec, Scale

VerdictOutcome = Literal["passed", "failed", "error", "skipped"]


@dataclass(frozen=True)
class Verdict:
    outcome: VerdictOutcome
    message: str
    counterexample: Counterexample | None = None
    timing: TimeRatio | None = None
    mistakes: tuple[str, ...] = ()  # the keys of the declared mistakes the feedback names


@dataclass
class CaseFailure:
    """One failing case: its text, and what the diagnoses need to explain it."""

    text: str
    function: str
    output: int | None = None  # None: the forward's output `forward_output`; k: the backward's k-th gradient
    actual: Any = None
    expected: Any = None
    dout: Any = None  # the upstream gradient; a tuple of them for a layer with several outputs
    traceback: str = ""
    input_free: bool = False
    forward_output: int = 0


@dataclass
class Ctx:
    worker: Worker
    part: PartSpec
    options: GradeOptions

    def student(self, layer: Layer) -> StudentLayer:
        return StudentLayer(self.worker, self.part, layer)

    def seed(self, name: str, hidden: bool) -> int:
        """The seed of one check's draws. XOR, not np.random.SeedSequence, on purpose: mixing with
        SeedSequence redraws every case, and with it the hostile suite's correct_only_on_small_inputs
        loses its public max_pool2d_forward check (3 checks differ; every solution, seeded bug and
        example scores the same). Grades must not move in a refactor; change it with a regrade."""
        base = zlib.crc32(f"{self.part.name}/{name}".encode()) ^ self.part.seed
        return (base ^ (self.options.hidden_seed * 2654435761)) % 2**32 if hidden else base

    def examples(self, layer: Layer, scale: Scale) -> int:
        return max(1, round(layer.examples.get(scale, 0) * self.options.examples_scale))
