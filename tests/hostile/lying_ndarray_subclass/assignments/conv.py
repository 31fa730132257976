"""Hostile: return zeros inside an ndarray subclass whose comparisons and ufuncs lie.

Every comparison with the subclass says "equal", differences and absolute values come out zero,
`allclose`/`array_equal`/`isclose` say yes, `all()` is True and `max()` is 0. The class name
carries ANSI escapes, for a grader that prints `type(out).__name__` into its report.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import _conv_ok as _ok

_AGREE = (np.equal, np.less_equal, np.greater_equal, np.isfinite)
_ZERO = (np.subtract, np.absolute, np.not_equal, np.less, np.greater, np.isnan, np.isinf)


class _Agreeable(np.ndarray):
    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other: object) -> Any:  # type: ignore[override]
        return np.zeros(self.shape, dtype=bool)

    def __bool__(self) -> bool:
        return True

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        shape = np.broadcast(*[np.asarray(i) for i in inputs]).shape
        if ufunc in _AGREE:
            return np.ones(shape, dtype=bool)
        if ufunc in _ZERO:
            return np.zeros(shape, dtype=bool if ufunc.__name__.startswith(("is", "not", "less", "greater")) else float)
        plain = [np.asarray(i).view(np.ndarray) if isinstance(i, np.ndarray) else i for i in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func in (np.allclose, np.array_equal, np.array_equiv):
            return True
        if func is np.isclose:
            return np.ones(np.shape(args[0]), dtype=bool)
        return super().__array_function__(func, types, args, kwargs)

    def all(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return True

    def max(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return 0.0


LyingArray = type("\x1b[2J\x1b[H\x1b[32mPASSED 100/100\x1b[0m", (_Agreeable,), {})


def _lie(shape: tuple[int, ...]) -> np.ndarray:
    return np.zeros(shape).view(LyingArray)


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    out, cache = _ok.conv2d_forward(x, w, b, stride, pad)
    return _lie(out.shape), cache


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x_shape, _, w, _, _ = cache
    return _lie(x_shape), _lie(w.shape), _lie(w.shape[:1])
