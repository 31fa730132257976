"""Reference sequence-to-sequence pieces: a temporal affine layer, a masked temporal softmax loss,
and an encoder-decoder of two vanilla RNNs (the encoder's last state is the decoder's h0)."""

from __future__ import annotations

import torch

from reference import device
from reference.autograd import Tape, traced
from reference.rnn import _unrolled


def _affine(x, w, b):
    return x @ w + b


def temporal_affine_forward(x, w, b):
    """x (N, T, D), w (D, M), b (M,) -> (out (N, T, M), cache), the same affine map at every step."""
    return traced(_affine, (x, w, b))


def temporal_affine_backward(dout, cache: Tape):
    """-> (dx, dw, db) by autograd."""
    return cache.grads(dout)


def temporal_softmax_loss(scores, y, mask):
    """scores (N, T, V), y (N, T) int, mask (N, T) bool -> (loss, dscores (N, T, V)):
    loss = -sum over counted steps of log_softmax(scores)[y] / N, torch's stable log-softmax."""
    s = device.tensor(scores, grad=True)
    picked = torch.log_softmax(s, dim=-1).gather(-1, device.exact(y).long()[..., None])[..., 0]
    loss = -(picked * device.exact(mask)).sum() / scores.shape[0]
    (dscores,) = torch.autograd.grad(loss, [s])
    return float(loss.detach()), device.numpy(dscores)


def _seq2seq(x_src, x_tgt, Wx_enc, Wh_enc, b_enc, Wx_dec, Wh_dec, b_dec, W_out, b_out):
    h0 = torch.zeros(x_src.shape[0], Wh_enc.shape[0], dtype=x_src.dtype, device=x_src.device)
    encoded = _unrolled(x_src, h0, Wx_enc, Wh_enc, b_enc)[:, -1]
    return _affine(_unrolled(x_tgt, encoded, Wx_dec, Wh_dec, b_dec), W_out, b_out)


def seq2seq_forward(x_src, x_tgt, Wx_enc, Wh_enc, b_enc, Wx_dec, Wh_dec, b_dec, W_out, b_out):
    """x_src (N, S, D), x_tgt (N, T, D), encoder and decoder RNN weights (Wx (D, H), Wh (H, H),
    b (H,)), W_out (H, V), b_out (V,) -> (scores (N, T, V), cache)."""
    return traced(_seq2seq, (x_src, x_tgt, Wx_enc, Wh_enc, b_enc, Wx_dec, Wh_dec, b_dec, W_out, b_out))


def seq2seq_backward(dscores, cache: Tape):
    """-> the gradients of all ten arrays, by autograd (through the encoder's last state)."""
    return cache.grads(dscores)
