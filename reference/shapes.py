"""Reference output-size and cost formulas of a 2-D convolution (lecture: padding, stride, # params)."""

from __future__ import annotations

import torch


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    """floor((size + 2*pad - kernel) / stride) + 1, read off torch's own shape arithmetic."""
    probe = torch.nn.functional.conv2d(
        torch.zeros(1, 1, size, 1, device="meta"), torch.zeros(1, 1, kernel, 1, device="meta"), stride=(stride, 1), padding=(pad, 0)
    )
    return int(probe.shape[2])


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    """(params, flops): params = C_o*C_i*K_h*K_w + C_o; flops = params * H_o * W_o."""
    layer = torch.nn.Conv2d(c_in, c_out, (kh, kw), bias=True, device="meta")
    params = sum(p.numel() for p in layer.parameters())
    return params, params * h_out * w_out
