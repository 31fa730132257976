"""The course's assignment parts, in the order they are graded and reported."""

from __future__ import annotations

from grader.parts.conv import CONV
from grader.parts.conv1d import CONV1D
from grader.parts.lstm import LSTM
from grader.parts.pooling import POOLING
from grader.parts.residual import RESIDUAL
from grader.parts.rnn import RNN
from grader.parts.seq2seq import SEQ2SEQ
from grader.parts.shapes import SHAPES
from grader.spec import PartSpec

PARTS: tuple[PartSpec, ...] = (SHAPES, CONV1D, CONV, POOLING, RNN, LSTM, SEQ2SEQ, RESIDUAL)
BY_NAME: dict[str, PartSpec] = {p.name: p for p in PARTS}


def select(names: list[str] | None) -> tuple[PartSpec, ...]:
    """The parts named (in course order), or all of them; an unknown name raises KeyError."""
    if not names:
        return PARTS
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise KeyError(f"unknown part(s) {', '.join(unknown)}; the parts are {', '.join(BY_NAME)}")
    return tuple(p for p in PARTS if p.name in names)
