"""Hostile: look for the expected answer in the caller's frames instead of computing it.

Walks `sys._getframe()` and `inspect.stack()` up from the call, looking for locals named like
the grader's expected values, then the garbage collector for any float array of the right shape
that is not an input. What it finds is returned; nothing found means zeros. It prints what it
walked, as a student probing the grader would.
"""
from __future__ import annotations

import gc
import inspect
import sys
from typing import Any

import numpy as np

from . import _conv_ok as _ok

NAMES = ("expected", "expected_out", "exp", "reference", "ref", "want", "target", "answer", "correct", "truth", "dx", "dw", "db")


def _search_frames(shape: tuple[int, ...], names: tuple[str, ...], seen: set[str]) -> np.ndarray | None:
    frames = []
    frame = sys._getframe(2)
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    frames += [info.frame for info in inspect.stack()]
    for f in frames:
        seen.add(f.f_code.co_filename)
        for name, value in f.f_locals.items():
            candidates = value if isinstance(value, (tuple, list)) else (value,)
            for v in candidates:
                if name in names and isinstance(v, np.ndarray) and v.shape == shape:
                    print(f"stealer: stole {name} from {f.f_code.co_filename}")
                    return v
    return None


def _search_heap(shape: tuple[int, ...], exclude: tuple[np.ndarray, ...]) -> np.ndarray | None:
    for obj in gc.get_objects():
        if isinstance(obj, np.ndarray) and obj.shape == shape and obj.dtype == np.float64 and not any(obj is e for e in exclude):
            print("stealer: stole an array of the right shape from the heap")
            return obj
    return None


def _steal(shape: tuple[int, ...], exclude: tuple[np.ndarray, ...]) -> np.ndarray:
    seen: set[str] = set()
    found = _search_frames(shape, NAMES, seen)
    if found is None:
        found = _search_heap(shape, exclude)
    print(f"stealer: walked frames of {sorted(seen)}; {'stole an array' if found is not None else 'stole nothing'}")
    return np.array(found) if found is not None else np.zeros(shape)


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    out, cache = _ok.conv2d_forward(x, w, b, stride, pad)
    shape = out.shape
    del out  # computed only for its shape: the values are to be stolen
    return _steal(shape, (x, w, b)), cache


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_shape, _, w, _, _ = cache
    return _steal(tuple(x_shape), (dout,)), _steal(w.shape, (dout, w)), _steal(w.shape[:1], (dout,))
