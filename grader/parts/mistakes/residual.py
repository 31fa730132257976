"""The classic mistakes of a residual block (grader/parts/residual.py): out = relu(f + shortcut)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from grader.spec import Case, Diagnosis
from reference.autograd import pair, traced


def _block(case: Case, mode: str):
    """The block's forward as a mistaken code computes it, traced for its gradients.

    "no-relu": f + shortcut; "relu-first": relu(f) + shortcut; "unmasked-skip": the right
    value, but the shortcut's gradient is dout itself (not masked by the final ReLU)."""
    x, w1, b1, w2, b2, ws, bs, stride = case.args()

    def block(x: torch.Tensor, w1, b1, w2, b2, ws, bs) -> torch.Tensor:
        h = F.relu(F.conv2d(x, w1, b1, stride=pair(stride), padding=(w1.shape[2] // 2, w1.shape[3] // 2)))
        f = F.conv2d(h, w2, b2, padding=(w2.shape[2] // 2, w2.shape[3] // 2))
        shortcut = x if ws is None else F.conv2d(x, ws, bs, stride=pair(stride))
        if mode == "no-relu":
            return f + shortcut
        if mode == "relu-first":
            return F.relu(f) + shortcut
        # unmasked-skip: the value of relu(f + s), with s's gradient passed through unmasked
        return F.relu(f + shortcut.detach()) + shortcut - shortcut.detach()

    return traced(block, (x, w1, b1, w2, b2, ws, bs))


def _forward(mode: str):
    return lambda case, dout: _block(case, mode)[0]


def _unmasked_skip_dx(case: Case, dout: np.ndarray) -> np.ndarray | None:
    if case.get("ws") is not None:  # a projection's gradient is not this mistake's to predict
        return None
    return _block(case, "unmasked-skip")[1].grads(dout)[0]


FORWARD = "residual_block_forward"

RESIDUAL_MISTAKES: tuple[Diagnosis, ...] = (
    Diagnosis(
        key="residual-no-final-relu",
        function=FORWARD,
        hint="your output is f + shortcut with no ReLU; the block ends with one: out = relu(f + shortcut)",
        variant=_forward("no-relu"),
    ),
    Diagnosis(
        key="residual-relu-before-add",
        function=FORWARD,
        hint="your output is relu(f) + shortcut; the ReLU comes after the addition: out = relu(f + shortcut)",
        variant=_forward("relu-first"),
    ),
    Diagnosis(
        key="residual-skip-grad-unmasked",
        function="residual_block_backward",
        output=0,
        hint="your dx adds dout itself for the shortcut; the shortcut feeds the final ReLU too, so it gets dz = dout * (f + shortcut > 0), the same masked gradient as the branch",
        variant=_unmasked_skip_dx,
    ),
)
