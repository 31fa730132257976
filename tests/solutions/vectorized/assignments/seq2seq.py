"""Sequence to sequence: temporal affine, a masked temporal softmax loss, and an RNN encoder-decoder.

The encoder and decoder are tanh RNNs written here rather than imported from rnn.py (as a
student would): the seeded bugs of tests/seeded_bugs.py edit rnn.py, and one planted there must
stay inside the rnn part.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def temporal_affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """x (N, T, D), w (D, M), b (M,) -> out (N, T, M) = x @ w + b at every step."""
    return x @ w + b, (x, w)


def temporal_affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, T, M) -> (dx (N, T, D), dw (D, M), db (M,)), dw and db summed over samples and steps."""
    x, w = cache
    dw = np.tensordot(x, dout, axes=([0, 1], [0, 1]))
    return dout @ w.T, dw, dout.sum(axis=(0, 1))


def temporal_softmax_loss(scores: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """-(1/N) sum_{counted n,t} log softmax(scores[n, t])[y[n, t]] and its gradient, stably."""
    n = scores.shape[0]
    shifted = scores - scores.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, y[..., None], axis=-1)[..., 0]
    loss = -(picked * mask).sum() / n
    dscores = np.exp(log_probs)
    np.put_along_axis(dscores, y[..., None], np.take_along_axis(dscores, y[..., None], axis=-1) - 1, axis=-1)
    return loss, dscores * (mask[..., None] / n)  # loss: a numpy float64, which counts as a float


def _rnn_forward(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """h[:, t] = tanh(x[:, t] @ Wx + h[:, t-1] @ Wh + b); the input projections in one product."""
    n, t_len = x.shape[:2]
    projected = x @ Wx + b
    h = np.empty((n, t_len, h0.shape[1]))
    prev = h0
    for t in range(t_len):
        prev = np.tanh(projected[:, t] + prev @ Wh)
        h[:, t] = prev
    return h, (x, h0, Wx, Wh, h)


def _rnn_backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """BPTT: step t gets dh[:, t] + what step t+1 sends back -> (dx, dh0, dWx, dWh, db)."""
    x, h0, Wx, Wh, h = cache
    da = np.empty_like(h)
    carried = np.zeros_like(h0)
    for t in reversed(range(x.shape[1])):
        da[:, t] = (dh[:, t] + carried) * (1 - h[:, t] ** 2)
        carried = da[:, t] @ Wh.T
    prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # each step's prev_h
    dWx = np.tensordot(x, da, axes=([0, 1], [0, 1]))
    dWh = np.tensordot(prev, da, axes=([0, 1], [0, 1]))
    return da @ Wx.T, carried, dWx, dWh, da.sum(axis=(0, 1))


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
    """Encoder from zeros, decoder from the encoder's last state, scores = h_dec @ W_out + b_out."""
    h_enc, enc_cache = _rnn_forward(x_src, np.zeros((x_src.shape[0], Wh_enc.shape[0])), Wx_enc, Wh_enc, b_enc)
    h_dec, dec_cache = _rnn_forward(x_tgt, h_enc[:, -1], Wx_dec, Wh_dec, b_dec)
    scores, out_cache = temporal_affine_forward(h_dec, W_out, b_out)
    return scores, (enc_cache, dec_cache, out_cache, h_enc.shape)


def seq2seq_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """The decoder's dh0 is the gradient of the encoder's last state: it starts the encoder's BPTT."""
    enc_cache, dec_cache, out_cache, enc_shape = cache
    dh_dec, dW_out, db_out = temporal_affine_backward(dscores, out_cache)
    dx_tgt, dh0_dec, dWx_dec, dWh_dec, db_dec = _rnn_backward(dh_dec, dec_cache)
    dh_enc = np.zeros(enc_shape)
    dh_enc[:, -1] = dh0_dec
    dx_src, _, dWx_enc, dWh_enc, db_enc = _rnn_backward(dh_enc, enc_cache)
    return dx_src, dx_tgt, dWx_enc, dWh_enc, db_enc, dWx_dec, dWh_dec, db_dec, dW_out, db_out
