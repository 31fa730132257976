"""LeNet from my own conv.py and pooling.py: two [conv + tanh] + pool blocks, then three affine layers.

The affine layers go through one helper pair that flattens with reshape(N, -1) (row-major, like
torch's flatten(1)); the backward walks the same layers in reverse with one cache per layer.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .conv import conv2d_backward, conv2d_forward
from .pooling import max_pool2d_backward, max_pool2d_forward


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """x (N, ...) flattened to (N, D), times w (D, M), plus b (M,)."""
    return x.reshape(len(x), -1) @ w + b, (x, w)


def affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, w = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(len(x), -1).T @ dout, dout.sum(axis=0)


def softmax_loss(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy via log-sum-exp of the row-shifted scores."""
    z = scores - scores.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    grad = np.exp(log_p)
    grad[rows, y] -= 1
    return float(-log_p[rows, y].mean()), grad / len(y)


def lenet_forward(x, w1, b1, w2, b2, w3, b3, w4, b4, w5, b5) -> tuple[np.ndarray, Any]:
    """conv-tanh-pool, conv-tanh-pool, then affine-tanh, affine-tanh, affine."""
    caches = []
    a = x
    for w, b, pad in ((w1, b1, w1.shape[2] // 2), (w2, b2, 0)):
        z, conv_cache = conv2d_forward(a, w, b, 1, pad)
        h = np.tanh(z)
        a, pool_cache = max_pool2d_forward(h, 2)
        caches.append((conv_cache, h, pool_cache))
    for w, b in ((w3, b3), (w4, b4)):
        z, aff_cache = affine_forward(a, w, b)
        a = np.tanh(z)
        caches.append((aff_cache, a))
    scores, last = affine_forward(a, w5, b5)
    return scores, (caches, last)


def lenet_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    caches, last = cache
    da, dw5, db5 = affine_backward(dscores, last)
    grads = [dw5, db5]
    for aff_cache, h in reversed(caches[2:]):
        da, dw, db = affine_backward(da * (1 - h**2), aff_cache)
        grads = [dw, db, *grads]
    for conv_cache, h, pool_cache in reversed(caches[:2]):
        da, dw, db = conv2d_backward(max_pool2d_backward(da, pool_cache) * (1 - h**2), conv_cache)
        grads = [dw, db, *grads]
    return (da, *grads)
