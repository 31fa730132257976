"""A vanilla tanh recurrent neural network: one step and a whole sequence, forward and backward."""
from __future__ import annotations

from typing import Any

import numpy as np


def rnn_step_forward(
    x: np.ndarray, prev_h: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """One time step: the new hidden state from the input and the previous hidden state.

    Args:
        x: (N, D) the inputs of this step, one row per sample.
        prev_h: (N, H) the hidden state of the previous step.
        Wx: (D, H) input-to-hidden weights.
        Wh: (H, H) hidden-to-hidden weights, the same at every step.
        b: (H,) bias.

    Returns:
        next_h: (N, H), next_h = tanh(x @ Wx + prev_h @ Wh + b),
            with tanh(a) = (e^a - e^-a) / (e^a + e^-a).
        cache: whatever rnn_step_backward needs.
    """
    raise NotImplementedError("rnn_step_forward is not implemented yet")


def rnn_step_backward(
    dnext_h: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through one rnn_step_forward.

    Args:
        dnext_h: (N, H), dL/dnext_h.
        cache: the cache rnn_step_forward returned.

    Returns:
        (dx (N, D), dprev_h (N, H), dWx (D, H), dWh (H, H), db (H,)). With
        da = dnext_h * (1 - next_h**2) (since tanh'(a) = 1 - tanh(a)**2):
        dx = da @ Wx.T, dprev_h = da @ Wh.T, dWx = x.T @ da, dWh = prev_h.T @ da,
        db = da summed over the batch.
    """
    raise NotImplementedError("rnn_step_backward is not implemented yet")


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, Any]:
    """Run the RNN over a whole sequence with the same Wx, Wh, b at every step.

    Args:
        x: (N, T, D) input sequences: N samples, T steps, D features per step.
        h0: (N, H) the initial hidden state.
        Wx: (D, H), Wh: (H, H), b: (H,) as in rnn_step_forward.

    Returns:
        h: (N, T, H), h[:, t] = tanh(x[:, t] @ Wx + h[:, t-1] @ Wh + b), where h[:, -1]
            stands for h0; h[:, t] is the hidden state after step t.
        cache: whatever rnn_backward needs.
    """
    raise NotImplementedError("rnn_forward is not implemented yet")


def rnn_backward(
    dh: np.ndarray, cache: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through time for rnn_forward.

    Args:
        dh: (N, T, H), dL/dh[:, t] for every step t: the loss may read every hidden state.
        cache: the cache rnn_forward returned.

    Returns:
        (dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,)).
        Going from t = T-1 down to 0, step t's hidden state gets dh[:, t] PLUS the dprev_h
        that step t+1 sent back; the weight gradients are summed over all steps; dh0 is the
        dprev_h that step 0 sends back.
    """
    raise NotImplementedError("rnn_backward is not implemented yet")
