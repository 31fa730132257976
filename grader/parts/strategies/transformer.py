"""Inputs of the transformer part: layer norm, attention, multi-head attention, encoder block.

Every case keeps the comparison well conditioned (weights scaled by 1/sqrt(fan_in), no query row
with every key masked) and makes the edge cases likely: one position as often as several, Tq !=
Tk for cross-attention, one head as often as several, each kind of mask (None, shared (Tq, Tk),
per sample (N, Tq, Tk), causal). Some cases add a constant near +-1000 to every score of a row:
the softmax does not move, but an exp without the row's maximum subtracted overflows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import reference.transformer
from grader.parts.strategies import SEEDS
from grader.spec import Case, Scale, arg_names

LN_ARGS = arg_names(reference.transformer.layernorm_forward)
ATT_ARGS = arg_names(reference.transformer.attention_forward)
MHA_ARGS = arg_names(reference.transformer.multihead_attention_forward)
ENC_ARGS = arg_names(reference.transformer.encoder_block_forward)
SAMPLES: dict[Scale, int] = {"public": 3, "hidden": 6, "grad": 2}
STEPS: dict[Scale, int] = {"public": 4, "hidden": 8, "grad": 3}
SIZE: dict[Scale, int] = {"public": 4, "hidden": 8, "grad": 3}  # features, head size, FFN units
HEADS: dict[Scale, int] = {"public": 3, "hidden": 4, "grad": 2}
LARGE = 1000.0  # a score shift this large overflows a naive exp (exp(710) is inf)
MASKS = ("none", "shared", "per_sample", "causal")


def _steps(draw: st.DrawFn, scale: Scale) -> int:
    """One position as often as several."""
    return draw(st.one_of(st.just(1), st.integers(2, STEPS[scale])))


def _size(draw: st.DrawFn, scale: Scale) -> int:
    return draw(st.integers(1, SIZE[scale]))


def make_mask(rng: np.random.Generator, kind: str, n: int, tq: int, tk: int) -> np.ndarray | None:
    """A mask of `kind` in MASKS; a random one keeps about 3 keys in 5 and at least one per row."""
    if kind == "none":
        return None
    if kind == "causal":
        return np.tril(np.ones((tq, tk), dtype=bool))  # row 0 keeps key 0: never a fully masked row
    shape = (tq, tk) if kind == "shared" else (n, tq, tk)
    mask = rng.random(shape) < 0.6
    np.put_along_axis(mask, rng.integers(0, tk, shape[:-1])[..., None], True, axis=-1)
    return mask


def _mask_kind(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(MASKS))


def _shift(draw: st.DrawFn) -> float:
    return draw(st.sampled_from([0.0, LARGE, -LARGE]))


def layernorm_case(rng: np.random.Generator, shape: tuple[int, ...], eps: float = 1e-5, offset: float = 0.0, seed: int = 0) -> Case:
    d = shape[-1]
    x = rng.standard_normal(shape) * rng.uniform(0.5, 2.0) + offset
    return Case(LN_ARGS, (x, 1 + 0.5 * rng.standard_normal(d), 0.5 * rng.standard_normal(d), eps), seed)


@st.composite
def layernorm_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """(N, D) or (N, T, D); eps the default or larger; rows centred at 0 or far from it."""
    lead = [draw(st.integers(1, SAMPLES[scale]))] + ([_steps(draw, scale)] if draw(st.booleans()) else [])
    shape = (*lead, draw(st.integers(1, SIZE[scale] + 2)))
    eps, offset = draw(st.sampled_from([1e-5, 1e-3, 0.1])), draw(st.sampled_from([0.0, 5.0]))
    seed = draw(SEEDS)
    return layernorm_case(np.random.default_rng(seed), shape, eps, offset, seed)


def attention_case(rng: np.random.Generator, n: int, tq: int, tk: int, d: int, dv: int, kind: str, shift: float = 0.0, seed: int = 0) -> Case:
    """q k^T / sqrt(d) of order 1, plus `shift` in every score of a row when asked: column 0 of
    q is constant, and column 0 of k the same for every key."""
    q, k, v = rng.standard_normal((n, tq, d)), rng.standard_normal((n, tk, d)), rng.standard_normal((n, tk, dv))
    if shift:
        size = np.sqrt(abs(shift) * np.sqrt(d))
        q[..., 0], k[..., 0] = size, np.sign(shift) * size
    return Case(ATT_ARGS, (q, k, v, make_mask(rng, kind, n, tq, tk)), seed)


@st.composite
def attention_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n, tq, tk = draw(st.integers(1, SAMPLES[scale])), _steps(draw, scale), _steps(draw, scale)
    d, dv, kind, shift = _size(draw, scale), _size(draw, scale), _mask_kind(draw), _shift(draw)
    seed = draw(SEEDS)
    return attention_case(np.random.default_rng(seed), n, tq, tk, d, dv, kind, shift, seed)


def projections(rng: np.random.Generator, e: int, heads: int, shift: float = 0.0) -> list[np.ndarray]:
    """Wq, bq, Wk, bk, Wv, bv, Wo, bo, scaled by 1/sqrt(E). With `shift`, the first column of each
    head's Q and K is a constant (zero weights, a bias): every score of a row gains `shift`."""
    weights = [a for _ in range(4) for a in (rng.standard_normal((e, e)) / np.sqrt(e), 0.1 * rng.standard_normal(e))]
    if shift:
        dh = e // heads
        cols = np.arange(heads) * dh
        size = np.sqrt(abs(shift) * np.sqrt(dh))
        for w, b, value in ((weights[0], weights[1], size), (weights[2], weights[3], np.sign(shift) * size)):
            w[:, cols], b[cols] = 0.0, value
    return weights


