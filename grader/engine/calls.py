"""Calling a layer's student functions (in the worker) and reference functions (here) alike.

Student failures become `CallFailure`s with a message a student can act on; a hang, a dead worker
or a function not implemented yet is `fatal` (searching more cases cannot teach anything).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.compare import describe_type
from grader.sandbox.client import StudentError, Worker, WorkerDied, WorkerTimeout
from grader.sandbox.inside.wire import Handle
from grader.spec import Case, Layer, PartSpec


class CallFailure(Exception):
    def __init__(self, message: str, *, fatal: bool = False, traceback: str = "", input_free: bool = False):
        super().__init__(message)
        self.message = message
        self.fatal = fatal
        self.traceback = traceback
        self.input_free = input_free  # not about any input (not implemented, missing): show none


@dataclass
class StudentLayer:
    """The student's side of one layer, reached through a worker."""

    worker: Worker
    part: PartSpec
    layer: Layer

    def _call(self, func: str, args: list[Any], **kw: Any) -> Any:
        try:
            return self.worker.call(self.part.module, func, args, **kw)
        except StudentError as e:
            if e.type == "NotImplementedError":
                raise CallFailure(f"{func} is not implemented yet (it raises NotImplementedError)", fatal=True, input_free=True) from None
            if e.type == "AttributeError" and f"has no function {func}()" in e.text:
                raise CallFailure(e.text, fatal=True, input_free=True) from None
            raise CallFailure(f"{func} raised {e.type}: {e.text}", traceback=e.traceback) from None
        except (WorkerTimeout, WorkerDied) as e:
            raise CallFailure(f"{func}: {e}", fatal=True) from None

    def forward(self, case: Case, keep: bool = False, **kw: Any) -> tuple[Any, Handle | None, Any]:
        """-> (out, cache handle or None, the CallResult)."""
        layer = self.layer
        if not layer.returns_cache:
            res = self._call(layer.forward, case.args(), **kw)
            return res.value, None, res
        res = self._call(layer.forward, case.args(), keep=1 if keep else None, omit=None if keep else 1, **kw)
        value = res.value
        if not (isinstance(value, tuple) and len(value) == 2):
            raise CallFailure(f"{layer.forward} returned {describe_type(value)}; expected a pair (out, cache)")
        return value[0], value[1], res

    def backward(self, dout: np.ndarray, handle: Handle, **kw: Any) -> tuple[tuple[Any, ...], Any]:
        """-> (one gradient per array argument, the CallResult)."""
        layer = self.layer
        res = self._call(layer.backward_name, [dout, handle], release=(handle,), **kw)
        return normalize_grads(layer, res.value), res

    def forwards(self, arg_sets: list[list[Any]], timeout: float) -> list[Any]:
        """The forward's out on each argument list, in one round trip (finite differences).

        Any failure of the student's code is fatal: the inputs are the case's, barely moved."""
        func = self.layer.forward
        try:
            return self.worker.call_many(self.part.module, func, arg_sets, pick=0, timeout=timeout)
        except (StudentError, WorkerTimeout, WorkerDied) as e:
            raise CallFailure(f"{func} failed on a perturbed input: {e}", fatal=True) from None


def normalize_grads(layer: Layer, value: Any) -> tuple[Any, ...]:
    n = len(layer.arrays)
    if n == 1 and not isinstance(value, (tuple, list)):
        return (value,)
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(value)
    names = ", ".join("d" + a for a in layer.arrays)
    raise CallFailure(f"{layer.backward} returned {describe_type(value)}; expected {n} gradient(s): {names}")


def reference_forward(part: PartSpec, layer: Layer, case: Case) -> tuple[Any, Any]:
    """-> (expected out, reference cache or None)."""
    result = getattr(part.reference, layer.forward)(*case.args())
    return (result[0], result[1]) if layer.returns_cache else (result, None)


def reference_backward(part: PartSpec, layer: Layer, dout: np.ndarray, cache: Any) -> tuple[Any, ...]:
    return normalize_grads(layer, getattr(part.reference, layer.backward_name)(dout, cache))


def make_dout(case: Case, shape: tuple[int, ...]) -> np.ndarray:
    """The upstream gradient of a case: fixed by its seed, so replays see the same one."""
    return np.random.default_rng([case.seed, 7]).standard_normal(shape)
