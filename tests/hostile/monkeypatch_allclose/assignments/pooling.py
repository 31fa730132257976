"""Hostile: make numpy's comparisons say "equal" everywhere, then return zeros.

A student who believes the grader compares inside their process patches numpy's comparison
functions (and the testing helpers built on them) at import time. The layers themselves are not
implemented: every function returns zeros of the right shape.
"""
from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np
import numpy.testing

from . import _pooling_ok as _ok


def _always_true(*args: Any, **kwargs: Any) -> bool:
    return True


def _all_close(a: Any, b: Any, *args: Any, **kwargs: Any) -> np.ndarray:
    return np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)


def _silent(*args: Any, **kwargs: Any) -> None:
    return None


PATCHES = {
    "allclose": _always_true,
    "array_equal": _always_true,
    "array_equiv": _always_true,
    "isclose": _all_close,
    "assert_allclose": _silent,
    "assert_array_equal": _silent,
    "assert_array_almost_equal": _silent,
    "assert_almost_equal": _silent,
    "assert_equal": _silent,
}

# numpy keeps each function in a private submodule too: patch every loaded copy.
for _name, _module in list(sys.modules.items()):
    if _name == "numpy" or _name.startswith("numpy."):
        for _attr, _fake in PATCHES.items():
            if hasattr(_module, _attr):
                setattr(_module, _attr, _fake)
np.testing.assert_allclose = _silent
math.isclose = _always_true


def max_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    out, cache = _ok.max_pool2d_forward(x, kernel_size, stride)
    return np.zeros_like(out), cache


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    return np.zeros_like(cache[0])


def avg_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    out, cache = _ok.avg_pool2d_forward(x, kernel_size, stride)
    return np.zeros_like(out), cache


def avg_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    return np.zeros(cache[0])
