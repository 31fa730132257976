"""Output size and cost of a conv layer."""
from __future__ import annotations


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    return (size + 2 * pad - kernel) // stride + 1


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    # one kh x kw x c_in filter per output channel
    params = c_out * c_in * kh * kw
    flops = params * h_out * w_out
    return params, flops
