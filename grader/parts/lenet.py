"""LeNet end to end: an affine layer, the mean softmax cross-entropy, a LeNet built from the
student's own conv.py and pooling.py, and a training check on handwritten digits."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

import reference.lenet
from grader.compare import Tolerance
from grader.parts.digits import digits, initial_weights
from grader.parts.strategies import SEEDS
from grader.spec import Case, Diagnosis, Example, Layer, PartSpec, Points, Scale, Timing, Training, arg_names
from reference.autograd import traced

AFFINE_ARGS = arg_names(reference.lenet.affine_forward)
LOSS_ARGS = arg_names(reference.lenet.softmax_loss)
ARGS = arg_names(reference.lenet.lenet_forward)
TOL = Tolerance(rtol=1e-6, atol=1e-8)
SAMPLES: dict[Scale, int] = {"public": 2, "hidden": 4, "grad": 2}
SIDE: dict[Scale, int] = {"public": 8, "hidden": 12, "grad": 6}  # the input's height and width, at most
WIDTH: dict[Scale, int] = {"public": 3, "hidden": 6, "grad": 2}  # channels and hidden units, at most
LARGE = 1000.0  # scores this large overflow a naive exp (exp(710) is inf)


@st.composite
def affine_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """x of 2 to 4 dimensions (a vector, or feature maps to flatten)."""
    n = draw(st.integers(1, SAMPLES[scale] + 1))
    dims = draw(st.lists(st.integers(1, WIDTH[scale] + 1), min_size=1, max_size=3))
    m = draw(st.integers(1, WIDTH[scale] + 1))
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    d = int(np.prod(dims))
    return Case(AFFINE_ARGS, (rng.standard_normal((n, *dims)), rng.standard_normal((d, m)), rng.standard_normal(m)), seed)


def loss_case(rng: np.random.Generator, n: int, k: int, shift: float = 0.0, seed: int = 0) -> Case:
    return Case(LOSS_ARGS, (rng.standard_normal((n, k)) * 3 + shift, rng.integers(0, k, n)), seed)


@st.composite
def loss_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Scores near 0 or near +-LARGE (softmax does not move; a naive exp overflows)."""
    n, k = draw(st.integers(1, SAMPLES[scale] + 2)), draw(st.integers(1, WIDTH[scale] + 2))
    shift = draw(st.sampled_from([0.0, LARGE, -LARGE]))
    seed = draw(SEEDS)
    return loss_case(np.random.default_rng(seed), n, k, shift, seed)


