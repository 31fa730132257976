"""A toy part for the engine's multi-output paths: a layer with two outputs (and two upstream
gradients) and a loss with an integer target and a boolean mask, plus the student sources."""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import torch
from hypothesis import strategies as st

from grader.compare import Tolerance
from grader.spec import Case, Diagnosis, Layer, PartSpec, Points, Timing
from reference import device
from reference.autograd import traced

MODULE = "twoouts"
SPLIT_ARGS = ("x", "w")
LOSS_ARGS = ("scores", "y", "mask")


def _split(x, w):
    return x @ w, torch.sin(x) * 2


def split_forward(x, w):
    (p, q), tape = traced(_split, (x, w))
    return p, q, tape


def split_backward(dp, dq, cache):
    return cache.grads(dp, dq)


def pick_loss(scores, y, mask):
    """loss = -sum over counted rows of log_softmax(scores)[y] / N, and its gradient."""
    s = device.tensor(scores, grad=True)
    logp = torch.log_softmax(s, dim=1).gather(1, device.exact(y)[:, None])[:, 0]
    loss = -(logp * device.exact(mask)).sum() / scores.shape[0]
    (ds,) = torch.autograd.grad(loss, [s])
    return float(loss.detach()), device.numpy(ds)


REFERENCE = ModuleType("toy_reference")
REFERENCE.split_forward = split_forward  # type: ignore[attr-defined]
REFERENCE.split_backward = split_backward  # type: ignore[attr-defined]
REFERENCE.pick_loss = pick_loss  # type: ignore[attr-defined]


@st.composite
def split_cases(draw: st.DrawFn, scale: str) -> Case:
    n, d, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return Case(SPLIT_ARGS, (rng.standard_normal((n, d)), rng.standard_normal((d, m))), seed)


@st.composite
def loss_cases(draw: st.DrawFn, scale: str) -> Case:
    n, v = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return Case(LOSS_ARGS, (rng.standard_normal((n, v)), rng.integers(0, v, n), rng.random(n) < 0.7), seed)


def _q_without_the_two(case: Case, dout: object) -> np.ndarray:
    return np.sin(case.get("x"))


FEW = {"public": 6, "hidden": 0, "grad": 2}
TOY = PartSpec(
    name="toy",
    module=MODULE,
    reference=REFERENCE,
    layers=(
        Layer(
            forward="split_forward",
            backward="split_backward",
            arrays=SPLIT_ARGS,
            outputs=("p", "q"),
            cases=split_cases,
            points=Points(forward=1, backward=1, gradcheck=1, contract=1, timing_forward=1, timing_backward=1),
            tol=Tolerance(1e-9, 1e-11),
            sample=lambda rng: Case(SPLIT_ARGS, (rng.standard_normal((2, 3)), rng.standard_normal((3, 2)))),
            timing=Timing(benchmark=lambda rng: Case(SPLIT_ARGS, (rng.standard_normal((64, 32)), rng.standard_normal((32, 16)))), max_ratio=1000.0, repeats=2),
            examples=FEW,
        ),
        Layer(
            forward="pick_loss",
            backward=None,
            arrays=("scores",),
            no_grad=("y", "mask"),
            outputs=("loss", "dscores"),
            scalars=("loss",),
            returns_cache=False,
            cases=loss_cases,
            points=Points(forward=1, contract=1, timing_forward=1),
            tol=Tolerance(1e-9, 1e-11),
            sample=lambda rng: Case(LOSS_ARGS, (rng.standard_normal((3, 4)), np.array([0, 3, 1]), np.array([True, False, True]))),
            timing=Timing(benchmark=lambda rng: Case(LOSS_ARGS, (rng.standard_normal((64, 8)), rng.integers(0, 8, 64), rng.random(64) < 0.5)), max_ratio=1000.0, repeats=2),
            examples=FEW,
        ),
    ),
    diagnoses=(Diagnosis(key="split-q-without-the-two", function="split_forward", hint="q lost its factor 2", variant=_q_without_the_two, forward_output=1),),
)

STUDENT = '''import numpy as np


def split_forward(x, w):
    return x @ w, np.sin(x) * 2, (x, w)


def split_backward(dp, dq, cache):
    x, w = cache
    return dp @ w.T + dq * 2 * np.cos(x), x.T @ dp


def pick_loss(scores, y, mask):
    assert y.dtype.kind == "i" and mask.dtype == bool, (y.dtype, mask.dtype)
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -(logp[np.arange(n), y] * mask).sum() / n
    dscores = np.exp(logp)
    dscores[np.arange(n), y] -= 1
    return loss, dscores * mask[:, None] / n
'''


def student(root: Path, source: str = STUDENT) -> Path:
    """A submission folder holding assignments/twoouts.py with `source`."""
    (root / "assignments").mkdir(parents=True)
    (root / "assignments" / "__init__.py").write_text("")
    (root / "assignments" / f"{MODULE}.py").write_text(source)
    return root
