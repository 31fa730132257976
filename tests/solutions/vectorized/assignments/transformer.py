"""Transformer pieces, vectorized: layer norm, masked attention, multi-head attention, a pre-norm
encoder block built from them."""
from __future__ import annotations

from typing import Any

import numpy as np


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, Any]:
    """out = (x - mean) / sqrt(var + eps) * gamma + beta over the last axis, var biased."""
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, ddof=0, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv_std
    return xhat * gamma + beta, (xhat, inv_std, gamma)


def layernorm_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dx = inv_std * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), per row."""
    xhat, inv_std, gamma = cache
    rows = tuple(range(dout.ndim - 1))
    dxhat = dout * gamma
    dx = inv_std * (dxhat - dxhat.mean(axis=-1, keepdims=True) - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))
    return dx, (dout * xhat).sum(axis=rows), dout.sum(axis=rows)


def _checked_mask(mask: np.ndarray | None) -> np.ndarray | None:
    if mask is not None and not mask.any(axis=-1).all():
        raise ValueError("a query row has every key masked")
    return mask


def _softmax(s: np.ndarray) -> np.ndarray:
    """Over the last axis (the keys), each row's maximum subtracted first: exp never overflows."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def attention_forward(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """softmax(q k^T / sqrt(d) + M) v, M = -inf where mask is False; works on any leading axes."""
    mask = _checked_mask(mask)
    scale = 1 / np.sqrt(q.shape[-1])
    scores = q @ np.swapaxes(k, -1, -2) * scale
    scores = np.where(mask, scores, -np.inf) if mask is not None else scores
    p = _softmax(scores)
    return p @ v, (q, k, v, p, scale)


def attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dP = dout v^T, dS = P * (dP - rowsum(dP * P)), dq = dS k / sqrt(d), dk = dS^T q / sqrt(d)."""
    q, k, v, p, scale = cache
    dv = np.swapaxes(p, -1, -2) @ dout
    dp = dout @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) * scale
    return ds @ k, np.swapaxes(ds, -1, -2) @ q, dv


def _split_heads(x: np.ndarray, heads: int) -> np.ndarray:
    n, t, e = x.shape
    return x.reshape(n, t, heads, e // heads).transpose(0, 2, 1, 3)


def _merge_heads(x: np.ndarray) -> np.ndarray:
    n, heads, t, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(n, t, heads * dh)


def multihead_attention_forward(
    x_q: np.ndarray,
    x_kv: np.ndarray,
    Wq: np.ndarray,
    bq: np.ndarray,
    Wk: np.ndarray,
    bk: np.ndarray,
    Wv: np.ndarray,
    bv: np.ndarray,
    Wo: np.ndarray,
    bo: np.ndarray,
    num_heads: int,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, Any]:
    """Project, split E into heads, attend per head (the mask shared by the heads), merge, project."""
    q, k, v = (_split_heads(x @ W + b, num_heads) for x, W, b in ((x_q, Wq, bq), (x_kv, Wk, bk), (x_kv, Wv, bv)))
    per_head = None if mask is None else (mask if mask.ndim == 2 else mask[:, None])
    heads_out, att_cache = attention_forward(q, k, v, per_head)
    merged = _merge_heads(heads_out)
    return merged @ Wo + bo, (x_q, x_kv, Wq, Wk, Wv, Wo, merged, att_cache)


def multihead_attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """The forward's steps in reverse; weight gradients sum over samples and positions."""
    x_q, x_kv, Wq, Wk, Wv, Wo, merged, att_cache = cache
    e = Wo.shape[0]
    dmerged = dout @ Wo.T
    dWo, dbo = merged.reshape(-1, e).T @ dout.reshape(-1, e), dout.sum(axis=(0, 1))
    heads = att_cache[0].shape[1]
    dq, dk, dv = (_merge_heads(g) for g in attention_backward(_split_heads(dmerged, heads), att_cache))
    grads = []
    for x, W, d in ((x_q, Wq, dq), (x_kv, Wk, dk), (x_kv, Wv, dv)):
        grads.append((d @ W.T, x.reshape(-1, e).T @ d.reshape(-1, e), d.sum(axis=(0, 1))))
    (dx_q, dWq, dbq), (dxk, dWk, dbk), (dxv, dWv, dbv) = grads
    return dx_q, dxk + dxv, dWq, dbq, dWk, dbk, dWv, dbv, dWo, dbo


def encoder_block_forward(
    x: np.ndarray,
    ln1_g: np.ndarray,
    ln1_b: np.ndarray,
    Wq: np.ndarray,
    bq: np.ndarray,
    Wk: np.ndarray,
    bk: np.ndarray,
    Wv: np.ndarray,
    bv: np.ndarray,
    Wo: np.ndarray,
    bo: np.ndarray,
    ln2_g: np.ndarray,
    ln2_b: np.ndarray,
    W1: np.ndarray,
    b1: np.ndarray,
    W2: np.ndarray,
    b2: np.ndarray,
    num_heads: int,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, Any]:
    """h = x + MHA(LN1(x)); out = h + relu(LN2(h) W1 + b1) W2 + b2."""
    a, ln1_cache = layernorm_forward(x, ln1_g, ln1_b)
    att, mha_cache = multihead_attention_forward(a, a, Wq, bq, Wk, bk, Wv, bv, Wo, bo, num_heads, mask)
    h = x + att
    z, ln2_cache = layernorm_forward(h, ln2_g, ln2_b)
    pre = z @ W1 + b1
    r = np.maximum(pre, 0)
    return h + r @ W2 + b2, (ln1_cache, mha_cache, ln2_cache, z, pre, r, W1, W2)


def encoder_block_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """Back through the feed-forward half (and its skip) to h, then the attention half (and its skip) to x."""
    ln1_cache, mha_cache, ln2_cache, z, pre, r, W1, W2 = cache
    e, f = W1.shape
    dW2, db2 = r.reshape(-1, f).T @ dout.reshape(-1, e), dout.sum(axis=(0, 1))
    dpre = (dout @ W2.T) * (pre > 0)
    dW1, db1 = z.reshape(-1, e).T @ dpre.reshape(-1, f), dpre.sum(axis=(0, 1))
    dz = dpre @ W1.T
    dh_ffn, dln2_g, dln2_b = layernorm_backward(dz, ln2_cache)
    dh = dout + dh_ffn
    da_q, da_kv, dWq, dbq, dWk, dbk, dWv, dbv, dWo, dbo = multihead_attention_backward(dh, mha_cache)
    dx_ln, dln1_g, dln1_b = layernorm_backward(da_q + da_kv, ln1_cache)
    dx = dh + dx_ln
    return dx, dln1_g, dln1_b, dWq, dbq, dWk, dbk, dWv, dbv, dWo, dbo, dln2_g, dln2_b, dW1, db1, dW2, db2
