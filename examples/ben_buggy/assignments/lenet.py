"""LeNet end to end: an affine layer, the softmax cross-entropy loss, and a LeNet-style network
built from your own convolution and pooling, which the grader also trains on handwritten digits.

The lecture builds deep convolutional networks from blocks of [convolution + nonlinearity]
followed by pooling, then affine (fully connected) layers; LeNet uses tanh as its nonlinearity.
lenet_forward and lenet_backward are built from your own assignments/conv.py and
assignments/pooling.py (import them with
`from .conv import conv2d_backward, conv2d_forward` and
`from .pooling import max_pool2d_backward, max_pool2d_forward`) and the affine layer below: a
mistake in your convolution or pooling costs points here too. Call them as
`conv2d_forward(x, w, b, stride, pad)` -> (out, cache), `conv2d_backward(dout, cache)` ->
(dx, dw, db), `max_pool2d_forward(x, 2)` -> (out, cache) (kernel 2, stride defaults to the kernel)
and `max_pool2d_backward(dout, cache)` -> dx.

Training check: the grader trains your network with plain stochastic gradient descent on the
8x8 handwritten digits of scikit-learn (in the grader, not in your code). Your lenet_forward,
softmax_loss and lenet_backward run on each minibatch; the grader updates the parameters
(w <- w - lr * dw) and compares your loss, step by step, with the same training run of its
reference, then measures the accuracy on held-out digits.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """A fully connected layer: each sample flattened to a row vector, times w, plus b.

    Args:
        x: (N, d1, ..., dk) inputs, e.g. (N, C, H, W) feature maps or (N, D) vectors. Each sample
            is flattened row-major to D = d1 * ... * dk values (x.reshape(N, D), the order of
            torch's x.flatten(1): over (C, H, W), the last axis fastest).
        w: (D, M) weights: they multiply on the right. b: (M,) bias.

    Returns:
        out: (N, M), out = x.reshape(N, D) @ w + b.
        cache: whatever affine_backward needs.
    """
    raise NotImplementedError("affine_forward is not implemented yet")


def affine_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a loss L through affine_forward.

    Args:
        dout: (N, M), dL/dout.
        cache: the cache affine_forward returned.

    Returns:
        (dx, dw, db): dx = (dout @ w.T) reshaped to x's shape (N, d1, ..., dk);
        dw = x.reshape(N, D).T @ dout, (D, M); db = dout summed over the batch, (M,).
    """
    raise NotImplementedError("affine_backward is not implemented yet")


def softmax_loss(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean softmax cross-entropy over a batch, and its gradient.

    Args:
        scores: (N, K) class scores of N samples.
        y: (N,) integer labels, each in [0, K). They get no gradient.

    Returns:
        loss: a float (a Python or numpy scalar),
            loss = -(1/N) * sum_n log softmax(scores[n])[y[n]],
            with softmax(s)[k] = exp(s[k]) / sum_j exp(s[j]). Compute it stably: subtract each
            row's maximum before exp (the loss does not change; exp(1000) overflows to inf).
        dscores: (N, K), dloss/dscores = (softmax(scores) - onehot(y)) / N.
        Do not modify scores or y.
    """
    raise NotImplementedError("softmax_loss is not implemented yet")


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
    """Class scores of a LeNet: two [conv + tanh] + max-pool blocks, then three affine layers.

    Args:
        x: (N, C, H, W) input images.
        w1: (C1, C, K1, K1) filters, b1: (C1,): the first convolution.
        w2: (C2, C1, K2, K2) filters, b2: (C2,): the second convolution.
        w3: (D, H3), b3: (H3,); w4: (H3, H4), b4: (H4,); w5: (H4, K), b5: (K,): the affine
            layers, weights on the right. D = C2 * H2 * W2, the size of the second block's output.

    Returns:
        scores: (N, K), computed as
            a1 = max_pool2d(tanh(conv2d(x,  w1, b1, stride 1, pad K1 // 2)), 2)   (N, C1, H1, W1)
            a2 = max_pool2d(tanh(conv2d(a1, w2, b2, stride 1, pad 0)), 2)         (N, C2, H2, W2)
            h3 = tanh(affine(a2, w3, b3))          a2 flattened row-major over (C2, H2, W2)
            h4 = tanh(affine(h3, w4, b4))
            scores = affine(h4, w5, b5)
            with every max pool 2x2 at stride 2, floor mode (an odd last row or column is
            dropped). For 28x28 digits padded to 32x32, 5x5 kernels and 6, 16, 120, 84, 10
            units, this is LeNet-5.
        cache: whatever lenet_backward needs.
    """
    raise NotImplementedError("lenet_forward is not implemented yet")


def lenet_backward(dscores: np.ndarray, cache: Any) -> tuple[np.ndarray, ...]:
    """Gradients of a loss L through lenet_forward, last layer first.

    Args:
        dscores: (N, K), dL/dscores.
        cache: the cache lenet_forward returned.

    Returns:
        (dx, dw1, db1, dw2, db2, dw3, db3, dw4, db4, dw5, db5), each of its input's shape.
        Through each tanh, dL/dz = dL/dh * (1 - h**2) where h = tanh(z) is the layer's output;
        the gradient of the flattened a2 goes back to a2's shape (N, C2, H2, W2) before the pool.
    """
    raise NotImplementedError("lenet_backward is not implemented yet")
