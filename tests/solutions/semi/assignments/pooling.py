"""Max and average pooling, semi-vectorized: Python loops over samples and output positions,
numpy over the channels. A near-limit submission for calibrating the speed checks (docs/timing.md)."""
from __future__ import annotations

from typing import Any

import numpy as np


def _pair(v: int | tuple[int, int]) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def _geometry(shape: tuple[int, ...], kernel_size: Any, stride: Any) -> tuple[int, int, int, int, int, int]:
    """-> (KH, KW, stride_h, stride_w, H_out, W_out), H_out = (H - KH) // stride_h + 1."""
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(kernel_size if stride is None else stride)
    return kh, kw, sh, sw, (shape[2] - kh) // sh + 1, (shape[3] - kw) // sw + 1


def max_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W) -> out (N, C, H_out, W_out): each window's maximum, per channel."""
    kh, kw, sh, sw, h_out, w_out = _geometry(x.shape, kernel_size, stride)
    out = np.empty((x.shape[0], x.shape[1], h_out, w_out))
    for n in range(x.shape[0]):
        for r in range(h_out):
            for s in range(w_out):
                out[n, :, r, s] = x[n, :, r * sh : r * sh + kh, s * sw : s * sw + kw].reshape(x.shape[1], -1).max(axis=1)
    return out, (x, kh, kw, sh, sw)


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout (N, C, H_out, W_out) -> dx (N, C, H, W): each window's gradient to its first maximum."""
    x, kh, kw, sh, sw = cache
    dx = np.zeros_like(x)
    channels = np.arange(x.shape[1])
    for n in range(x.shape[0]):
        for r in range(dout.shape[2]):
            for s in range(dout.shape[3]):
                first = x[n, :, r * sh : r * sh + kh, s * sw : s * sw + kw].reshape(x.shape[1], -1).argmax(axis=1)
                dx[n, channels, r * sh + first // kw, s * sw + first % kw] += dout[n, :, r, s]
    return dx


def avg_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    """x (N, C, H, W) -> out (N, C, H_out, W_out): each window's mean, per channel."""
    kh, kw, sh, sw, h_out, w_out = _geometry(x.shape, kernel_size, stride)
    out = np.empty((x.shape[0], x.shape[1], h_out, w_out))
    for n in range(x.shape[0]):
        for r in range(h_out):
            for s in range(w_out):
                out[n, :, r, s] = x[n, :, r * sh : r * sh + kh, s * sw : s * sw + kw].mean(axis=(1, 2))
    return out, (x.shape, kh, kw, sh, sw)


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dout (N, C, H_out, W_out) -> dx (N, C, H, W): dout / (KH*KW) to every entry of its window."""
    shape, kh, kw, sh, sw = cache
    dx = np.zeros(shape)
    for n in range(shape[0]):
        for r in range(dout.shape[2]):
            for s in range(dout.shape[3]):
                dx[n, :, r * sh : r * sh + kh, s * sw : s * sw + kw] += dout[n, :, r, s, None, None] / (kh * kw)
    return dx
