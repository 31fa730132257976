"""LeNet: affine, mean softmax cross-entropy, and two [conv + tanh] + 2x2 max-pool blocks with three
affine layers, vectorized.

The convolution comes from _convcore.py and the pooling is written here rather than imported
from conv.py and pooling.py (as a student would): the seeded bugs of tests/seeded_bugs.py edit
those modules, and one planted there must stay inside its own part.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ._convcore import conv_backward, conv_forward


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """x (N, d1, ..., dk), w (D, M), b (M,) -> out (N, M) = x.reshape(N, D) @ w + b."""
    return x.reshape(x.shape[0], -1) @ w + b, (x, w)


def affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, M) -> (dx of x's shape, dw (D, M), db (M,))."""
    x, w = cache
    dw = x.reshape(x.shape[0], -1).T @ dout
    return (dout @ w.T).reshape(x.shape), dw, dout.sum(axis=0)


def softmax_loss(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """-(1/N) sum_n log softmax(scores[n])[y[n]] and (softmax - onehot) / N, stably."""
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].sum() / n
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    dscores /= n
    return float(loss), dscores


def _pool(a: np.ndarray) -> tuple[np.ndarray, Any]:
    """2x2 max pool at stride 2, floor mode: (N, C, H, W) -> (N, C, H // 2, W // 2)."""
    n, c, h, w = a.shape
    ho, wo = h // 2, w // 2
    windows = a[:, :, : 2 * ho, : 2 * wo].reshape(n, c, ho, 2, wo, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, ho, wo, 4)
    first = windows.argmax(axis=-1)  # the first maximum in row-major order, PyTorch's tie rule
    return np.take_along_axis(windows, first[..., None], axis=-1)[..., 0], (a.shape, first)


def _unpool(dout: np.ndarray, cache: Any) -> np.ndarray:
    """Each window's gradient to its first maximum; a dropped odd row or column gets 0."""
    shape, first = cache
    n, c, ho, wo = dout.shape
    dwindows = np.zeros((n, c, ho, wo, 4))
    np.put_along_axis(dwindows, first[..., None], dout[..., None], axis=-1)
    dx = np.zeros(shape)
    dx[:, :, : 2 * ho, : 2 * wo] = dwindows.reshape(n, c, ho, wo, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, 2 * ho, 2 * wo)
    return dx


def _tanh_backward(dh: np.ndarray, h: np.ndarray) -> np.ndarray:
    """dL/dz from dL/dh through h = tanh(z): the derivative 1 - tanh(z)**2 is 1 - h**2."""
    return dh * (1 - h**2)


def lenet_forward(
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    w3: np.ndarray,
    b3: np.ndarray,
    w4: np.ndarray,
    b4: np.ndarray,
    w5: np.ndarray,
    b5: np.ndarray,
) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W) -> scores (N, K): [conv, tanh, pool] twice, flatten, affine-tanh twice, affine."""
    z1, conv1 = conv_forward(x, w1, b1, 1, w1.shape[2] // 2)
    h1 = np.tanh(z1)
    a1, pool1 = _pool(h1)
    z2, conv2 = conv_forward(a1, w2, b2, 1, 0)
    h2 = np.tanh(z2)
    a2, pool2 = _pool(h2)
    flat = a2.reshape(a2.shape[0], -1)
    h3 = np.tanh(flat @ w3 + b3)
    h4 = np.tanh(h3 @ w4 + b4)
    scores = h4 @ w5 + b5
    return scores, (conv1, h1, pool1, conv2, h2, pool2, a2.shape, flat, w3, h3, w4, h4, w5)


def lenet_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """dscores (N, K) -> (dx, dw1, db1, ..., dw5, db5), each of its input's shape."""
    conv1, h1, pool1, conv2, h2, pool2, a2_shape, flat, w3, h3, w4, h4, w5 = cache
    dw5, db5 = h4.T @ dscores, dscores.sum(axis=0)
    dz4 = _tanh_backward(dscores @ w5.T, h4)
    dw4, db4 = h3.T @ dz4, dz4.sum(axis=0)
    dz3 = _tanh_backward(dz4 @ w4.T, h3)
    dw3, db3 = flat.T @ dz3, dz3.sum(axis=0)
    da2 = (dz3 @ w3.T).reshape(a2_shape)
    da1, dw2, db2 = conv_backward(_tanh_backward(_unpool(da2, pool2), h2), conv2)
    dx, dw1, db1 = conv_backward(_tanh_backward(_unpool(da1, pool1), h1), conv1)
    return dx, dw1, db1, dw2, db2, dw3, db3, dw4, db4, dw5, db5
