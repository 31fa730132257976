"""The transformer part's classic mistakes, as the values the buggy code returns.

Each variant is computed from the reference wherever one exists: the reference on rescaled
inputs (a division by d instead of sqrt(d) is the reference with q / sqrt(d); a variance with
ddof=1 is the reference's layer norm with gamma and eps rescaled), the reference's pieces put
together differently (heads split without the transpose), or two reference gradients apart (a
dropped residual gradient). Only the softmax's own mistakes are written out in numpy; a variance
of 0 divided by D - 1 (D = 1) is a signature: NaN everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import reference.transformer as ref
from grader.parts.strategies.transformer import ATT_ARGS, ENC_ARGS, MHA_ARGS
from grader.spec import Case, Seen

Variant = Callable[[Case, Any], Any]

# The forwards whose attention a division by d changes, with their differentiable arrays and
# the arrays that scale the queries (dividing them by sqrt(head size) divides the scores by it).
ARRAYS: dict[str, tuple[str, ...]] = {
    "attention_forward": ATT_ARGS[:3],
    "multihead_attention_forward": MHA_ARGS[:10],
    "encoder_block_forward": ENC_ARGS[:17],
}
_QUERIES = {"attention_forward": ("q",), "multihead_attention_forward": ("Wq", "bq"), "encoder_block_forward": ("Wq", "bq")}

SCALED_BY_D = "your scores are divided by d, the head size; scaled dot-product attention divides q k^T by sqrt(d)"
WRONG_AXIS = "your softmax runs over the queries (axis -2); it runs over the keys, the last axis, so each query's weights sum to 1"
MASK_AFTER = "you mask after the softmax: set the masked scores to -inf BEFORE it, so each query's remaining weights still sum to 1"
DDOF = "your variance divides by D - 1 (ddof=1); layer norm uses the biased variance, divided by D (ddof=0)"
ZERO_VARIANCE = (
    "your layer norm returns NaN when D = 1, where every row's variance is 0: divide the squared deviations by D "
    "(ddof=0), not D - 1, and add eps inside the square root"
)
NO_TRANSPOSE = (
    "your heads mix positions: reshape (N, T, E) to (N, T, h, E/h) and then transpose to (N, h, T, E/h); "
    "a reshape straight to (N, h, T, E/h) puts other positions' features in a head"
)
NO_SKIP_GRAD = (
    "your gradient drops the residual connection's share: h = x + attention is also added straight to the output, "
    "so dh = dout PLUS what comes back through the feed-forward branch"
)


def _head_size(forward: str, case: Case) -> int:
    if forward == "attention_forward":
        return int(case.get("q").shape[-1])
    return int(case.get("Wq").shape[0] // case.get("num_heads"))


def by_d(forward: str, output: int | None) -> Variant:
    """Scores divided by d: the reference on queries divided by sqrt(d). Its gradient is the
    reference's at those queries, and 1/sqrt(d) times it for the arrays that were divided."""
    backward = forward.replace("_forward", "_backward")

    def variant(case: Case, dout: Any) -> Any:
        c = np.sqrt(_head_size(forward, case))
        if c == 1:
            return None
        moved = case
        for name in _QUERIES[forward]:
            moved = moved.replace(name, moved.get(name) / c)
        out, tape = getattr(ref, forward)(*moved.args())
        if output is None:
            return out
        grad = getattr(ref, backward)(dout, tape)[output]
        return grad / c if ARRAYS[forward][output] in _QUERIES[forward] else grad

    return variant


def _softmax_variant(case: Case, axis: int, mask_after: bool) -> np.ndarray:
    q, k, v, mask = case.args()
    s = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None and not mask_after:
        s = np.where(mask, s, -np.inf)
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(s - s.max(axis=axis, keepdims=True))
        p = e / e.sum(axis=axis, keepdims=True)
    if mask is not None and mask_after:
        p = np.where(mask, p, 0.0)
    return p @ v


def softmax_over_queries(case: Case, dout: Any) -> np.ndarray:
    return _softmax_variant(case, -2, mask_after=False)


