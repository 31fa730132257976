"""Shape and cost arithmetic of a convolution layer, by hand before any arrays."""
from __future__ import annotations


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """Length of a convolution's output along one spatial axis.

    Args:
        size: H_in (or W_in), the input length along this axis.
        kernel: K_h (or K_w), the filter length along this axis.
        stride: str >= 1, the step between two neighbouring windows.
        pad: the number of zeros added on EACH side of this axis.

    Returns:
        H_out = floor((H_in + 2*pad - K_h) / str) + 1, as a Python int.
        An 8-long input and a 3-wide filter give 6; pad = floor(3 / 2) = 1 keeps the
        size at 8; stride 2 with that padding halves it to 4.
    """
    raise NotImplementedError("conv2d_output_size is not implemented yet")


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    """Number of parameters and of floating-point operations of one conv layer.

    Args:
        c_in: C_i, the number of input channels.
        c_out: C_o, the number of output channels (filters).
        kh, kw: K_h and K_w, the filter height and width.
        h_out, w_out: H_o and W_o, the size of the output feature map.

    Returns:
        (params, flops), two Python ints:
        params = C_o*C_i*K_h*K_w (weights) + C_o (one bias per filter);
        flops = params * H_o * W_o, since every output position uses every parameter once.
        e.g. conv2d_cost(1, 1, 3, 3, 6, 6) == (10, 360).
    """
    raise NotImplementedError("conv2d_cost is not implemented yet")
