"""Hostile: conv2d_forward never returns (a busy loop); conv2d_backward is correct."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._conv_ok import conv2d_backward  # noqa: F401


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    while True:
        pass
