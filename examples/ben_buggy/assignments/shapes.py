"""Conv layer arithmetic."""
from __future__ import annotations


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """How many positions the filter takes along one axis."""
    return (size + pad - kernel) // stride + 1


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    """(number of parameters, number of flops)."""
    params = c_in * kh * kw * c_out + c_out
    flops = params * h_out * w_out
    return params, flops
