"""The parts this tree grades, in the order they are graded and reported.

`cli.py release` writes its own copy of this file naming only the released assignment's parts
(`grader.release.tree.registry_source`); a test keeps this one equal to that rendering of every
part, so adding a part here is all a release needs.
"""

from __future__ import annotations

from grader.parts.conv import CONV
from grader.parts.conv1d import CONV1D
from grader.parts.lenet import LENET
from grader.parts.lstm import LSTM
from grader.parts.pooling import POOLING
from grader.parts.residual import RESIDUAL
from grader.parts.rnn import RNN
from grader.parts.seq2seq import SEQ2SEQ
from grader.parts.shapes import SHAPES
from grader.parts.transformer import TRANSFORMER
from grader.spec import PartSpec

PARTS: tuple[PartSpec, ...] = (SHAPES, CONV1D, CONV, POOLING, RNN, LSTM, SEQ2SEQ, RESIDUAL, LENET, TRANSFORMER)
