"""Which torch device the references run on, and numpy <-> torch conversion."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, overload

import numpy as np
import torch

DeviceChoice = Literal["auto", "cpu", "cuda"]

_device = torch.device("cpu")


def use(choice: DeviceChoice = "auto") -> str:
    """Select the reference device; returns a description such as 'cuda (NVIDIA H100)'."""
    global _device
    if choice == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for, but torch sees no CUDA device")
    if choice == "cuda" or (choice == "auto" and torch.cuda.is_available()):
        _device = torch.device("cuda")
    else:
        _device = torch.device("cpu")
    return describe()


def warm_up() -> None:
    """Import what torch imports on the first backward with an upstream gradient and on the first
    shape check (sympy, through its symbolic shapes: 0.6-0.9 s). Called where grading processes are
    forked from (the batch's fork server, grader.engine.parallel before it forks), so each forked
    process starts with it done instead of paying for it again."""
    import torch.fx.experimental.symbolic_shapes  # noqa: F401


def describe() -> str:
    if _device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(_device)})"
    return f"cpu (torch {torch.__version__})"


@overload
def tensor(a: np.ndarray, grad: bool = False) -> torch.Tensor: ...
@overload
def tensor(a: None, grad: bool = False) -> None: ...
def tensor(a: np.ndarray | None, grad: bool = False) -> torch.Tensor | None:
    if a is None:
        return None
    return torch.tensor(np.asarray(a, dtype=np.float64), device=_device, requires_grad=grad)


def exact(a: np.ndarray) -> torch.Tensor:
    """A tensor of the array's own dtype (integer targets, boolean masks: no gradient, no float64)."""
    return torch.as_tensor(np.asarray(a), device=_device)


@overload
def numpy(t: torch.Tensor) -> np.ndarray: ...
@overload
def numpy(t: None) -> None: ...
def numpy(t: torch.Tensor | None) -> np.ndarray | None:
    return None if t is None else t.detach().to("cpu").numpy().copy()


@contextmanager
def on_cpu() -> Iterator[None]:
    """Run references on the CPU for a while (timing ratios are always against the CPU)."""
    global _device
    saved, _device = _device, torch.device("cpu")
    try:
        yield
    finally:
        _device = saved
