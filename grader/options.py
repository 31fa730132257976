"""How to grade: the options every layer reads, with no dependency on any of them.

`GradeOptions` is what a verb asks for (which checks, which seed, where the references run);
`Limits` bounds one sandboxed worker. The batch, the fingerprint and the Gradescope runner read
them without importing the engine or the worker stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from grader.results import Visibility

Device = Literal["auto", "cpu", "cuda"]
SandboxChoice = Literal["auto", "bwrap", "process"]


@dataclass(frozen=True)
class Limits:
    """Per-worker resource limits; `call_seconds` is the default wall-clock limit of one call."""

    memory_bytes: int = 3 << 30
    cpu_seconds: int = 900
    file_bytes: int = 16 << 20
    call_seconds: float = 10.0
    output_bytes: int = 64 << 10
    nproc: int = 64  # applied only where each worker has a uid of its own (see grader.sandbox.launch)
    seccomp: bool = True
    reply_bytes: int = 1 << 28


@dataclass(frozen=True)
class GradeOptions:
    """How to grade. `visibility` is ("public",) for `check` and both for `grade`."""

    visibility: tuple[Visibility, ...] = ("public",)
    hidden_seed: int = 0
    timing: bool = True
    device: Device = "auto"
    limits: Limits = Limits()
    search_budget_seconds: float = 30.0
    examples_scale: float = 1.0  # multiplies every layer's example counts (tests may lower it)
    sandbox: SandboxChoice = "auto"
    work_dir: Path | None = None
    # `check` only: keep what the student's code printed during each public check. `grade` never
    # does: its feedback leaves printed output out, as hidden checks share the submission.
    check_output_bytes: int = 0
    repro_dir: Path | None = None  # `check --repro`: write each failing public case here (grader.engine.repro)
    # An assignment's points: (part, total) pairs; that part's checks are scaled to sum to the
    # total (grader.engine.plan). Parts not named keep their spec's points.
    part_points: tuple[tuple[str, float], ...] = ()
    # Groups of parts graded at once, each in a forked process (grader.engine.parallel): for one
    # submission graded alone; a batch grades several submissions at once instead. Never changes
    # a result, so it is not part of the gradebook's fingerprint.
    part_jobs: int = 1
