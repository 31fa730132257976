"""Sequence to sequence on my own RNN (rnn.py): the encoder's last state starts the decoder."""
from __future__ import annotations

from typing import Any

import numpy as np

from .rnn import rnn_backward, rnn_forward


def temporal_affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    return np.einsum("ntd,dm->ntm", x, w) + b, (x, w)


def temporal_affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, w = cache
    return np.einsum("ntm,dm->ntd", dout, w), np.einsum("ntd,ntm->dm", x, dout), dout.sum(axis=(0, 1))


def temporal_softmax_loss(scores: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """log softmax as scores - logsumexp(scores), with the maximum taken out first."""
    top = scores.max(axis=2, keepdims=True)
    log_probs = scores - top - np.log(np.exp(scores - top).sum(axis=2, keepdims=True))
    onehot = np.arange(scores.shape[2]) == y[..., None]
    weight = mask[..., None] / scores.shape[0]
    loss = -float((log_probs * onehot * weight).sum())
    return loss, (np.exp(log_probs) - onehot) * weight


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
    h_enc, enc = rnn_forward(x_src, np.zeros((x_src.shape[0], Wh_enc.shape[0])), Wx_enc, Wh_enc, b_enc)
    h_dec, dec = rnn_forward(x_tgt, h_enc[:, -1], Wx_dec, Wh_dec, b_dec)
    scores, out = temporal_affine_forward(h_dec, W_out, b_out)
    return scores, (enc, dec, out, h_enc.shape)


def seq2seq_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    enc, dec, out, enc_shape = cache
    dh_dec, dW_out, db_out = temporal_affine_backward(dscores, out)
    dx_tgt, dh0, dWx_dec, dWh_dec, db_dec = rnn_backward(dh_dec, dec)
    dh_enc = np.zeros(enc_shape)
    dh_enc[:, -1] = dh0  # the decoder's initial state is the encoder's last
    dx_src, _, dWx_enc, dWh_enc, db_enc = rnn_backward(dh_enc, enc)
    return dx_src, dx_tgt, dWx_enc, dWh_enc, db_enc, dWx_dec, dWh_dec, db_dec, dW_out, db_out
