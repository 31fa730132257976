"""The instructor solutions of the later parts (1-D convolution, LSTM, seq2seq) agree with torch,
forward and backward, in float64: written against torch directly, not against reference/."""
from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from test_solutions_match_torch import SOLUTIONS, close, load_submission, seed_of, tt, unload

MODULES = ("conv1d", "lstm", "seq2seq")


@pytest.fixture(scope="module", params=["vectorized", "loops"])
def sol(request) -> Iterator[SimpleNamespace]:
    alias = f"_solution_seq_{request.param}"
    yield load_submission(SOLUTIONS / request.param, alias, MODULES)
    unload(alias)


# ---- conv1d -------------------------------------------------------------------------------

# (N, C, L, F, K, stride, pad): the named corners (K = 1, K = L, a pad wider than K / 2, a stride
# that skips positions), then random ones
CONV1D_CASES = [(1, 1, 5, 1, 3, 1, 0), (1, 1, 1, 1, 1, 1, 0), (2, 3, 7, 4, 3, 1, 1), (2, 2, 9, 3, 4, 2, 2), (3, 2, 4, 2, 4, 3, 0), (1, 3, 2, 2, 5, 1, 2)]
_rng = np.random.default_rng(2026)
for _ in range(8):
    k, pad, stride = int(_rng.integers(1, 6)), int(_rng.integers(0, 3)), int(_rng.integers(1, 4))
    n, c, f = (int(v) for v in _rng.integers(1, 4, 3))
    CONV1D_CASES.append((n, c, int(_rng.integers(max(1, k - 2 * pad), 12)), f, k, stride, pad))


@pytest.mark.parametrize("case", CONV1D_CASES, ids=str)
def test_conv1d_matches_torch(sol, case):
    n, c, length, f, k, stride, pad = case
    rng = np.random.default_rng(seed_of(case))
    x, w, b = rng.normal(size=(n, c, length)), rng.normal(size=(f, c, k)), rng.normal(size=f)
    out, cache = sol.conv1d.conv1d_forward(x, w, b, stride, pad)
    xt, wt, bt = tt(x), tt(w), tt(b)
    ref = F.conv1d(xt, wt, bt, stride=stride, padding=pad)
    close(out, ref, "out")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    for name, got, want in zip(["dx", "dw", "db"], sol.conv1d.conv1d_backward(dout, cache), [xt, wt, bt]):
        close(got, want.grad, name)


def test_conv1d_slide_edge_filter(sol):
    step = np.array([[[1.0, 1, 1, 1, 0, 0, 0, 0]]])
    out, _ = sol.conv1d.conv1d_forward(step, np.array([[[-1.0, 0, 1]]]), np.zeros(1))
    np.testing.assert_allclose(out, [[[0, 0, -1, -1, 0, 0]]], rtol=0, atol=1e-15)


# ---- lstm ---------------------------------------------------------------------------------


def torch_lstm_step(x, h, c, Wx, Wh, b):
    """Gates i, f, o, g, written out (torch.nn.LSTM orders them i, f, g, o)."""
    i, f, o, g = (x @ Wx + h @ Wh + b).chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def lstm_weights(rng: np.random.Generator, d: int, hidden: int) -> list[np.ndarray]:
    return [rng.normal(size=(d, 4 * hidden)) / np.sqrt(d), rng.normal(size=(hidden, 4 * hidden)) / np.sqrt(hidden), rng.normal(size=4 * hidden) * 0.1]


@pytest.mark.parametrize("n,d,hidden", [(1, 1, 1), (3, 4, 5), (5, 2, 3)])
def test_lstm_step_matches_torch_with_both_upstream_gradients(sol, n, d, hidden):
    rng = np.random.default_rng(n * 100 + d * 10 + hidden)
    args = [rng.normal(size=(n, d)), np.tanh(rng.normal(size=(n, hidden))), rng.normal(size=(n, hidden)), *lstm_weights(rng, d, hidden)]
    next_h, next_c, cache = sol.lstm.lstm_step_forward(*args)
    targs = [tt(a) for a in args]
    ref_h, ref_c = torch_lstm_step(*targs)
    close(next_h, ref_h, "next_h")
    close(next_c, ref_c, "next_c")
    dnext_h, dnext_c = rng.normal(size=(n, hidden)), rng.normal(size=(n, hidden))
    torch.autograd.backward([ref_h, ref_c], [torch.from_numpy(dnext_h), torch.from_numpy(dnext_c)])
    names = ["dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"]
    for name, got, want in zip(names, sol.lstm.lstm_step_backward(dnext_h, dnext_c, cache), targs):
        close(got, want.grad, name)


