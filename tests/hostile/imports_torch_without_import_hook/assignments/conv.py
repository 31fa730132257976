"""Hostile: the layer computed by PyTorch, imported after the grader's import hook is removed.

Before any forbidden import is tried, every hook in `sys.meta_path` that is not Python's own is
dropped, so no refusal is ever recorded; then torch is imported under a computed name. Only a
sandbox in which torch is not there to import stops it. It prints what happened.
"""
from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

NAME = "".join(chr(c) for c in (116, 111, 114, 99, 104))


def _torch() -> Any:
    sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__module__", "").startswith("_frozen_importlib")]
    try:
        torch = importlib.import_module(NAME)
        importlib.import_module(NAME + ".nn.functional")
    except Exception as exc:
        print(f"torch: out of reach without the hook ({type(exc).__name__}: {exc})", flush=True)
        raise
    print("torch: imported without the hook", flush=True)
    return torch


torch = _torch()


def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: Any = 1, pad: Any = 0) -> tuple[np.ndarray, Any]:
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    out = torch.nn.functional.conv2d(xt, wt, bt, stride=stride, padding=pad)
    return out.detach().numpy(), (xt, wt, bt, out)


def conv2d_backward(dout: np.ndarray, cache: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xt, wt, bt, out = cache
    out.backward(torch.from_numpy(dout))
    return xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()
