"""Sequence-to-sequence learning: an encoder RNN whose last hidden state starts a decoder RNN,
a temporal affine layer to scores over a vocabulary, and a masked temporal softmax loss.

seq2seq_forward and seq2seq_backward are built from your own assignments/rnn.py (import it with
`from .rnn import rnn_backward, rnn_forward`) and the temporal affine layer below: a mistake in
your RNN costs points here too.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def temporal_affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """The same affine map at every time step (e.g. hidden states to vocabulary scores).

    Args:
        x: (N, T, D) inputs: N samples, T steps, D features.
        w: (D, M) weights; b: (M,) bias.

    Returns:
        out: (N, T, M), out[n, t] = x[n, t] @ w + b.
        cache: whatever temporal_affine_backward needs.
    """
    raise NotImplementedError("temporal_affine_forward is not implemented yet")


def temporal_affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through temporal_affine_forward.

    Args:
        dout: (N, T, M), dL/dout.
        cache: the cache temporal_affine_forward returned.

    Returns:
        (dx (N, T, D), dw (D, M), db (M,)): dx[n, t] = dout[n, t] @ w.T; dw and db sum over
        every sample AND every step: dw = sum_{n,t} x[n, t]^T dout[n, t], db = sum_{n,t} dout[n, t].
    """
    raise NotImplementedError("temporal_affine_backward is not implemented yet")


def temporal_softmax_loss(scores: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy summed over the counted time steps, and its gradient.

    Args:
        scores: (N, T, V) scores over a vocabulary of V words at each step.
        y: (N, T) integer targets, each in [0, V), at every step (masked or not).
        mask: (N, T) booleans: True where the step counts (False pads a shorter sequence).

    Returns:
        loss: a float (a Python or numpy scalar),
            loss = -(1/N) * sum over n, t with mask[n, t] of log softmax(scores[n, t])[y[n, t]],
            with softmax(s)[v] = exp(s[v]) / sum_u exp(s[u]). Divided by N, the batch size, NOT
            by the number of counted steps. Compute log softmax stably: subtract each row's
            maximum before exp, as scores can be large (exp(1000) overflows to inf).
        dscores: (N, T, V), dloss/dscores = mask[n, t] * (softmax(scores[n, t]) - onehot(y[n, t])) / N.
        Do not modify scores, y or mask.
    """
    raise NotImplementedError("temporal_softmax_loss is not implemented yet")


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
    """Encode the source sequence, decode the target sequence from its encoding, score each step.

    The lecture's neural machine translation: the encoder RNN produces an encoding of the source
    sentence, which provides the initial hidden state of the decoder RNN, a language model of the
    target sentence conditioned on that encoding (here fed the target itself: teacher forcing).

    Args:
        x_src: (N, S, D) source sequences; x_tgt: (N, T, D) target-side inputs.
        Wx_enc (D, H), Wh_enc (H, H), b_enc (H,): the encoder, a vanilla tanh RNN (rnn_forward).
        Wx_dec (D, H), Wh_dec (H, H), b_dec (H,): the decoder, another one with the same H.
        W_out (H, V), b_out (V,): the temporal affine layer from decoder states to scores.

    Returns:
        scores: (N, T, V), computed as
            h_enc = rnn_forward(x_src, zeros (N, H), Wx_enc, Wh_enc, b_enc)   (N, S, H)
            h_dec = rnn_forward(x_tgt, h_enc[:, -1], Wx_dec, Wh_dec, b_dec)    (N, T, H)
            scores = temporal_affine_forward(h_dec, W_out, b_out).
        cache: whatever seq2seq_backward needs.
    """
    raise NotImplementedError("seq2seq_forward is not implemented yet")


def seq2seq_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """Gradients of a loss L through seq2seq_forward, decoder first, then the encoder.

    Args:
        dscores: (N, T, V), dL/dscores.
        cache: the cache seq2seq_forward returned.

    Returns:
        (dx_src, dx_tgt, dWx_enc, dWh_enc, db_enc, dWx_dec, dWh_dec, db_dec, dW_out, db_out),
        each of its input's shape. The decoder's backward returns dh0, the gradient of its
        initial state, which IS the encoder's last hidden state h_enc[:, -1]: the encoder's
        backward gets dh_enc with dh_enc[:, -1] = that dh0 and zeros at the other steps (no loss
        reads them). The encoder's own h0 is the constant zero: it gets no gradient.
    """
    raise NotImplementedError("seq2seq_backward is not implemented yet")
