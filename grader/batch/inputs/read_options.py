"""What a batch asks of the reader of one input, sent to the bounded child as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grader.batch.collect.pushes import Push, from_wire, to_wire


@dataclass(frozen=True)
class ReadOptions:
    """`due` and `late_until` (ISO 8601) pick a git repository's commit: the last pushed (with
    `pushes`, the forge's log) or committed (without) at or before `due`, else the last before
    `late_until`. `snapshot`: hash every file too, for the tamper check."""

    due: str | None = None
    late_until: str | None = None
    pushes: tuple[Push, ...] | None = None
    snapshot: bool = False

    @staticmethod
    def deadline(deadline: str | None) -> ReadOptions:
        """The last commit by `deadline`, none after it: `--deadline` without a course's late policy."""
        return ReadOptions(deadline, deadline)

    def to_wire(self) -> dict[str, Any]:
        pushes = None if self.pushes is None else to_wire(self.pushes)
        return {"due": self.due, "late_until": self.late_until, "pushes": pushes, "snapshot": self.snapshot}

    @staticmethod
    def from_wire(d: Mapping[str, Any]) -> ReadOptions:
        pushes = None if d.get("pushes") is None else from_wire(d["pushes"])
        return ReadOptions(d.get("due"), d.get("late_until"), pushes, bool(d.get("snapshot")))
