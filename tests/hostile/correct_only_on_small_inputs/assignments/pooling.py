"""Hostile: max_pool2d_forward is right only on small inputs (x.size < 200) and returns zeros of
the right shape otherwise, betting that graders test small arrays only. Its cache is right, so
the backward and average pooling pass."""
from __future__ import annotations

from typing import Any

import numpy as np

from ._pooling_ok import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward  # noqa: F401
from ._pooling_ok import max_pool2d_forward as _max_pool2d_forward

SMALL = 200


def max_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    out, cache = _max_pool2d_forward(x, kernel_size, stride)
    return (out if x.size < SMALL else np.zeros_like(out)), cache
