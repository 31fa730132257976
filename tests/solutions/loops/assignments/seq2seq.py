"""Sequence to sequence with explicit loops, built as a student would: the encoder and decoder
are this solution's own rnn_forward and rnn_backward from rnn.py."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .rnn import rnn_backward, rnn_forward


def temporal_affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """out[n, t] = x[n, t] @ w + b, one step of one sample at a time."""
    n, t_len = x.shape[:2]
    out = np.zeros((n, t_len, w.shape[1]))
    for i in range(n):
        for t in range(t_len):
            out[i, t] = x[i, t] @ w + b
    return out, (x, w)


def temporal_affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, w = cache
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros(w.shape[1])
    for i in range(x.shape[0]):
        for t in range(x.shape[1]):
            dx[i, t] = w @ dout[i, t]
            dw += np.outer(x[i, t], dout[i, t])
            db += dout[i, t]
    return dx, dw, db


def temporal_softmax_loss(scores: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """Word by word: shift by the row's maximum, exponentiate, normalize."""
    n, t_len, vocab = scores.shape
    loss = 0.0
    dscores = np.zeros_like(scores)
    for i in range(n):
        for t in range(t_len):
            if not mask[i, t]:
                continue
            top = max(scores[i, t, v] for v in range(vocab))
            exps = [math.exp(scores[i, t, v] - top) for v in range(vocab)]
            total = sum(exps)
            loss -= scores[i, t, y[i, t]] - top - math.log(total)
            for v in range(vocab):
                dscores[i, t, v] = (exps[v] / total - (v == y[i, t])) / n
    return loss / n, dscores


def seq2seq_forward(
    x_src: np.ndarray,
    x_tgt: np.ndarray,
    Wx_enc: np.ndarray,
    Wh_enc: np.ndarray,
    b_enc: np.ndarray,
    Wx_dec: np.ndarray,
    Wh_dec: np.ndarray,
    b_dec: np.ndarray,
    W_out: np.ndarray,
    b_out: np.ndarray,
) -> tuple[np.ndarray, Any]:
    h_enc, enc_cache = rnn_forward(x_src, np.zeros((x_src.shape[0], Wh_enc.shape[0])), Wx_enc, Wh_enc, b_enc)
    h_dec, dec_cache = rnn_forward(x_tgt, h_enc[:, -1].copy(), Wx_dec, Wh_dec, b_dec)
    scores, out_cache = temporal_affine_forward(h_dec, W_out, b_out)
    return scores, (enc_cache, dec_cache, out_cache, h_enc.shape)


def seq2seq_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    enc_cache, dec_cache, out_cache, enc_shape = cache
    dh_dec, dW_out, db_out = temporal_affine_backward(dscores, out_cache)
    dx_tgt, dh0_dec, dWx_dec, dWh_dec, db_dec = rnn_backward(dh_dec, dec_cache)
    dh_enc = np.zeros(enc_shape)
    for i in range(enc_shape[0]):
        dh_enc[i, -1] = dh0_dec[i]
    dx_src, _, dWx_enc, dWh_enc, db_enc = rnn_backward(dh_enc, enc_cache)
    return dx_src, dx_tgt, dWx_enc, dWh_enc, db_enc, dWx_dec, dWh_dec, db_dec, dW_out, db_out