@pytest.mark.parametrize("n,t,d,hidden", [(1, 1, 2, 3), (2, 1, 3, 2), (1, 5, 1, 1), (3, 6, 4, 5), (2, 9, 3, 2)])
def test_lstm_sequence_matches_torch_bptt_from_a_zero_cell(sol, n, t, d, hidden):
    rng = np.random.default_rng(n * 1000 + t * 100 + d * 10 + hidden)
    args = [rng.normal(size=(n, t, d)), np.tanh(rng.normal(size=(n, hidden))), *lstm_weights(rng, d, hidden)]
    h, cache = sol.lstm.lstm_forward(*args)
    x, h0, Wx, Wh, b = (tt(a) for a in args)
    hs, prev_h, prev_c = [], h0, torch.zeros(n, hidden, dtype=torch.float64)
    for step in range(t):
        prev_h, prev_c = torch_lstm_step(x[:, step], prev_h, prev_c, Wx, Wh, b)
        hs.append(prev_h)
    ref = torch.stack(hs, dim=1)
    close(h, ref, "h")
    dh = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dh))
    for name, got, want in zip(["dx", "dh0", "dWx", "dWh", "db"], sol.lstm.lstm_backward(dh, cache), [x, h0, Wx, Wh, b]):
        close(got, want.grad, name)


# ---- seq2seq ------------------------------------------------------------------------------


@pytest.mark.parametrize("n,t,d,m", [(1, 1, 1, 1), (2, 3, 4, 5), (3, 1, 2, 6)])
def test_temporal_affine_matches_torch(sol, n, t, d, m):
    rng = np.random.default_rng(seed_of((n, t, d, m)))
    args = [rng.normal(size=(n, t, d)), rng.normal(size=(d, m)), rng.normal(size=m)]
    out, cache = sol.seq2seq.temporal_affine_forward(*args)
    x, w, b = (tt(a) for a in args)
    ref = x @ w + b
    close(out, ref, "out")
    dout = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dout))
    for name, got, want in zip(["dx", "dw", "db"], sol.seq2seq.temporal_affine_backward(dout, cache), [x, w, b]):
        close(got, want.grad, name)


@pytest.mark.parametrize("n,t,v,shift", [(1, 1, 1, 0.0), (2, 3, 5, 0.0), (3, 4, 6, 1000.0), (2, 2, 3, -1000.0)])
def test_temporal_softmax_loss_matches_torch_cross_entropy(sol, n, t, v, shift):
    rng = np.random.default_rng(seed_of((n, t, v, shift)))
    scores, y, mask = rng.normal(size=(n, t, v)) * 3 + shift, rng.integers(0, v, (n, t)), rng.random((n, t)) < 0.7
    kept = (scores.copy(), y.copy(), mask.copy())
    loss, dscores = sol.seq2seq.temporal_softmax_loss(scores, y, mask)
    st = tt(scores)
    each = F.cross_entropy(st.reshape(-1, v), torch.from_numpy(y.reshape(-1)), reduction="none")
    ref = (each * torch.from_numpy(mask.reshape(-1).astype(np.float64))).sum() / n
    ref.backward()
    assert isinstance(loss, float) and loss == pytest.approx(ref.item(), rel=1e-9, abs=1e-11)
    close(dscores, st.grad, "dscores")
    assert all(np.array_equal(a, b) for a, b in zip((scores, y, mask), kept)), "an input was modified in place"


def torch_rnn(x, h0, Wx, Wh, b):
    hs, h = [], h0
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ Wx + h @ Wh + b)
        hs.append(h)
    return torch.stack(hs, dim=1)


@pytest.mark.parametrize("n,s,t,d,hidden,v", [(1, 1, 1, 1, 1, 1), (2, 3, 4, 2, 3, 5), (3, 1, 5, 3, 2, 4), (2, 6, 1, 2, 4, 3)])
def test_seq2seq_matches_torch_with_the_encoder_state_starting_the_decoder(sol, n, s, t, d, hidden, v):
    rng = np.random.default_rng(seed_of((n, s, t, d, hidden, v)))
    rnn = [(d, hidden), (hidden, hidden), (hidden,)]
    shapes = [(n, s, d), (n, t, d), *rnn, *rnn, (hidden, v), (v,)]
    args = [rng.normal(size=shape) / np.sqrt(shape[0]) for shape in shapes]
    scores, cache = sol.seq2seq.seq2seq_forward(*args)
    targs = [tt(a) for a in args]
    x_src, x_tgt, wx_e, wh_e, b_e, wx_d, wh_d, b_d, w_out, b_out = targs
    encoded = torch_rnn(x_src, torch.zeros(n, hidden, dtype=torch.float64), wx_e, wh_e, b_e)[:, -1]
    ref = torch_rnn(x_tgt, encoded, wx_d, wh_d, b_d) @ w_out + b_out
    close(scores, ref, "scores")
    dscores = rng.normal(size=ref.shape)
    ref.backward(torch.from_numpy(dscores))
    names = ["dx_src", "dx_tgt", "dWx_enc", "dWh_enc", "db_enc", "dWx_dec", "dWh_dec", "db_dec", "dW_out", "db_out"]
    grads = sol.seq2seq.seq2seq_backward(dscores, cache)
    assert len(grads) == 10
    for name, got, want in zip(names, grads, targs):
        close(got, want.grad, name)
