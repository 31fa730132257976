"""Reference transformer pieces: layer norm, masked scaled dot-product attention, multi-head
attention and a pre-norm encoder block.

Written out in torch ops rather than torch.nn.MultiheadAttention, whose conventions differ from
the stub's: it multiplies weights on the left (x @ W.T), packs the three projections into one
matrix, and its boolean masks mean True = may NOT attend. Here every weight multiplies on the
right (x @ W + b, W shaped (in, out)) and a mask's True means "may attend".
"""

from __future__ import annotations

import math

import numpy as np
import torch

from reference import device
from reference.autograd import Tape, traced

EPS = 1e-5  # the encoder block's layer norms


def check_mask(mask: np.ndarray | None, n: int, tq: int, tk: int) -> torch.Tensor | None:
    """The mask as a bool tensor, (Tq, Tk) or (N, Tq, Tk); a query row with every key masked
    raises ValueError (its softmax would be 0 / 0)."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype != np.bool_ or m.shape not in ((tq, tk), (n, tq, tk)):
        raise ValueError(f"mask must be bool of shape ({tq}, {tk}) or ({n}, {tq}, {tk}), not {m.dtype} {m.shape}")
    if tk and not m.any(axis=-1).all():
        raise ValueError("a query row has every key masked: its softmax is undefined")
    return device.exact(m)


def _layernorm(x, gamma, beta, eps):
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)  # biased (ddof 0)
    return (x - mu) / torch.sqrt(var + eps) * gamma + beta


def layernorm_forward(x, gamma, beta, eps=EPS):
    """x (..., D), gamma and beta (D,) -> (out (..., D), cache), normalized over the last axis."""
    return traced(_layernorm, (x, gamma, beta), eps)


def layernorm_backward(dout, cache: Tape):
    """-> (dx, dgamma, dbeta) by autograd."""
    return cache.grads(dout)


def _attention(q, k, v, mask):
    """softmax(q k^T / sqrt(d) + M) v over the last two axes; M = -inf where mask is False.
    torch's softmax subtracts each row's maximum, so large scores do not overflow."""
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def attention_forward(q, k, v, mask=None):
    """q (N, Tq, d), k (N, Tk, d), v (N, Tk, dv), mask (Tq, Tk) or (N, Tq, Tk) bool or None
    -> (out (N, Tq, dv), cache)."""
    m = check_mask(mask, q.shape[0], q.shape[1], k.shape[1])
    return traced(_attention, (q, k, v), m)


def attention_backward(dout, cache: Tape):
    """-> (dq, dk, dv) by autograd."""
    return cache.grads(dout)


def _split(x, heads):
    """(N, T, E) -> (N, heads, T, E / heads): head j holds columns j*E/h to (j+1)*E/h."""
    n, t, e = x.shape
    return x.reshape(n, t, heads, e // heads).transpose(1, 2)


def _mha(x_q, x_kv, Wq, bq, Wk, bk, Wv, bv, Wo, bo, heads, mask):
    n, tq, e = x_q.shape
    q, k, v = _split(x_q @ Wq + bq, heads), _split(x_kv @ Wk + bk, heads), _split(x_kv @ Wv + bv, heads)
    per_head = None if mask is None else (mask if mask.dim() == 2 else mask[:, None])  # the heads share it
    out = _attention(q, k, v, per_head)  # scaled by 1 / sqrt(E / heads)
    return out.transpose(1, 2).reshape(n, tq, e) @ Wo + bo


def _check_heads(e: int, heads: int) -> None:
    if heads < 1 or e % heads:
        raise ValueError(f"num_heads {heads} does not divide E = {e}")


def multihead_attention_forward(x_q, x_kv, Wq, bq, Wk, bk, Wv, bv, Wo, bo, num_heads, mask=None):
    """x_q (N, Tq, E), x_kv (N, Tk, E), W* (E, E), b* (E,) -> (out (N, Tq, E), cache)."""
    _check_heads(x_q.shape[2], num_heads)
    m = check_mask(mask, x_q.shape[0], x_q.shape[1], x_kv.shape[1])
    return traced(_mha, (x_q, x_kv, Wq, bq, Wk, bk, Wv, bv, Wo, bo), num_heads, m)


def multihead_attention_backward(dout, cache: Tape):
    """-> (dx_q, dx_kv, dWq, dbq, dWk, dbk, dWv, dbv, dWo, dbo) by autograd."""
    return cache.grads(dout)


def _encoder(x, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2, heads, mask):
    a = _layernorm(x, ln1_g, ln1_b, EPS)
    h = x + _mha(a, a, Wq, bq, Wk, bk, Wv, bv, Wo, bo, heads, mask)
    return h + torch.relu(_layernorm(h, ln2_g, ln2_b, EPS) @ W1 + b1) @ W2 + b2


def encoder_block_forward(x, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2, num_heads, mask=None):
    """Pre-norm: h = x + MHA(LN1(x)), out = h + relu(LN2(h) W1 + b1) W2 + b2; x (N, T, E),
    W1 (E, F), b1 (F,), W2 (F, E), b2 (E,) -> (out (N, T, E), cache)."""
    _check_heads(x.shape[2], num_heads)
    m = check_mask(mask, x.shape[0], x.shape[1], x.shape[1])
    arrays = (x, ln1_g, ln1_b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2_g, ln2_b, W1, b1, W2, b2)
    return traced(_encoder, arrays, num_heads, m)


def encoder_block_backward(dout, cache: Tape):
    """-> the gradients of all seventeen arrays, in the forward's order, by autograd."""
    return cache.grads(dout)