def mha_case(
    rng: np.random.Generator, n: int, tq: int, tk: int, heads: int, dh: int, kind: str, shift: float = 0.0, self_attention: bool = False, seed: int = 0
) -> Case:
    e = heads * dh
    x_q = rng.standard_normal((n, tq, e))
    x_kv = x_q.copy() if self_attention else rng.standard_normal((n, tk, e))
    mask = make_mask(rng, kind, n, tq, x_kv.shape[1])
    return Case(MHA_ARGS, (x_q, x_kv, *projections(rng, e, heads, shift), heads, mask), seed)


def _heads(draw: st.DrawFn, scale: Scale) -> int:
    """One head as often as several (one head hides a mix-up of heads and positions)."""
    return draw(st.one_of(st.just(1), st.integers(2, HEADS[scale])))


@st.composite
def mha_cases(draw: st.DrawFn, scale: Scale) -> Case:
    """Self-attention (x_kv a copy of x_q, 3 cases in 10, chosen by the seed so that shrinking has
    one draw less to try) or cross-attention (Tk drawn on its own)."""
    n, tq, tk = draw(st.integers(1, SAMPLES[scale])), _steps(draw, scale), _steps(draw, scale)
    heads, dh, kind, shift = _heads(draw, scale), _size(draw, scale), _mask_kind(draw), _shift(draw)
    seed = draw(SEEDS)
    rng = np.random.default_rng(seed)
    return mha_case(rng, n, tq, tk, heads, dh, kind, shift, bool(rng.random() < 0.3), seed)


def encoder_case(rng: np.random.Generator, n: int, t: int, heads: int, dh: int, f: int, kind: str, shift: float = 0.0, seed: int = 0) -> Case:
    e = heads * dh
    ln = [1 + 0.3 * rng.standard_normal(e), 0.3 * rng.standard_normal(e)]
    ffn = [rng.standard_normal((e, f)) / np.sqrt(e), 0.1 * rng.standard_normal(f), rng.standard_normal((f, e)) / np.sqrt(f), 0.1 * rng.standard_normal(e)]
    att = projections(rng, e, heads, shift)
    ln2 = [1 + 0.3 * rng.standard_normal(e), 0.3 * rng.standard_normal(e)]
    values: list[Any] = [rng.standard_normal((n, t, e)), *ln, *att, *ln2, *ffn, heads, make_mask(rng, kind, n, t, t)]
    return Case(ENC_ARGS, tuple(values), seed)


@st.composite
def encoder_cases(draw: st.DrawFn, scale: Scale) -> Case:
    n, t, heads, dh = draw(st.integers(1, SAMPLES[scale])), _steps(draw, scale), _heads(draw, scale), _size(draw, scale)
    f, kind, shift = _size(draw, scale), _mask_kind(draw), _shift(draw)
    seed = draw(SEEDS)
    return encoder_case(np.random.default_rng(seed), n, t, heads, dh, f, kind, shift, seed)