def pooled(size: int, k1: int, k2: int) -> int:
    """The side after conv(K1, pad K1 // 2), pool, conv(K2), pool: 0 when it does not fit."""
    return max(0, ((size + 2 * (k1 // 2) - k1 + 1) // 2 - k2 + 1) // 2)


def lenet_case(rng: np.random.Generator, n: int, c: int, h: int, w: int, k1: int, k2: int, widths: tuple[int, ...], seed: int = 0) -> Case:
    """Weights scaled by 1/sqrt(fan_in), so every tanh stays out of saturation."""
    c1, c2, h3, h4, k = widths
    flat = c2 * pooled(h, k1, k2) * pooled(w, k1, k2)

    def weight(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape) / np.sqrt(np.prod(shape[1:]) if len(shape) == 4 else shape[0])

    def bias(m: int) -> np.ndarray:
        return rng.standard_normal(m) * 0.1

    params = (weight(c1, c, k1, k1), bias(c1), weight(c2, c1, k2, k2), bias(c2), weight(flat, h3), bias(h3), weight(h3, h4), bias(h4), weight(h4, k), bias(k))
    return Case(ARGS, (rng.standard_normal((n, c, h, w)), *params), seed)


@st.composite
def lenet_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Kernels of 1 to 3 (2: an even first kernel grows the map by one), maps that fit both blocks."""
    k1, k2 = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    least = next(s for s in range(2, 40) if pooled(s, k1, k2) >= 1)
    h, w = (draw(st.integers(least, max(least, SIDE[scale]))) for _ in range(2))
    n, c = draw(st.integers(1, SAMPLES[scale])), draw(st.integers(1, 2))
    widths = tuple(draw(st.integers(1, WIDTH[scale])) for _ in range(4)) + (draw(st.integers(2, WIDTH[scale] + 1)),)
    seed = draw(SEEDS)
    return lenet_case(np.random.default_rng(seed), n, c, h, w, k1, k2, widths, seed)


class _TanhTwice(torch.autograd.Function):
    """tanh forward; backward through 1 - tanh(h)**2 with h the OUTPUT (the mistake)."""

    @staticmethod
    def forward(ctx: Any, z: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(z)
        ctx.save_for_backward(h)
        return h

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (h,) = ctx.saved_tensors
        return grad * (1 - torch.tanh(h) ** 2)


def _tanh_of_output(output: int):
    def variant(case: Case, dout: Any) -> Any:
        _, tape = traced(lambda *t: reference.lenet.network(*t, act=_TanhTwice.apply), case.values)
        return tape.grads(dout)[output]

    return variant


def _samples_mixed(case: Case, dout: Any) -> np.ndarray:
    """The scores with a2 transposed to (C2, N, H2, W2) before the reshape to (N, -1)."""
    out, _ = traced(lambda *t: reference.lenet.network(*t, flatten=lambda a: a.transpose(0, 1).reshape(a.shape[0], -1)), case.values)
    return out


def _dscores_not_averaged(case: Case, dout: Any) -> np.ndarray:
    return reference.lenet.softmax_loss(*case.args())[1] * case.get("scores").shape[0]


def _benchmark(rng: np.random.Generator) -> Case:
    # Two training minibatches of the digits network: 32 images of 8x8, 3x3 kernels, 4 and 32 channels.
    return lenet_case(rng, 32, 1, 8, 8, 3, 3, (4, 32, 64, 32, 10))


TRAINING = Training(
    key="digits",
    network="lenet_forward",
    loss="softmax_loss",
    data=digits,
    init=initial_weights,
    seed=2,
    steps=200,
    batch_size=16,
    lr=0.6,
    # Correct float64 solutions stay within ~1e-13 of the reference over the whole run (measured:
    # docs/authoring.md, "Training"); every seeded bug is off by more than 1e-2 by step 1.
    loss_tol=Tolerance(rtol=1e-6, atol=1e-7),
    min_accuracy=0.95,
    points=5,
    note="scikit-learn's 8x8 digits (pixels / 16, no padding) into a LeNet of 3x3 kernels with 4 and 32 channels, 64 and 32 hidden units",
)

LENET = PartSpec(
    name="lenet",
    module="lenet",
    reference=reference.lenet,
    seed=1313,
    builds_on=("conv", "pooling"),
    training=TRAINING,
    layers=(
        Layer(
            forward="affine_forward",
            backward="affine_backward",
            arrays=AFFINE_ARGS,
            cases=affine_cases,
            points=Points(forward=1.5, backward=2, hidden_forward=0.5, hidden_backward=0.5, gradcheck=0.5, contract=0.5),
            tol=TOL,
            sample=lambda rng: Case(AFFINE_ARGS, (rng.standard_normal((3, 2, 2, 2)), rng.standard_normal((8, 5)), rng.standard_normal(5))),
            examples={"public": 20, "hidden": 20, "grad": 3},
        ),
        Layer(
            forward="softmax_loss",
            backward=None,
            arrays=("scores",),
            no_grad=("y",),
            outputs=("loss", "dscores"),
            scalars=("loss",),
            returns_cache=False,
            cases=loss_cases,
            points=Points(forward=2, hidden_forward=1, contract=0.5),
            tol=TOL,
            sample=lambda rng: loss_case(rng, 4, 6),
            examples={"public": 20, "hidden": 20, "grad": 3},
        ),
        Layer(
            forward="lenet_forward",
            backward="lenet_backward",
            arrays=ARGS,
            cases=lenet_cases,
            points=Points(forward=3, backward=5, hidden_forward=1, hidden_backward=2, gradcheck=1.5, contract=0.5, timing_forward=1.5, timing_backward=2),
            tol=TOL,
            sample=lambda rng: lenet_case(rng, 3, 1, 8, 8, 3, 3, (2, 3, 5, 4, 3)),
            timing=Timing(benchmark=_benchmark, max_ratio=20.0),
            examples={"public": 15, "hidden": 15, "grad": 3},
        ),
    ),
    examples=(
        Example(
            key="large-scores",
            name="softmax_loss, scores near 1000",
            layer="softmax_loss",
            case=loss_case(np.random.default_rng(5), 3, 4, LARGE),
            points=1,
            note="scores near 1000: exp(1000) overflows to inf unless each row's maximum is subtracted first (the loss does not change)",
        ),
    ),
    diagnoses=(
        Diagnosis(
            function="softmax_loss",
            hint="your dscores is N times too large: the loss is the mean over the batch, so dscores = (softmax(scores) - onehot(y)) / N",
            variant=_dscores_not_averaged,
            forward_output=1,
            key="lenet-dscores-not-averaged",
        ),
        Diagnosis(
            function="lenet_forward",
            hint="your flatten mixes the samples: flatten each sample on its own, a2.reshape(N, -1) on (N, C2, H2, W2), never a reshape of a transposed array",
            variant=_samples_mixed,
            key="lenet-flatten-mixes-samples",
        ),
        *(
            Diagnosis(
                function="lenet_backward",
                hint="your tanh derivative is 1 - tanh(h)**2 of the layer's output h = tanh(z); it is 1 - h**2 (tanh is applied once)",
                variant=_tanh_of_output(k),
                output=k,
                key="lenet-tanh-grad-of-output",
            )
            for k in range(len(ARGS))
        ),
    ),
)
