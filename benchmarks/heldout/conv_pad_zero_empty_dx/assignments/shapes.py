"""Shape and cost arithmetic of a convolution layer."""
from __future__ import annotations


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """H_out = floor((H_in + 2*pad - K) / stride) + 1."""
    padded = size + 2 * pad
    return (padded - kernel) // stride + 1


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    """(params, flops): every output position uses every parameter (weights and bias) once."""
    weights = c_out * c_in * kh * kw
    params = weights + c_out
    return params, params * h_out * w_out
