"""Max and average pooling with explicit loops over samples, channels and output positions."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def _geometry(x_shape, kernel_size, stride):
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(kernel_size if stride is None else stride)
    h_out = (x_shape[2] - kh) // sh + 1
    w_out = (x_shape[3] - kw) // sw + 1
    return kh, kw, sh, sw, h_out, w_out


def max_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W) -> out (N, C, H_out, W_out), the max of each window."""
    kh, kw, sh, sw, h_out, w_out = _geometry(x.shape, kernel_size, stride)
    n_samples, channels = x.shape[:2]
    out = np.zeros((n_samples, channels, h_out, w_out))
    for n in range(n_samples):
        for c in range(channels):
            for i in range(h_out):
                for j in range(w_out):
                    out[n, c, i, j] = np.max(x[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw])
    return out, (x, kernel_size, stride)


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout (N, C, H_out, W_out) -> dx (N, C, H, W); each window's gradient to its first maximum."""
    x, kernel_size, stride = cache
    kh, kw, sh, sw, h_out, w_out = _geometry(x.shape, kernel_size, stride)
    dx = np.zeros_like(x)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(h_out):
                for j in range(w_out):
                    window = x[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    a = int(np.argmax(window))  # first maximum in row-major order
                    dx[n, c, i * sh + a // kw, j * sw + a % kw] += dout[n, c, i, j]
    return dx


def avg_pool2d_forward(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W) -> out (N, C, H_out, W_out), the mean of each window."""
    kh, kw, sh, sw, h_out, w_out = _geometry(x.shape, kernel_size, stride)
    n_samples, channels = x.shape[:2]
    out = np.zeros((n_samples, channels, h_out, w_out))
    for n in range(n_samples):
        for c in range(channels):
            for i in range(h_out):
                for j in range(w_out):
                    out[n, c, i, j] = np.mean(x[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw])
    return out, (x.shape, kernel_size, stride)


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout (N, C, H_out, W_out) -> dx (N, C, H, W); each window entry gets dout / (KH*KW)."""
    x_shape, kernel_size, stride = cache
    kh, kw, sh, sw, h_out, w_out = _geometry(x_shape, kernel_size, stride)
    dx = np.zeros(x_shape)
    for n in range(x_shape[0]):
        for c in range(x_shape[1]):
            for i in range(h_out):
                for j in range(w_out):
                    dx[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw] += dout[n, c, i, j] / (kh * kw)
    return dx
