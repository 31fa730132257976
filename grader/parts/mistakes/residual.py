"""The classic mistakes of a residual block (grader/parts/residual.py): out = relu(f + shortcut)."""

from __future__ import annotations

import re

import numpy as np
import torch
import torch.nn.functional as F

from grader.spec import Case, Diagnosis, Seen, Signature
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


def _shapes(error: str) -> set[tuple[int, ...]]:
    """The 4-d shapes an error names: numpy's "(1,4,4,4) (1,4,2,2)", or the student's own words."""
    return {tuple(int(v) for v in m) for m in re.findall(r"\((\d+),\s*(\d+),\s*(\d+),\s*(\d+)\)", error)}


def _projection_at_stride_one(seen: Seen) -> bool:
    """f + shortcut failed between the right output and the 1x1 projection run at stride 1."""
    x, ws = seen.case.get("x"), seen.case.get("ws")
    want = seen.expected.shape
    at_one = (want[0], want[1], *x.shape[2:])
    return ws is not None and at_one != want and {want, at_one} <= _shapes(seen.error)


def _projection_broadcast_at_stride_one(seen: Seen) -> bool:
    """No error, because numpy broadcast the strided branch (one row or column) against an
    unstrided shortcut: the output has x's own size where the stride should have shrunk it."""
    x, ws = seen.case.get("x"), seen.case.get("ws")
    want = seen.expected.shape
    return ws is not None and seen.actual.shape == (want[0], want[1], *x.shape[2:]) != want


def _second_conv_unpadded(seen: Seen) -> bool:
    """f + shortcut failed between the right output and a second conv run without padding; or
    the call raised on a case whose second kernel is larger than the branch's map (only an
    unpadded second conv meets that) while the first kernel fits x unpadded."""
    k1, k2 = seen.case.get("w1").shape[2:], seen.case.get("w2").shape[2:]
    want, hw = seen.expected.shape, seen.case.get("x").shape[2:]
    unpadded = (want[0], want[1], want[2] - k2[0] + 1, want[3] - k2[1] + 1)
    if unpadded != want and {want, unpadded} <= _shapes(seen.error):
        return True
    overhangs = k2[0] > want[2] or k2[1] > want[3]
    return bool(seen.error) and overhangs and k1[0] <= hw[0] and k1[1] <= hw[1]


FORWARD = "residual_block_forward"
PROJECTION_AT_STRIDE_ONE = (
    "your 1x1 projection runs at stride 1, so the shortcut keeps x's size while the branch is strided: "
    "the projection takes the block's stride, shortcut = conv(x, ws, bs, stride, pad 0)"
)

RESIDUAL_MISTAKES: tuple[Diagnosis | Signature, ...] = (
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
    Signature(
        key="residual-projection-ignores-stride",
        function=FORWARD,
        on_error=True,
        hint=PROJECTION_AT_STRIDE_ONE,
        matches=_projection_at_stride_one,
    ),
    Signature(
        key="residual-projection-ignores-stride",
        function=FORWARD,
        hint=PROJECTION_AT_STRIDE_ONE,
        matches=_projection_broadcast_at_stride_one,
    ),
    Signature(
        key="residual-second-conv-unpadded",
        function=FORWARD,
        on_error=True,
        hint="your second convolution has no padding, so the branch comes out smaller than the shortcut (or its kernel does not fit the map at all): both convolutions pad by (KH // 2, KW // 2) to keep the size",
        matches=_second_conv_unpadded,
    ),
)
