"""A reference 'cache': the torch graph of one forward, so a backward is one autograd call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from reference import device


@dataclass
class Tape:
    out: torch.Tensor | tuple[torch.Tensor, ...]  # a tuple for a forward with several outputs
    inputs: tuple[torch.Tensor | None, ...]
    single: bool = False  # the backward returns dx alone, not a tuple

    def grads(self, *douts: np.ndarray) -> Any:
        """One upstream gradient per output -> the gradient of every input (zeros where unused)."""
        live = [t for t in self.inputs if t is not None]
        outs = self.out if isinstance(self.out, tuple) else (self.out,)
        upstream = [device.tensor(d) for d in douts]
        found = torch.autograd.grad(outs, live, grad_outputs=upstream, retain_graph=True, allow_unused=True)
        it = iter(found)
        grads = tuple(None if t is None else _zero_if_unused(next(it), t) for t in self.inputs)
        return grads[0] if self.single else grads


def _zero_if_unused(g: torch.Tensor | None, like: torch.Tensor) -> np.ndarray:
    return device.numpy(torch.zeros_like(like) if g is None else g)


def traced(fn: Callable[..., Any], arrays: tuple[np.ndarray | None, ...], *params: Any, single: bool = False) -> tuple[Any, Tape]:
    """Run `fn(*tensors, *params)` with grad-tracking leaves; return (out as numpy, Tape).
    A `fn` returning a tuple of tensors gives a tuple of arrays (a forward with several outputs)."""
    leaves = tuple(device.tensor(a, grad=True) for a in arrays)
    out = fn(*leaves, *params)
    if isinstance(out, tuple):
        return tuple(device.numpy(o) for o in out), Tape(out, leaves, single)
    return device.numpy(out), Tape(out, leaves, single)


def pair(v: int | tuple[int, int] | list[int]) -> tuple[int, int]:
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)
