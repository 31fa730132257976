"""A long short-term memory (LSTM) layer, one of the lecture's "many variants of RNNs": one step
and a whole sequence, forward and backward. Gates in the order i, f, o, g."""
from __future__ import annotations

from typing import Any

import numpy as np


def lstm_step_forward(
    x: np.ndarray, prev_h: np.ndarray, prev_c: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Any]:
    """One time step: the new hidden and cell states from the input and the previous states.

    The lecture's recurrence s(t+1) = f(s(t), x(t+1); theta), with the state s = (h, c) and the
    same theta at every step; the cell state c carries memory past the gates.

    Args:
        x: (N, D) the inputs of this step, one row per sample.
        prev_h: (N, H) the hidden state of the previous step.
        prev_c: (N, H) the cell state of the previous step.
        Wx: (D, 4H) input-to-gates weights.
        Wh: (H, 4H) hidden-to-gates weights.
        b: (4H,) bias.

    Returns:
        next_h: (N, H) and next_c: (N, H), from the activations a = x @ Wx + prev_h @ Wh + b,
            (N, 4H), split into four (N, H) blocks IN THIS ORDER: a = [a_i | a_f | a_o | a_g];
            i = sigmoid(a_i) (input gate), f = sigmoid(a_f) (forget gate),
            o = sigmoid(a_o) (output gate), g = tanh(a_g) (candidate), sigmoid(z) = 1 / (1 + e^-z);
            next_c = f * prev_c + i * g and next_h = o * tanh(next_c) (elementwise products).
        cache: whatever lstm_step_backward needs.
    """
    raise NotImplementedError("lstm_step_forward is not implemented yet")


def lstm_step_backward(
    dnext_h: np.ndarray, dnext_c: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through one lstm_step_forward, which has two outputs.

    Args:
        dnext_h: (N, H), dL/dnext_h.
        dnext_c: (N, H), dL/dnext_c: what reaches next_c from later steps, besides next_h's path.
        cache: the cache lstm_step_forward returned.

    Returns:
        (dx (N, D), dprev_h (N, H), dprev_c (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)).
        next_c gets both: dc = dnext_c + dnext_h * o * (1 - tanh(next_c)**2); then
        do = dnext_h * tanh(next_c), df = dc * prev_c, di = dc * g, dg = dc * i, dprev_c = dc * f;
        through the nonlinearities sigmoid' = s * (1 - s) and tanh' = 1 - tanh**2 to
        da = [da_i | da_f | da_o | da_g] (N, 4H), in the same order as the forward's split;
        dx = da @ Wx.T, dprev_h = da @ Wh.T, dWx = x.T @ da, dWh = prev_h.T @ da, db = da summed
        over the batch.
    """
    raise NotImplementedError("lstm_step_backward is not implemented yet")


def lstm_forward(x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """Run the LSTM over a whole sequence with the same Wx, Wh, b at every step.

    Args:
        x: (N, T, D) input sequences: N samples, T steps, D features per step.
        h0: (N, H) the initial hidden state. The initial cell state is zero (not an argument).
        Wx: (D, 4H), Wh: (H, 4H), b: (4H,) as in lstm_step_forward.

    Returns:
        h: (N, T, H), h[:, t] the hidden state after step t (the cell states are not returned).
        cache: whatever lstm_backward needs.
    """
    raise NotImplementedError("lstm_forward is not implemented yet")


def lstm_backward(dh: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through time for lstm_forward.

    Args:
        dh: (N, T, H), dL/dh[:, t] for every step t.
        cache: the cache lstm_forward returned.

    Returns:
        (dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)).
        Going from t = T-1 down to 0, step t's hidden state gets dh[:, t] PLUS the dprev_h that
        step t+1 sent back, and its cell state the dprev_c that step t+1 sent back (zero at the
        last step: no loss reads the cell states directly); the weight gradients are summed over
        all steps; dh0 is the dprev_h that step 0 sends back (c0 is a constant: no gradient).
    """
    raise NotImplementedError("lstm_backward is not implemented yet")
