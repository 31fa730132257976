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
    def __init__(self, message: str, *, fatal: bool = False, traceback: str = "", input_free: bool = False, raised: str = ""):
        super().__init__(message)
        self.message = message
        self.fatal = fatal
        self.traceback = traceback
        self.input_free = input_free  # not about any input (not implemented, missing): show none
        self.raised = raised  # the student's exception type name, where the student's code raised one


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
            raise CallFailure(f"{func} raised {e.type}: {e.text}", traceback=e.traceback, raised=e.type) from None
        except (WorkerTimeout, WorkerDied) as e:
            raise CallFailure(f"{func}: {e}", fatal=True) from None

    def forward(self, case: Case, keep: bool = False, **kw: Any) -> tuple[tuple[Any, ...], Handle | None, Any]:
        """-> (the forward's outputs, one per name in `layer.outputs`; cache handle or None; the CallResult)."""
        layer = self.layer
        args = sendable_args(layer, case)
        if not layer.returns_cache:
            res = self._call(layer.forward, args, **kw)
            return split_outputs(layer, res.value), None, res
        n = len(layer.outputs)
        res = self._call(layer.forward, args, keep=n if keep else None, omit=None if keep else n, **kw)
        value = res.value
        if not (isinstance(value, tuple) and len(value) == n + 1):
            raise CallFailure(f"{layer.forward} returned {describe_type(value)}; expected {_shape_of_return(layer)}")
        return tuple(value[:n]), value[n], res

    def backward(self, douts: tuple[np.ndarray, ...], handle: Handle, **kw: Any) -> tuple[tuple[Any, ...], Any]:
        """-> (one gradient per array argument, the CallResult); `douts`: one per output."""
        layer = self.layer
        res = self._call(layer.backward_name, [*douts, handle], release=(handle,), **kw)
        return normalize_grads(layer, res.value), res

    def forwards(self, arg_sets: list[list[Any]], timeout: float) -> list[tuple[Any, ...]]:
        """The forward's outputs on each argument list, in one round trip (finite differences).

        Any failure of the student's code is fatal: the inputs are the case's, barely moved."""
        func = self.layer.forward
        n = len(self.layer.outputs)
        # One output: pick 0, the single value; several: the list of their positions.
        pick: int | list[int] = 0 if n == 1 else list(range(n))
        try:
            values = self.worker.call_many(self.part.module, func, arg_sets, pick=pick, timeout=timeout)
        except (StudentError, WorkerTimeout, WorkerDied) as e:
            raise CallFailure(f"{func} failed on a perturbed input: {e}", fatal=True) from None
        if n == 1:
            return [(v,) for v in values]
        return [tuple(v) if isinstance(v, (tuple, list)) and len(v) == n else (v,) * n for v in values]


def _shape_of_return(layer: Layer) -> str:
    names = (*layer.outputs, "cache") if layer.returns_cache else layer.outputs
    count = {2: "a pair", 3: "a triple"}.get(len(names), f"a tuple of {len(names)}")
    return f"{count} ({', '.join(names)})"


def split_outputs(layer: Layer, value: Any) -> tuple[Any, ...]:
    """The outputs of a forward that returns no cache: its value, or its tuple of several."""
    n = len(layer.outputs)
    if n == 1:
        return (value,)
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(value)
    raise CallFailure(f"{layer.forward} returned {describe_type(value)}; expected {_shape_of_return(layer)}")


def sendable_args(layer: Layer, case: Case) -> list[Any]:
    """The case's arguments, once checked: a bool or integer array only where the spec declares an
    input with no gradient (`Layer.no_grad`). The wire carries those dtypes for such inputs (and
    in replies, so the contract check can name a wrong dtype); anywhere else one is a spec bug."""
    for name, value in zip(case.names, case.values):
        if isinstance(value, np.ndarray) and value.dtype.kind != "f" and name not in layer.no_grad:
            raise ValueError(f"{layer.forward}: input {name} is an array of dtype {value.dtype}, but only inputs in no_grad may be")
    return case.args()


def normalize_grads(layer: Layer, value: Any) -> tuple[Any, ...]:
    n = len(layer.arrays)
    if n == 1 and not isinstance(value, (tuple, list)):
        return (value,)
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(value)
    names = ", ".join("d" + a for a in layer.arrays)
    raise CallFailure(f"{layer.backward} returned {describe_type(value)}; expected {n} gradient(s): {names}")


def reference_forward(part: PartSpec, layer: Layer, case: Case) -> tuple[tuple[Any, ...], Any]:
    """-> (the expected outputs, one per name in `layer.outputs`; the reference cache or None)."""
    result = getattr(part.reference, layer.forward)(*case.args())
    if not layer.returns_cache:
        return split_outputs(layer, result), None
    n = len(layer.outputs)
    return tuple(result[:n]), result[n]


def reference_backward(part: PartSpec, layer: Layer, douts: tuple[np.ndarray, ...], cache: Any) -> tuple[Any, ...]:
    return normalize_grads(layer, getattr(part.reference, layer.backward_name)(*douts, cache))


def make_douts(case: Case, outs: tuple[Any, ...]) -> tuple[np.ndarray, ...]:
    """The upstream gradients of a case, one per output of the shapes of `outs`: fixed by its seed,
    so replays see the same ones (the first is the one a single-output layer always had)."""
    rng = np.random.default_rng([case.seed, 7])
    return tuple(rng.standard_normal(np.shape(o)) for o in outs)


def one_or_all(douts: tuple[np.ndarray, ...]) -> Any:
    """What a diagnosis and `check --repro` get as dout: the array, or the tuple when there are several."""
    return douts[0] if len(douts) == 1 else douts
