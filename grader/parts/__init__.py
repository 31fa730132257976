"""The course's assignment parts, in the order they are graded and reported (see `registry`)."""

from __future__ import annotations

from grader.parts.registry import PARTS
from grader.spec import PartSpec

BY_NAME: dict[str, PartSpec] = {p.name: p for p in PARTS}


def select(names: list[str] | None) -> tuple[PartSpec, ...]:
    """The parts named (in course order), or all of them; an unknown name raises KeyError."""
    if not names:
        return PARTS
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise KeyError(f"unknown part(s) {', '.join(unknown)}; the parts are {', '.join(BY_NAME)}")
    return tuple(p for p in PARTS if p.name in names)