def mask_after_softmax(case: Case, dout: Any) -> np.ndarray | None:
    """The softmax of the unmasked scores, then the masked weights set to zero (rows no longer sum to 1)."""
    return None if case.get("mask") is None else _softmax_variant(case, -1, mask_after=True)


def ddof1_forward(case: Case, dout: Any) -> np.ndarray | None:
    """(x - mu) / sqrt(var * D / (D - 1) + eps) is c (x - mu) / sqrt(var + eps c^2), c^2 = (D - 1) / D:
    the reference's layer norm with gamma * c and eps * c^2."""
    x, gamma, beta, eps = case.args()
    d = x.shape[-1]
    if d == 1:
        return None  # 0 / 0: zero_variance_nan
    c2 = (d - 1) / d
    return ref.layernorm_forward(x, gamma * np.sqrt(c2), beta, eps * c2)[0]


def zero_variance_nan(seen: Seen) -> bool:
    """With D = 1 every row's variance is 0: a variance divided by D - 1 (or a missing eps) makes
    the output, and dx, 0 / 0 = NaN everywhere. Hypothesis shrinks a ddof=1 layer norm to D = 1."""
    actual = seen.actual
    return seen.case.get("x").shape[-1] == 1 and isinstance(actual, np.ndarray) and actual.dtype.kind == "f" and bool(np.isnan(actual).all())


def _mha(*args: Any) -> np.ndarray:
    return ref.multihead_attention_forward(*args)[0]


def _scrambled_mha(x_q, x_kv, Wq, bq, Wk, bk, Wv, bv, Wo, bo, heads, mask) -> np.ndarray:
    """Heads split by reshaping (N, T, E) straight to (N, h, T, E/h); merged back correctly."""
    n, tq, e = x_q.shape
    tk, dh = x_kv.shape[1], e // heads
    q, k, v = ((x @ w + b).reshape(n * heads, -1, dh) for x, w, b in ((x_q, Wq, bq), (x_kv, Wk, bk), (x_kv, Wv, bv)))
    if mask is not None and mask.ndim == 3:
        mask = np.broadcast_to(mask[:, None], (n, heads, tq, tk)).reshape(n * heads, tq, tk)
    out = ref.attention_forward(q, k, v, mask)[0].reshape(n, heads, tq, dh)
    return out.transpose(0, 2, 1, 3).reshape(n, tq, e) @ Wo + bo


def mha_heads_scrambled(case: Case, dout: Any) -> np.ndarray | None:
    return None if case.get("num_heads") == 1 else _scrambled_mha(*case.args())


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return ref.layernorm_forward(x, gamma, beta)[0]


def _encoder_with(case: Case, ln: Callable[..., Any], mha: Callable[..., np.ndarray]) -> np.ndarray:
    """The encoder block put together from `ln` and `mha` (the reference's or a buggy one)."""
    x, g1, c1, Wq, bq, Wk, bk, Wv, bv, Wo, bo, g2, c2, W1, b1, W2, b2, heads, mask = case.args()
    a = ln(x, g1, c1)
    h = x + mha(a, a, Wq, bq, Wk, bk, Wv, bv, Wo, bo, heads, mask)
    return h + np.maximum(ln(h, g2, c2) @ W1 + b1, 0) @ W2 + b2


def encoder_heads_scrambled(case: Case, dout: Any) -> np.ndarray | None:
    return None if case.get("num_heads") == 1 else _encoder_with(case, _layernorm, _scrambled_mha)


def no_skip_grad(output: int) -> Variant:
    """dh = the feed-forward branch's gradient alone: the full gradient less that of sum(dout * h),
    which is the block's gradient with W2 = 0 (the branch then adds a constant)."""

    def variant(case: Case, dout: Any) -> np.ndarray:
        full = ref.encoder_block_backward(dout, ref.encoder_block_forward(*case.args())[1])
        no_branch = case.replace("W2", np.zeros_like(case.get("W2")))
        skip = ref.encoder_block_backward(dout, ref.encoder_block_forward(*no_branch.args())[1])
        return full[output] - skip[output]

    return variant
