"""Both instructor solutions (vectorized and loops) agree with torch, forward and backward, in float64.

Each solution package is called `assignments`, so each is loaded under its own alias
(`_solution_vectorized`, `_solution_loops`) and removed from sys.modules afterwards.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

SOLUTIONS = Path(__file__).parent / "solutions"
MODULES = ("shapes", "conv", "pooling", "rnn", "residual")  # the later parts: test_solutions_match_torch_sequences.py
RTOL, ATOL = 1e-9, 1e-11  # float64 sums of a few hundred terms: ~1e-14 apart from torch


def load_submission(root: Path, alias: str, modules: tuple[str, ...] = MODULES) -> SimpleNamespace:
    """Import root/assignments as package `alias`; returns its `modules` as attributes."""
    pkg_dir = root / "assignments"
    spec = importlib.util.spec_from_file_location(
        alias, pkg_dir / "__init__.py", submodule_search_locations=[str(pkg_dir)]
    )
    pkg = importlib.util.module_from_spec(spec)
    sys.modules[alias] = pkg
    spec.loader.exec_module(pkg)
    return SimpleNamespace(**{m: importlib.import_module(f"{alias}.{m}") for m in modules})


def unload(alias: str) -> None:
    for name in [n for n in sys.modules if n == alias or n.startswith(alias + ".")]:
        del sys.modules[name]


@pytest.fixture(scope="module", params=["vectorized", "loops"])
def sol(request) -> Iterator[SimpleNamespace]:
    alias = f"_solution_{request.param}"
    yield load_submission(SOLUTIONS / request.param, alias)
    unload(alias)


def seed_of(case: tuple) -> int:
    """A per-case seed that, unlike hash(), is the same in every process."""
    return zlib.crc32(repr(case).encode())


def tt(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


def close(actual, expected, what: str) -> None:
    expected = expected.detach().numpy() if isinstance(expected, torch.Tensor) else expected
    assert np.shape(actual) == np.shape(expected), f"{what}: shape {np.shape(actual)} != {np.shape(expected)}"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=what)


def pair(v):
    return (v, v) if isinstance(v, int) else v


# ---- shapes -------------------------------------------------------------------------------


def test_output_size_matches_lecture_examples(sol):
    assert sol.shapes.conv2d_output_size(8, 3) == 6
    assert sol.shapes.conv2d_output_size(8, 3, pad=1) == 8
    assert sol.shapes.conv2d_output_size(8, 3, stride=2, pad=1) == 4
    assert type(sol.shapes.conv2d_output_size(7, 2, stride=2)) is int


def test_cost_counts_weights_bias_and_flops(sol):
    assert sol.shapes.conv2d_cost(1, 1, 3, 3, 6, 6) == (10, 360)
    assert sol.shapes.conv2d_cost(3, 8, 5, 3, 4, 2) == (368, 368 * 8)


# ---- conv ---------------------------------------------------------------------------------

# (N, C, H, W, F, KH, KW, stride, pad): the named corners, then random ones
CONV_CASES = [
    (1, 1, 5, 5, 1, 3, 3, 1, 0),
    (2, 3, 7, 5, 4, 3, 3, 1, 1),
    (2, 2, 6, 9, 3, 2, 4, 2, 1),
    (1, 3, 8, 7, 2, 3, 1, (1, 3), (2, 0)),
    (3, 2, 9, 6, 2, 5, 3, (3, 2), (2, 1)),
    (2, 1, 4, 4, 2, 4, 4, 3, 2),
]


def random_conv_cases(rng: np.random.Generator, count: int) -> list[tuple]:
    """Shapes that fit (H + 2*pad_h >= KH), strides 1..3 and pads 0..2, each an int or a pair."""
    def int_or_pair(low: int, high: int):
        return int(rng.integers(low, high)) if rng.random() < 0.5 else tuple(int(v) for v in rng.integers(low, high, 2))

    cases = []
    for _ in range(count):
        kh, kw = (int(v) for v in rng.integers(1, 5, 2))
        stride, pad = int_or_pair(1, 4), int_or_pair(0, 3)
        ph, pw = pair(pad)
        h, w = int(rng.integers(max(1, kh - 2 * ph), 10)), int(rng.integers(max(1, kw - 2 * pw), 10))
        n, c, f = (int(v) for v in rng.integers(1, 4, 3))
        cases.append((n, c, h, w, f, kh, kw, stride, pad))
    return cases


CONV_CASES += random_conv_cases(np.random.default_rng(2024), 14)

@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv_matches_torch(sol, case):
    n, c, h, w, f, kh, kw, stride, pad = case
    rng = np.random.default_rng(seed_of(case))
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, kh, kw)), rng.normal(size=f)
    out, cache = sol.conv.conv2d_forward(x, wt, b, stride, pad)
    xt, wtt, bt = tt(x), tt(wt), tt(b)
    ref = F.conv2d(xt, wtt, bt, stride=pair(stride), padding=pair(pad))
    close(out, ref, "out")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    dx, dw, db = sol.conv.conv2d_backward(dout, cache)
    close(dx, xt.grad, "dx")
    close(dw, wtt.grad, "dw")
    close(db, bt.grad, "db")


# ---- pooling ------------------------------------------------------------------------------

# (N, C, H, W, kernel, stride): stride < kernel overlaps; None = stride equals kernel
POOL_CASES = [
    (1, 1, 4, 4, 2, None),
    (2, 3, 7, 5, 2, None),
    (2, 2, 8, 8, 3, 1),
    (1, 2, 9, 7, (3, 2), (2, 1)),
    (3, 1, 6, 9, (2, 4), (1, 2)),
    (2, 2, 7, 7, 3, 2),
    (1, 1, 5, 6, (1, 2), None),
    (2, 1, 5, 5, 5, 3),
]


def random_pool_cases(rng: np.random.Generator, count: int) -> list[tuple]:
    """Kernels 1..3 per axis on 3..8 maps; stride None, an int or a pair (often overlapping)."""
    cases = []
    for _ in range(count):
        kernel = tuple(int(v) for v in rng.integers(1, 4, 2))
        stride = [None, int(rng.integers(1, 4)), tuple(int(v) for v in rng.integers(1, 4, 2))][int(rng.integers(0, 3))]
        n, c = (int(v) for v in rng.integers(1, 3, 2))
        h, w = (int(v) for v in rng.integers(3, 9, 2))
        cases.append((n, c, h, w, kernel, stride))
    return cases


POOL_CASES += random_pool_cases(np.random.default_rng(2025), 6)

@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_max_pool_matches_torch_without_ties(sol, case):
    n, c, h, w, kernel, stride = case
    rng = np.random.default_rng(seed_of(case))
    x = rng.normal(size=(n, c, h, w))  # continuous values: no ties almost surely
    out, cache = sol.pooling.max_pool2d_forward(x, kernel, stride)
    xt = tt(x)
    ref = F.max_pool2d(xt, kernel, stride)
    close(out, ref, "out")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    close(sol.pooling.max_pool2d_backward(dout, cache), xt.grad, "dx")


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_avg_pool_matches_torch(sol, case):
    n, c, h, w, kernel, stride = case
    rng = np.random.default_rng(seed_of(case))
    x = rng.normal(size=(n, c, h, w))
    out, cache = sol.pooling.avg_pool2d_forward(x, kernel, stride)
    xt = tt(x)
    ref = F.avg_pool2d(xt, kernel, stride)
    close(out, ref, "out")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    close(sol.pooling.avg_pool2d_backward(dout, cache), xt.grad, "dx")


def test_max_pool_tie_goes_to_first_maximum(sol):
    x = np.array([[[[1.0, 3.0, 3.0], [3.0, 0.0, 3.0]]]])  # (1, 1, 2, 3), kernel 2 stride 1
    out, cache = sol.pooling.max_pool2d_forward(x, 2, 1)
    close(out, np.array([[[[3.0, 3.0]]]]), "out")
    dx = sol.pooling.max_pool2d_backward(np.array([[[[1.0, 10.0]]]]), cache)
    close(dx, np.array([[[[0.0, 11.0, 0.0], [0.0, 0.0, 0.0]]]]), "dx")


@pytest.mark.parametrize("case", POOL_CASES[:4], ids=str)
def test_max_pool_ties_match_torch(sol, case):
    n, c, h, w, kernel, stride = case
    rng = np.random.default_rng(7)
    x = rng.integers(0, 2, size=(n, c, h, w)).astype(np.float64)  # many ties
    _, cache = sol.pooling.max_pool2d_forward(x, kernel, stride)
    xt = tt(x)
    ref = F.max_pool2d(xt, kernel, stride)
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    close(sol.pooling.max_pool2d_backward(dout, cache), xt.grad, "dx")


# ---- rnn ----------------------------------------------------------------------------------


def torch_rnn(x, h0, Wx, Wh, b):
    hs, prev = [], h0
    for t in range(x.shape[1]):
        prev = torch.tanh(x[:, t] @ Wx + prev @ Wh + b)
        hs.append(prev)
    return torch.stack(hs, dim=1)


@pytest.mark.parametrize("n,d,hidden", [(1, 1, 1), (3, 4, 5), (5, 2, 3)])
def test_rnn_step_matches_torch(sol, n, d, hidden):
    rng = np.random.default_rng(n * 100 + d * 10 + hidden)
    args = [rng.normal(size=s) for s in [(n, d), (n, hidden), (d, hidden), (hidden, hidden), (hidden,)]]
    out, cache = sol.rnn.rnn_step_forward(*args)
    targs = [tt(a) for a in args]
    ref = torch.tanh(targs[0] @ targs[2] + targs[1] @ targs[3] + targs[4])
    close(out, ref, "next_h")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    for name, got, want in zip(["dx", "dprev_h", "dWx", "dWh", "db"], sol.rnn.rnn_step_backward(dout, cache), targs):
        close(got, want.grad, name)


@pytest.mark.parametrize("n,t,d,hidden", [(1, 1, 2, 3), (2, 1, 3, 2), (1, 5, 1, 1), (3, 6, 4, 5), (4, 9, 3, 2)])
def test_rnn_sequence_matches_torch_bptt(sol, n, t, d, hidden):
    rng = np.random.default_rng(n * 1000 + t * 100 + d * 10 + hidden)
    args = [rng.normal(size=s) for s in [(n, t, d), (n, hidden), (d, hidden), (hidden, hidden), (hidden,)]]
    args[3] *= 0.5  # keep tanh away from saturation so that every step's gradient matters
    h, cache = sol.rnn.rnn_forward(*args)
    targs = [tt(a) for a in args]
    ref = torch_rnn(*targs)
    close(h, ref, "h")
    dh = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dh))
    for name, got, want in zip(["dx", "dh0", "dWx", "dWh", "db"], sol.rnn.rnn_backward(dh, cache), targs):
        close(got, want.grad, name)


# ---- residual -----------------------------------------------------------------------------

# (N, C, F, H, W, (KH1, KW1), (KH2, KW2), projection, stride)
RESIDUAL_CASES = [
    (1, 2, 2, 5, 5, (3, 3), (3, 3), False, 1),
    (2, 3, 3, 6, 4, (3, 1), (1, 3), False, 1),
    (2, 2, 3, 5, 6, (3, 3), (3, 3), True, 1),
    (2, 3, 2, 7, 6, (3, 3), (3, 3), True, 2),
    (1, 2, 4, 8, 5, (5, 3), (3, 5), True, 2),
    (2, 2, 2, 7, 7, (3, 3), (1, 1), True, (2, 1)),
]


@pytest.mark.parametrize("case", RESIDUAL_CASES, ids=str)
def test_residual_block_matches_torch(sol, case):
    n, c, f, h, w, k1, k2, projection, stride = case
    rng = np.random.default_rng(seed_of(case))
    x = rng.normal(size=(n, c, h, w))
    params = [rng.normal(size=(f, c, *k1)), rng.normal(size=f), rng.normal(size=(f, f, *k2)), rng.normal(size=f)]
    params += [rng.normal(size=(f, c, 1, 1)), rng.normal(size=f)] if projection else [None, None]
    out, cache = sol.residual.residual_block_forward(x, *params, stride=stride)
    xt, w1, b1, w2, b2 = (tt(a) for a in [x] + params[:4])
    hid = F.relu(F.conv2d(xt, w1, b1, stride=pair(stride), padding=(k1[0] // 2, k1[1] // 2)))
    branch = F.conv2d(hid, w2, b2, padding=(k2[0] // 2, k2[1] // 2))
    if projection:
        ws, bs = tt(params[4]), tt(params[5])
        shortcut = F.conv2d(xt, ws, bs, stride=pair(stride))
    else:
        ws = bs = None
        shortcut = xt
    ref = F.relu(branch + shortcut)
    close(out, ref, "out")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    grads = sol.residual.residual_block_backward(dout, cache)
    for name, got, want in zip(["dx", "dw1", "db1", "dw2", "db2"], grads, [xt, w1, b1, w2, b2]):
        close(got, want.grad, name)
    if projection:
        close(grads[5], ws.grad, "dws")
        close(grads[6], bs.grad, "dbs")
    else:
        assert grads[5] is None and grads[6] is None
