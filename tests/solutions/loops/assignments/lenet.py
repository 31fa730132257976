"""LeNet with explicit loops, built on this folder's loop conv.py and pooling.py, as a student would."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .conv import conv2d_backward, conv2d_forward
from .pooling import max_pool2d_backward, max_pool2d_forward


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """x (N, d1, ..., dk), w (D, M), b (M,) -> out (N, M), one dot product at a time."""
    n = x.shape[0]
    flat = x.reshape(n, -1)
    out = np.zeros((n, w.shape[1]))
    for i in range(n):
        for m in range(w.shape[1]):
            out[i, m] = np.dot(flat[i], w[:, m]) + b[m]
    return out, (x, w)


def affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, M) -> (dx of x's shape, dw (D, M), db (M,)), sample by sample."""
    x, w = cache
    n = x.shape[0]
    flat = x.reshape(n, -1)
    dflat = np.zeros(flat.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(w.shape[1])
    for i in range(n):
        dflat[i] = w @ dout[i]
        dw += np.outer(flat[i], dout[i])
        db += dout[i]
    return dflat.reshape(x.shape), dw, db


def softmax_loss(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean cross-entropy, one sample at a time, each row shifted by its maximum."""
    n, k = scores.shape
    loss = 0.0
    dscores = np.zeros(scores.shape)
    for i in range(n):
        top = max(scores[i])
        total = sum(math.exp(s - top) for s in scores[i])
        for j in range(k):
            dscores[i, j] = math.exp(scores[i, j] - top) / total / n
        loss -= (scores[i, y[i]] - top - math.log(total)) / n
        dscores[i, y[i]] -= 1 / n
    return loss, dscores


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
    """x (N, C, H, W) -> scores (N, K), layer by layer with the loop layers."""
    z1, conv1 = conv2d_forward(x, w1, b1, 1, w1.shape[2] // 2)
    h1 = np.tanh(z1)
    a1, pool1 = max_pool2d_forward(h1, 2)
    z2, conv2 = conv2d_forward(a1, w2, b2, 1, 0)
    h2 = np.tanh(z2)
    a2, pool2 = max_pool2d_forward(h2, 2)
    z3, aff3 = affine_forward(a2, w3, b3)
    h3 = np.tanh(z3)
    z4, aff4 = affine_forward(h3, w4, b4)
    h4 = np.tanh(z4)
    scores, aff5 = affine_forward(h4, w5, b5)
    return scores, (conv1, h1, pool1, conv2, h2, pool2, aff3, h3, aff4, h4, aff5)


def lenet_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """dscores (N, K) -> (dx, dw1, db1, ..., dw5, db5), last layer first."""
    conv1, h1, pool1, conv2, h2, pool2, aff3, h3, aff4, h4, aff5 = cache
    dh4, dw5, db5 = affine_backward(dscores, aff5)
    dh3, dw4, db4 = affine_backward(dh4 * (1 - h4**2), aff4)
    da2, dw3, db3 = affine_backward(dh3 * (1 - h3**2), aff3)
    dh2 = max_pool2d_backward(da2, pool2)
    da1, dw2, db2 = conv2d_backward(dh2 * (1 - h2**2), conv2)
    dh1 = max_pool2d_backward(da1, pool1)
    dx, dw1, db1 = conv2d_backward(dh1 * (1 - h1**2), conv1)
    return dx, dw1, db1, dw2, db2, dw3, db3, dw4, db4, dw5, db5
