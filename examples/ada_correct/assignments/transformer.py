"""Transformer pieces with einsum: scores and weighted sums over named axes, the heads kept as an
axis of their own (n, h, t, c) from the projections on, and the encoder block from these.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, Any]:
    centred = x - x.mean(axis=-1, keepdims=True)
    rstd = (np.mean(centred**2, axis=-1, keepdims=True) + eps) ** -0.5
    norm = centred * rstd
    return gamma * norm + beta, (norm, rstd, gamma)


def layernorm_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    norm, rstd, gamma = cache
    g = dout * gamma
    d = norm.shape[-1]
    dx = rstd / d * (d * g - g.sum(axis=-1, keepdims=True) - norm * np.sum(g * norm, axis=-1, keepdims=True))
    lead = tuple(range(dout.ndim - 1))
    return dx, np.sum(dout * norm, axis=lead), np.sum(dout, axis=lead)


def attention_forward(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    s = np.einsum("...id,...jd->...ij", q, k) / np.sqrt(q.shape[-1])
    if mask is not None:
        if np.any(~mask.any(axis=-1)):
            raise ValueError("some query may attend to no key")
        s = np.where(mask, s, -np.inf)
    w = np.exp(s - np.max(s, axis=-1, keepdims=True))
    w /= w.sum(axis=-1, keepdims=True)
    return np.einsum("...ij,...jc->...ic", w, v), (q, k, v, w)


def attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q, k, v, w = cache
    dw = np.einsum("...ic,...jc->...ij", dout, v)
    ds = w * (dw - np.einsum("...ij,...ij->...i", dw, w)[..., None]) / np.sqrt(q.shape[-1])
    return np.einsum("...ij,...jd->...id", ds, k), np.einsum("...ij,...id->...jd", ds, q), np.einsum("...ij,...ic->...jc", w, dout)


def _heads(x: np.ndarray, W: np.ndarray, b: np.ndarray, h: int) -> np.ndarray:
    """(n, t, e) @ W + b as (n, h, t, e / h): W's columns grouped by head."""
    e = W.shape[1]
    return np.einsum("nte,ehc->nhtc", x, W.reshape(-1, h, e // h)) + b.reshape(h, 1, e // h)


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
    h = num_heads
    m = None if mask is None else (mask if mask.ndim == 2 else mask[:, None])
    att, att_cache = attention_forward(_heads(x_q, Wq, bq, h), _heads(x_kv, Wk, bk, h), _heads(x_kv, Wv, bv, h), m)
    out = np.einsum("nhtc,hco->nto", att, Wo.reshape(h, -1, Wo.shape[1])) + bo
    return out, (x_q, x_kv, Wq, Wk, Wv, Wo, att, att_cache, h)


def multihead_attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    x_q, x_kv, Wq, Wk, Wv, Wo, att, att_cache, h = cache
    wo = Wo.reshape(h, -1, Wo.shape[1])
    dWo = np.einsum("nhtc,nto->hco", att, dout).reshape(Wo.shape)
    dq, dk, dv = attention_backward(np.einsum("nto,hco->nhtc", dout, wo), att_cache)
    out = []
    for x, W, d in ((x_q, Wq, dq), (x_kv, Wk, dk), (x_kv, Wv, dv)):
        dx = np.einsum("nhtc,ehc->nte", d, W.reshape(-1, h, W.shape[1] // h))
        out.append((dx, np.einsum("nte,nhtc->ehc", x, d).reshape(W.shape), d.sum(axis=(0, 2)).reshape(-1)))
    (dxq, dWq, dbq), (dxk, dWk, dbk), (dxv, dWv, dbv) = out
    return dxq, dxk + dxv, dWq, dbq, dWk, dbk, dWv, dbv, dWo, dout.sum(axis=(0, 1))


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
    a, c1 = layernorm_forward(x, ln1_g, ln1_b)
    att, c_att = multihead_attention_forward(a, a, Wq, bq, Wk, bk, Wv, bv, Wo, bo, num_heads, mask)
    h = x + att
    z, c2 = layernorm_forward(h, ln2_g, ln2_b)
    hidden = np.maximum(np.einsum("nte,ef->ntf", z, W1) + b1, 0.0)
    return h + np.einsum("ntf,fe->nte", hidden, W2) + b2, (c1, c_att, c2, z, hidden, W1, W2)


def encoder_block_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    c1, c_att, c2, z, hidden, W1, W2 = cache
    dhidden = np.einsum("nte,fe->ntf", dout, W2) * (hidden > 0)
    dz = np.einsum("ntf,ef->nte", dhidden, W1)
    dh_branch, dg2, db2_ln = layernorm_backward(dz, c2)
    dh = dout + dh_branch
    da_q, da_kv, *d_att = multihead_attention_backward(dh, c_att)
    dx_branch, dg1, db1_ln = layernorm_backward(da_q + da_kv, c1)
    dW1, db1 = np.einsum("nte,ntf->ef", z, dhidden), dhidden.sum(axis=(0, 1))
    dW2, db2 = np.einsum("ntf,nte->fe", hidden, dout), dout.sum(axis=(0, 1))
    return (dh + dx_branch, dg1, db1_ln, *d_att, dg2, db2_ln, dW1, db1, dW2, db2)
