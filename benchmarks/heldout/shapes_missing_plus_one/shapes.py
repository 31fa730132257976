"""Output size and cost of a conv layer."""
from __future__ import annotations


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """Number of positions the kernel can slide to."""
    return (size + 2 * pad - kernel) // stride


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    params = c_out * (c_in * kh * kw + 1)
    return params, params * h_out * w_out
