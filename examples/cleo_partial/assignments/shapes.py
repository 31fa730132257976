"""Shape and cost arithmetic of a convolution layer, by hand before any arrays."""
from __future__ import annotations


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """Number of window positions along one axis: floor((size + 2*pad - kernel) / stride) + 1."""
    positions = 0
    start = 0
    # walk the window along the padded axis, the way the slides draw it
    while start + kernel <= size + 2 * pad:
        positions += 1
        start += stride
    return positions


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    """(params, flops) of one conv layer."""
    params = c_out * (c_in * kh * kw + 1)
    return params, params * h_out * w_out
