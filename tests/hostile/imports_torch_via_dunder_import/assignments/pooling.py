"""Hostile: max pooling computed by PyTorch, reached by tricks a static import check misses.

The module name is never written as a literal. In order: `__import__("to" + "rch")`,
`importlib.import_module` of a reversed string, the builtin `__import__` looked up by a computed
key, and finally taking every import hook that is not Python's own out of `sys.meta_path` before
importing again. It prints which trick worked. Average pooling is correct.
"""
from __future__ import annotations

import builtins
import importlib
import sys
from typing import Any

import numpy as np

from ._pooling_ok import avg_pool2d_backward, avg_pool2d_forward  # noqa: F401

NAME = "to" + "rch"
_found: dict[str, Any] = {}


def _drop_hooks() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__module__", "").startswith("_frozen_importlib")]
    for name in [m for m in sys.modules if m.partition(".")[0] == NAME]:
        del sys.modules[name]


def _torch() -> Any:
    if NAME in _found:
        return _found[NAME]
    refusals = []
    tricks = (
        ("__import__", lambda: __import__("to" + "rch")),
        ("importlib", lambda: importlib.import_module("hcrot"[::-1])),
        ("builtins lookup", lambda: vars(builtins)["__imp" + "ort__"](NAME)),
        ("meta_path removal", lambda: (_drop_hooks(), importlib.import_module(NAME))[1]),
    )
    for label, trick in tricks:
        try:
            torch = trick()
            importlib.import_module(NAME + ".nn.functional")
        except Exception as exc:  # each refusal is reported, then the next trick is tried
            refusals.append(f"{label}: {type(exc).__name__}")
            continue
        print(f"torch: reached via {label} (refused before: {refusals})")
        _found[NAME] = torch
        return torch
    print(f"torch: every trick refused ({'; '.join(refusals)})")
    raise ImportError("torch is out of reach")


def max_pool2d_forward(x: np.ndarray, kernel_size: Any, stride: Any = None) -> tuple[np.ndarray, Any]:
    torch = _torch()
    xt = torch.tensor(x, requires_grad=True)
    out = torch.nn.functional.max_pool2d(xt, kernel_size, stride=stride)
    return out.detach().numpy(), (xt, out)


def max_pool2d_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    torch = _torch()
    xt, out = cache
    out.backward(torch.from_numpy(dout))
    return xt.grad.numpy()
