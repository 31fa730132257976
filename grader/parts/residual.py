"""A residual block: out = relu(conv(relu(conv(x))) + shortcut), identity or 1x1 projection shortcut."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

import reference.residual
from grader.compare import Tolerance
from grader.parts.mistakes.residual import RESIDUAL_MISTAKES
from grader.parts.strategies.residual import residual_case, residual_cases
from grader.spec import Case, Diagnosis, Layer, PartSpec, Points, Timing
from reference.autograd import pair, traced


def _sample(rng: np.random.Generator) -> Case:
    return residual_case(rng, 2, 3, 4, 7, 6, (3, 3), (3, 1), 2, projection=True)


def _benchmark(rng: np.random.Generator) -> Case:
    return residual_case(rng, 8, 16, 16, 32, 32, (3, 3), (3, 3), 1, projection=False)


def _without_skip_grad(output: int):
    """The gradients of a block whose shortcut passes no gradient back to x (the mistake)."""

    def variant(case: Case, dout: np.ndarray) -> np.ndarray:
        x, w1, b1, w2, b2, ws, bs, stride = case.args()

        def block(x, w1, b1, w2, b2, ws, bs):
            h = F.relu(F.conv2d(x, w1, b1, stride=pair(stride), padding=(w1.shape[2] // 2, w1.shape[3] // 2)))
            f = F.conv2d(h, w2, b2, padding=(w2.shape[2] // 2, w2.shape[3] // 2))
            shortcut = x.detach() if ws is None else F.conv2d(x.detach(), ws, bs, stride=pair(stride))
            return F.relu(f + shortcut)

        _, tape = traced(block, (x, w1, b1, w2, b2, ws, bs))
        return tape.grads(dout)[output]

    return variant


RESIDUAL = PartSpec(
    name="residual",
    module="residual",
    reference=reference.residual,
    seed=505,
    layers=(
        Layer(
            forward="residual_block_forward",
            backward="residual_block_backward",
            arrays=("x", "w1", "b1", "w2", "b2", "ws", "bs"),
            cases=residual_cases,
            points=Points(forward=4, backward=6, hidden_forward=2, hidden_backward=2, gradcheck=2, contract=1, timing_forward=1.5, timing_backward=1.5),
            tol=Tolerance(rtol=1e-6, atol=1e-8),
            sample=_sample,
            timing=Timing(benchmark=_benchmark, max_ratio=20.0),
        ),
    ),
    diagnoses=(
        Diagnosis(
            key="residual-missing-skip-grad",
            function="residual_block_backward",
            hint="your dx leaves out the shortcut's gradient: out = relu(f + shortcut) sends dout through the skip connection to x as well",
            variant=_without_skip_grad(0),
            output=0,
        ),
        *RESIDUAL_MISTAKES,
    ),
)
