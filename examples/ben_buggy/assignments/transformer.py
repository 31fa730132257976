"""Transformers, where the lecture ends: layer normalization, masked scaled dot-product attention,
multi-head attention, and a pre-norm encoder block built from them.

Conventions every function here follows (the grader holds you to them):
- every weight multiplies on the right: x @ W + b, with W shaped (in, out), the square (E, E)
  projections included (torch.nn.Linear stores the transpose; do not copy its layout);
- layer norm uses the biased variance (divide by D, numpy's ddof=0);
- a boolean mask means True = may attend, False = may not; a (Tq, Tk) mask is shared by every
  sample and every head, an (N, Tq, Tk) mask by the heads of its own sample;
- a query row with every key masked raises ValueError (its softmax would be 0 / 0);
- a backward takes dout and the cache, and returns one gradient per array argument of its
  forward, in order; num_heads, eps and the mask get no gradient slot.

encoder_block_forward/backward are built from your own functions in this module: a mistake in
your layer norm or attention costs points there too.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, Any]:
    """Layer normalization over the last axis: each row (one position of one sample) separately.

    Args:
        x: (..., D), e.g. (N, T, D): any number of leading axes, D features last.
        gamma: (D,) scale; beta: (D,) shift.
        eps: added to the variance before the square root.

    Returns:
        out: x's shape, out = (x - mu) / sqrt(var + eps) * gamma + beta, where for each row
            mu = mean of its D values and var = mean((x - mu)**2), the BIASED variance (divide
            by D, not D - 1: np.var's default ddof=0).
        cache: whatever layernorm_backward needs.
    """
    raise NotImplementedError("layernorm_forward is not implemented yet")


def layernorm_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through layernorm_forward.

    Args:
        dout: (..., D), dL/dout.
        cache: the cache layernorm_forward returned.

    Returns:
        (dx (..., D), dgamma (D,), dbeta (D,)). With xhat = (x - mu) / sqrt(var + eps) and
        dxhat = dout * gamma, per row: dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
        / sqrt(var + eps) (mu and var depend on every x of the row); dgamma = sum of dout * xhat
        and dbeta = sum of dout over every leading axis.
    """
    raise NotImplementedError("layernorm_backward is not implemented yet")


def attention_forward(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """Scaled dot-product attention: each query takes a weighted average of the values, weighted
    by how well it matches each key.

    Args:
        q: (N, Tq, d) queries; k: (N, Tk, d) keys; v: (N, Tk, dv) values (Tq may differ from Tk:
            cross-attention).
        mask: None (every query sees every key), or bool (Tq, Tk) shared by the N samples, or
            bool (N, Tq, Tk) one per sample; mask[..., i, j] True = query i may attend to key j.

    Returns:
        out: (N, Tq, dv), out = softmax(q k^T / sqrt(d) + M) v, per sample, where
            S = q k^T / sqrt(d) is (N, Tq, Tk) (divide by the SQUARE ROOT of d, q's last size),
            M = 0 where mask is True and -inf where it is False (so a masked key gets weight
            exactly 0), and softmax runs over the LAST axis (the keys): each query's weights sum
            to 1. Scores can be large (near 1000): subtract each row's maximum before exp.
        cache: whatever attention_backward needs.

    Raises:
        ValueError: when some query row has every key masked (its weights would be 0 / 0).

    Example, a causal mask (position i may attend to positions j <= i, never the future):
        T = 3; mask = np.tril(np.ones((T, T), dtype=bool))
            [[ True, False, False],
             [ True,  True, False],
             [ True,  True,  True]]
        so out[:, 0] = v[:, 0] exactly, out[:, 1] mixes v[:, 0] and v[:, 1], and out[:, 2] all
        three. With q = k = zeros (every score 0), out[:, 2] = (v[:, 0] + v[:, 1] + v[:, 2]) / 3.
    """
    raise NotImplementedError("attention_forward is not implemented yet")


def attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through attention_forward.

    Args:
        dout: (N, Tq, dv), dL/dout.
        cache: the cache attention_forward returned.

    Returns:
        (dq (N, Tq, d), dk (N, Tk, d), dv (N, Tk, dv)). With P = softmax(S + M) (N, Tq, Tk):
        dv = P^T dout, dP = dout v^T, dS = P * (dP - sum over keys of dP * P) (the softmax's
        Jacobian, row by row; 0 where masked), dq = dS k / sqrt(d), dk = dS^T q / sqrt(d).
    """
    raise NotImplementedError("attention_backward is not implemented yet")


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
    """Multi-head attention: h = num_heads attentions side by side on slices of the projections.

    Args:
        x_q: (N, Tq, E) the sequence that asks (queries); x_kv: (N, Tk, E) the sequence attended
            to (keys and values). Self-attention passes the same values for both.
        Wq, Wk, Wv, Wo: (E, E); bq, bk, bv, bo: (E,).
        num_heads: h, which divides E; each head has E / h features.
        mask: None, bool (Tq, Tk) or bool (N, Tq, Tk), as in attention_forward, shared by the heads.

    Returns:
        out: (N, Tq, E), computed as
            Q = x_q @ Wq + bq, K = x_kv @ Wk + bk, V = x_kv @ Wv + bv        each (N, T, E)
            head j attends with columns j*E/h to (j+1)*E/h of Q, K and V:
                O_j = attention_forward(Q[..., cols_j], K[..., cols_j], V[..., cols_j], mask)
            (so scaled by 1 / sqrt(E / h)); O = the heads' outputs side by side, head j back in
            columns cols_j, (N, Tq, E); out = O @ Wo + bo.
            To vectorize over heads, reshape (N, T, E) to (N, T, h, E/h) AND transpose to
            (N, h, T, E/h): a reshape straight to (N, h, T, E/h) mixes positions into heads.
        cache: whatever multihead_attention_backward needs.

    Raises:
        ValueError: when some query row has every key masked.
    """
    raise NotImplementedError("multihead_attention_forward is not implemented yet")


def multihead_attention_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """Gradients of a loss L through multihead_attention_forward.

    Args:
        dout: (N, Tq, E), dL/dout.
        cache: the cache multihead_attention_forward returned.

    Returns:
        (dx_q, dx_kv, dWq, dbq, dWk, dbk, dWv, dbv, dWo, dbo), each of its input's shape. dx_kv
        gets both the keys' and the values' share (dK @ Wk.T + dV @ Wv.T); in self-attention
        dx_q and dx_kv are still returned separately (their sum is the input's gradient). The
        weight and bias gradients sum over every sample and position.
    """
    raise NotImplementedError("multihead_attention_backward is not implemented yet")


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
    """A pre-norm transformer encoder block: self-attention, then a position-wise feed-forward
    network, each on a layer-normed input and each added back to its input (residual connections,
    as in the lecture's ResNets).

    Args:
        x: (N, T, E).
        ln1_g, ln1_b, ln2_g, ln2_b: (E,) the two layer norms' gamma and beta (eps = 1e-5).
        Wq, bq, Wk, bk, Wv, bv, Wo, bo: the self-attention's weights, as in
            multihead_attention_forward.
        W1: (E, F), b1: (F,), W2: (F, E), b2: (E,): the feed-forward network, F hidden units.
        num_heads: the attention's heads; mask: None, bool (T, T) or bool (N, T, T), e.g. causal.

    Returns:
        out: (N, T, E), computed with your own functions above as
            a = layernorm_forward(x, ln1_g, ln1_b)
            h = x + multihead_attention_forward(a, a, Wq, bq, ..., Wo, bo, num_heads, mask)
            out = h + relu(layernorm_forward(h, ln2_g, ln2_b) @ W1 + b1) @ W2 + b2
            with relu(z) = max(z, 0).
        cache: whatever encoder_block_backward needs.
    """
    raise NotImplementedError("encoder_block_forward is not implemented yet")


def encoder_block_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """Gradients of a loss L through encoder_block_forward.

    Args:
        dout: (N, T, E), dL/dout.
        cache: the cache encoder_block_forward returned.

    Returns:
        (dx, dln1_g, dln1_b, dWq, dbq, dWk, dbk, dWv, dbv, dWo, dbo, dln2_g, dln2_b, dW1, db1,
        dW2, db2): seventeen gradients, each of its input's shape, in the forward's order. Each
        residual connection passes its gradient straight through as well: h gets dout PLUS what
        comes back through the feed-forward branch, and x gets dh PLUS what comes back through
        the attention branch (the attention's dx_q + dx_kv, through the first layer norm).
    """
    raise NotImplementedError("encoder_block_backward is not implemented yet")
