"""Output size and cost of a conv layer."""
from __future__ import annotations

import math


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    n_steps = math.ceil((size + 2 * pad - kernel) / stride)
    return int(n_steps) + 1


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    n_weights = kh * kw * c_in * c_out
    n_params = n_weights + c_out
    return n_params, n_params * h_out * w_out
