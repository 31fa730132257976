"""Hostile: the layer computed by PyTorch, imported plainly (the course allows numpy only)."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.conv2d(xt, wt, bt, stride=stride, padding=pad)
    return out.detach().numpy(), (xt, wt, bt, out)


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xt, wt, bt, out = cache
    out.backward(torch.from_numpy(dout))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()
