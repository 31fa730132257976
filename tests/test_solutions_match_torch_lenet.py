"""The instructor LeNet solutions (vectorized, and loops built on the loop conv and pooling) agree
with torch, forward and backward, in float64: written against torch directly, not against reference/."""
from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_solutions_match_torch import SOLUTIONS, close, load_submission, seed_of, tt, unload


@pytest.fixture(scope="module", params=["vectorized", "loops"])
def sol(request) -> Iterator[SimpleNamespace]:
    alias = f"_solution_lenet_{request.param}"
    yield load_submission(SOLUTIONS / request.param, alias, ("lenet",))
    unload(alias)


@pytest.mark.parametrize("shape", [(1, 5), (3, 2, 4), (2, 3, 2, 2)], ids=str)
def test_affine_flattens_row_major_like_torch(sol, shape):
    rng = np.random.default_rng(seed_of(shape))
    x, w, b = rng.normal(size=shape), rng.normal(size=(int(np.prod(shape[1:])), 3)), rng.normal(size=3)
    out, cache = sol.lenet.affine_forward(x, w, b)
    xt, wt, bt = tt(x), tt(w), tt(b)
    ref = xt.flatten(1) @ wt + bt
    close(out, ref, "out")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    for name, got, want in zip(["dx", "dw", "db"], sol.lenet.affine_backward(dout, cache), [xt, wt, bt]):
        close(got, want.grad, name)


@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_softmax_loss_matches_cross_entropy_even_for_large_scores(sol, shift):
    rng = np.random.default_rng(int(abs(shift)) + 1)
    scores, y = rng.normal(size=(4, 5)) * 3 + shift, rng.integers(0, 5, 4)
    loss, dscores = sol.lenet.softmax_loss(scores, y)
    st = tt(scores)
    ref = F.cross_entropy(st, torch.from_numpy(y))
    ref.backward()
    assert abs(loss - ref.item()) <= 1e-12 * max(1.0, abs(ref.item()))
    close(dscores, st.grad, "dscores")


def torch_lenet(x, w1, b1, w2, b2, w3, b3, w4, b4, w5, b5):
    a = F.max_pool2d(torch.tanh(F.conv2d(x, w1, b1, padding=w1.shape[2] // 2)), 2)
    a = F.max_pool2d(torch.tanh(F.conv2d(a, w2, b2)), 2)
    h = torch.tanh(torch.tanh(a.flatten(1) @ w3 + b3) @ w4 + b4)
    return h @ w5 + b5


# (N, C, H, W, K1, C1, K2, C2, H3, H4, K): a 1x1 and an even first kernel, odd maps (a pool drops
# the last row), a non-square map, and the training check's digits network (8x8, 3x3 kernels).
LENET_CASES = [
    (2, 1, 8, 8, 3, 4, 3, 6, 7, 5, 10),
    (1, 2, 6, 7, 1, 2, 2, 3, 4, 3, 2),
    (3, 1, 7, 7, 2, 3, 2, 2, 3, 2, 3),
    (2, 2, 9, 6, 3, 2, 1, 3, 2, 4, 4),
]


@pytest.mark.parametrize("case", LENET_CASES, ids=str)
def test_lenet_matches_torch(sol, case):
    n, c, h, w, k1, c1, k2, c2, h3, h4, k = case
    rng = np.random.default_rng(seed_of(case))
    h2 = ((h + 2 * (k1 // 2) - k1 + 1) // 2 - k2 + 1) // 2
    w2 = ((w + 2 * (k1 // 2) - k1 + 1) // 2 - k2 + 1) // 2
    shapes = [(c1, c, k1, k1), (c1,), (c2, c1, k2, k2), (c2,), (c2 * h2 * w2, h3), (h3,), (h3, h4), (h4,), (h4, k), (k,)]
    params = [rng.normal(size=s) for s in shapes]
    x = rng.normal(size=(n, c, h, w))
    scores, cache = sol.lenet.lenet_forward(x, *params)
    tensors = [tt(a) for a in (x, *params)]
    ref = torch_lenet(*tensors)
    close(scores, ref, "scores")
    dscores = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dscores))
    grads = sol.lenet.lenet_backward(dscores, cache)
    assert len(grads) == 11
    for i, (got, want) in enumerate(zip(grads, tensors)):
        close(got, want.grad, f"gradient {i}")
