"""Transformer pieces with Python loops over samples, heads and positions (correct, slow)."""
from __future__ import annotations

from typing import Any

import numpy as np


def _rows(x: np.ndarray) -> np.ndarray:
    return x.reshape(-1, x.shape[-1])


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, Any]:
    """Row by row: out = (x - mean) / sqrt(var + eps) * gamma + beta, var biased."""
    flat = _rows(x)
    out, xhat, inv = np.empty_like(flat), np.empty_like(flat), np.empty(len(flat))
    for i, row in enumerate(flat):
        mu = sum(row) / len(row)
        var = sum((r - mu) ** 2 for r in row) / len(row)
        inv[i] = 1.0 / np.sqrt(var + eps)
        xhat[i] = (row - mu) * inv[i]
        out[i] = xhat[i] * gamma + beta
    return out.reshape(x.shape), (xhat, inv, gamma, x.shape)


def layernorm_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xhat, inv, gamma, shape = cache
    flat = _rows(dout)
    dx = np.empty_like(flat)
    dgamma, dbeta = np.zeros(flat.shape[1]), np.zeros(flat.shape[1])
    for i, d in enumerate(flat):
        dxhat = d * gamma
        dx[i] = inv[i] * (dxhat - dxhat.mean() - xhat[i] * (dxhat * xhat[i]).mean())
        dgamma += d * xhat[i]
        dbeta += d
    return dx.reshape(shape), dgamma, dbeta


def _mask_row(mask: np.ndarray | None, n: int, i: int, tk: int) -> np.ndarray:
    if mask is None:
        return np.ones(tk, dtype=bool)
    return mask[i] if mask.ndim == 2 else mask[n, i]


def attention_forward(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """One sample, one query at a time: out[n, i] = sum_j softmax_j(q[n, i] . k[n, j] / sqrt(d)) v[n, j]."""
    n_samples, tq, d = q.shape
    tk = k.shape[1]
    out, p = np.zeros((n_samples, tq, v.shape[2])), np.zeros((n_samples, tq, tk))
    for n in range(n_samples):
        for i in range(tq):
            allowed = _mask_row(mask, n, i, tk)
            if not allowed.any():
                raise ValueError(f"query {i} of sample {n} has every key masked")
            scores = [float(q[n, i] @ k[n, j]) / np.sqrt(d) for j in range(tk)]
            top = max(s for s, a in zip(scores, allowed) if a)
            e = [np.exp(s - top) if a else 0.0 for s, a in zip(scores, allowed)]
            total = sum(e)
            for j in range(tk):
                p[n, i, j] = e[j] / total
                out[n, i] += p[n, i, j] * v[n, j]
    return out, (q, k, v, p)


def attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q, k, v, p = cache
    n_samples, tq, d = q.shape
    dq, dk, dv = np.zeros_like(q), np.zeros_like(k), np.zeros_like(v)
    for n in range(n_samples):
        for i in range(tq):
            dp = [float(dout[n, i] @ v[n, j]) for j in range(k.shape[1])]
            dot = sum(pj * dpj for pj, dpj in zip(p[n, i], dp))
            for j in range(k.shape[1]):
                ds = p[n, i, j] * (dp[j] - dot) / np.sqrt(d)
                dv[n, j] += p[n, i, j] * dout[n, i]
                dq[n, i] += ds * k[n, j]
                dk[n, j] += ds * q[n, i]
    return dq, dk, dv


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
    """Head by head: attention on columns j*E/h to (j+1)*E/h of the projections."""
    e = Wq.shape[0]
    dh = e // num_heads
    q, k, v = x_q @ Wq + bq, x_kv @ Wk + bk, x_kv @ Wv + bv
    merged = np.zeros_like(q)
    caches = []
    for j in range(num_heads):
        cols = slice(j * dh, (j + 1) * dh)
        merged[:, :, cols], c = attention_forward(q[:, :, cols], k[:, :, cols], v[:, :, cols], mask)
        caches.append(c)
    return merged @ Wo + bo, (x_q, x_kv, Wq, Wk, Wv, Wo, merged, caches, dh)


def multihead_attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    x_q, x_kv, Wq, Wk, Wv, Wo, merged, caches, dh = cache
    dmerged = dout @ Wo.T
    dq, dk, dv = np.zeros_like(dmerged), np.zeros((*x_kv.shape[:2], Wk.shape[1])), np.zeros((*x_kv.shape[:2], Wv.shape[1]))
    for j, c in enumerate(caches):
        cols = slice(j * dh, (j + 1) * dh)
        dq[:, :, cols], dk[:, :, cols], dv[:, :, cols] = attention_backward(dmerged[:, :, cols], c)
    out = [dq @ Wq.T, dk @ Wk.T + dv @ Wv.T]
    for x, d in ((x_q, dq), (x_kv, dk), (x_kv, dv)):
        out += [_rows(x).T @ _rows(d), _rows(d).sum(axis=0)]
    out += [_rows(merged).T @ _rows(dout), _rows(dout).sum(axis=0)]
    return tuple(out)


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
    a, ln1_cache = layernorm_forward(x, ln1_g, ln1_b)
    att, mha_cache = multihead_attention_forward(a, a, Wq, bq, Wk, bk, Wv, bv, Wo, bo, num_heads, mask)
    h = x + att
    z, ln2_cache = layernorm_forward(h, ln2_g, ln2_b)
    pre = z @ W1 + b1
    r = np.maximum(pre, 0)
    return h + r @ W2 + b2, (ln1_cache, mha_cache, ln2_cache, z, pre, r, W1, W2)


def encoder_block_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    ln1_cache, mha_cache, ln2_cache, z, pre, r, W1, W2 = cache
    dpre = (dout @ W2.T) * (pre > 0)
    dW2, db2 = _rows(r).T @ _rows(dout), _rows(dout).sum(axis=0)
    dW1, db1 = _rows(z).T @ _rows(dpre), _rows(dpre).sum(axis=0)
    dh_ffn, dln2_g, dln2_b = layernorm_backward(dpre @ W1.T, ln2_cache)
    dh = dout + dh_ffn
    da_q, da_kv, *dmha = multihead_attention_backward(dh, mha_cache)
    dx_ln, dln1_g, dln1_b = layernorm_backward(da_q + da_kv, ln1_cache)
    return (dh + dx_ln, dln1_g, dln1_b, *dmha, dln2_g, dln2_b, dW1, db1, dW2, db2)
