"""Hostile: max_pool2d_forward computes its answer, then ends the process with status 0.

A grader that takes "the process exited cleanly" for success would count the call as passed.
The other pooling functions are correct.
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from ._pooling_ok import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward  # noqa: F401
from ._pooling_ok import max_pool2d_forward as _max_pool2d_forward


def max_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    _max_pool2d_forward(x, kernel_size, stride)
    print("PASSED", flush=True)
    os._exit(0)
