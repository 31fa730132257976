"""An assignment part, declared as data: its functions, reference, inputs, tolerances and points.

A part names a student module (`assignments/<module>.py`) and the reference module with the same
signatures. Each `Layer` is a forward (and its backward): the engine derives its forward,
backward, hidden, gradcheck, contract and timing checks from the declaration. Adding a layer takes
one spec and one reference; the engine does not change.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal

import numpy as np
from hypothesis.strategies import SearchStrategy

from grader.compare import Tolerance
from grader.results import Counterexample, Kind

Scale = Literal["public", "hidden", "grad"]


def arg_names(fn: Callable[..., Any]) -> tuple[str, ...]:
    """A function's parameter names, in order: a Case's names come from the reference's signature."""
    return tuple(inspect.signature(fn).parameters)


@dataclass(frozen=True)
class Case:
    """One call's positional arguments, by name, plus the seed its values and dout come from."""

    names: tuple[str, ...]
    values: tuple[Any, ...]
    seed: int = 0

    def args(self) -> list[Any]:
        return list(self.values)

    def get(self, name: str) -> Any:
        return self.values[self.names.index(name)]

    def replace(self, name: str, value: Any) -> Case:
        i = self.names.index(name)
        return Case(self.names, self.values[:i] + (value,) + self.values[i + 1 :], self.seed)

    def __repr__(self) -> str:
        # Hypothesis writes out the failing case: shapes, not every value of a hidden-size array.
        return f"Case({self.summary()}, seed={self.seed})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """What hypothesis's printer shows (it reads this before a dataclass's fields): the repr."""
        printer.text(repr(self))

    def summary(self) -> str:
        parts = []
        for name, v in zip(self.names, self.values):
            if isinstance(v, np.ndarray):
                parts.append(f"{name} {tuple(v.shape)}")
            else:
                parts.append(f"{name}={v!r}")
        return ", ".join(parts)

    def counterexample(self) -> Counterexample:
        shapes = {n: list(v.shape) for n, v in zip(self.names, self.values) if isinstance(v, np.ndarray)}
        params = {n: _jsonable(v) for n, v in zip(self.names, self.values) if not isinstance(v, np.ndarray)}
        return Counterexample(self.summary(), params, shapes)


def _jsonable(v: Any) -> Any:
    if isinstance(v, tuple):
        return list(v)
    return v


@dataclass(frozen=True, kw_only=True)
class Points:
    """Points per check kind of one layer; zero means the check is not run."""

    forward: float = 0
    backward: float = 0
    hidden_forward: float = 0
    hidden_backward: float = 0
    gradcheck: float = 0
    contract: float = 0
    timing_forward: float = 0
    timing_backward: float = 0


@dataclass(frozen=True, kw_only=True)
class Timing:
    """Student CPU time over the CPU reference's, fastest of `repeats` runs each taken in turns on
    fresh `benchmark` inputs, must stay <= max_ratio (see grader/engine/checks/timing.py, docs/timing.md)."""

    benchmark: Callable[[np.random.Generator], Case]
    max_ratio: float
    repeats: int = 7


@dataclass(frozen=True, kw_only=True)
class Diagnosis:
    """A known mistake: when the student's value matches `variant`, feedback names the mistake.

    `variant(case, dout)` returns the buggy value of output `output` (None: the forward's output
    number `forward_output`, and dout is None; k: the backward's k-th gradient, for that dout,
    which is a tuple of one upstream gradient per output when the layer has several)."""

    function: str
    hint: str
    variant: Callable[[Case, Any], Any]
    output: int | None = None
    forward_output: int = 0
    key: str = ""  # the mistake's stable id ("conv-kernel-flipped"), counted by the class report; required by PartSpec


@dataclass(frozen=True)
class Seen:
    """What a signature looks at: one failing case, the student's value, the reference's, and
    the upstream gradient (None for a forward)."""

    case: Case
    actual: Any
    expected: Any
    dout: Any = None
    error: str = ""  # the call's error and traceback, for a signature `on_error`


@dataclass(frozen=True, kw_only=True)
class Signature:
    """A known mistake recognised by a trait of the failing value, not by its whole value: a
    specific shape, an exact factor, which entries are wrong, a failure only when sh != sw.

    `matches(seen)` decides it from what the parent holds (never by running student code).
    `output` and `forward_output` pick the value as for `Diagnosis`. Signatures are weighed only
    when no `Diagnosis` matches the same failure: a value match is the stronger evidence.
    `on_error`: the signature reads a call that raised (seen.actual is None, seen.error its
    text), e.g. two shapes that cannot be added only when the stride is > 1."""

    function: str
    hint: str
    matches: Callable[[Seen], bool]
    output: int | None = None
    forward_output: int = 0
    key: str = ""
    on_error: bool = False


@dataclass(frozen=True, kw_only=True)
class Layer:
    """A forward and its backward, graded against the reference functions of the same names.

    forward(*case) -> (*outputs, cache) when `returns_cache`, else -> the outputs (one value, or a
    tuple when there are several; compared exactly when `exact`). backward(*douts, cache) takes
    one upstream gradient per output, in order (`lstm_step_backward(dnext_h, dnext_c, cache)`),
    and returns one gradient per name in `arrays`, in order (a single array when there is one).

    `arrays` are the differentiable array arguments; `no_grad` names the array arguments that get
    no gradient (integer targets, boolean masks): the only ones that may be sent as bool or
    integer arrays. `scalars` names outputs that are a float (a loss), not an array."""

    forward: str
    backward: str | None
    arrays: tuple[str, ...]
    cases: Callable[[Scale], SearchStrategy[Case]]
    points: Points
    tol: Tolerance = Tolerance()
    sample: Callable[[np.random.Generator], Case] | None = None  # a moderate fixed case (contract)
    timing: Timing | None = None
    returns_cache: bool = True
    exact: bool = False
    examples: dict[Scale, int] = field(default_factory=lambda: {"public": 30, "hidden": 30, "grad": 4})
    outputs: tuple[str, ...] = ("out",)
    scalars: tuple[str, ...] = ()
    no_grad: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.outputs or len(set(self.outputs)) != len(self.outputs):
            raise ValueError(f"{self.forward}: outputs must be distinct names, at least one")
        if not set(self.scalars) <= set(self.outputs):
            raise ValueError(f"{self.forward}: scalars {self.scalars} are not all outputs {self.outputs}")
        if self.scalars and self.backward is not None:
            raise ValueError(f"{self.forward}: a layer with a backward has array outputs only")
        if set(self.no_grad) & set(self.arrays):
            raise ValueError(f"{self.forward}: an input is in both arrays and no_grad")

    @property
    def backward_name(self) -> str:
        """The backward's name, for the checks that only a layer with a backward has."""
        if self.backward is None:
            raise ValueError(f"{self.forward} has no backward")
        return self.backward

    def output_label(self, i: int) -> str:
        """How output i is named in feedback: "out" (or "value" for a count) when it is the only one."""
        if len(self.outputs) == 1:
            return "value" if self.exact else "out"
        return self.outputs[i]

    @property
    def douts(self) -> tuple[str, ...]:
        """The backward's upstream gradients' names, one per output: ("dout",), ("dnext_h", "dnext_c")."""
        return tuple("d" + o for o in self.outputs)


@dataclass(frozen=True, kw_only=True)
class Example:
    """A fixed case (a lecture worked example, a documented tie rule) with its expected value.

    `expected` None means: whatever the reference returns. `target` is the forward's out or the
    backward's gradients (dout is then `dout`). `key` names it in the check's id: keep it when
    the displayed `name` changes. `raises` names the exception type the forward must raise on
    this case instead (a documented error: a query with every key masked raises ValueError),
    judged in the parent from the type name the worker reports; the reference is not called."""

    key: str
    name: str
    layer: str
    case: Case
    points: float
    note: str
    expected: Any = None
    target: Literal["forward", "backward"] = "forward"
    kind: Kind = "example"
    dout: np.ndarray | None = None
    raises: str | None = None

    def __post_init__(self) -> None:
        if self.raises is not None and (self.target != "forward" or self.expected is not None):
            raise ValueError(f"example {self.key}: an example that raises has a forward target and no expected value")


@dataclass(frozen=True)
class Dataset:
    """A labelled data set, split once: it lives in the parent; the worker sees one minibatch at a time."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True, kw_only=True)
class Training:
    """Train the student's network with plain minibatch SGD and compare it with the reference's run.

    `network` names a layer whose forward is network(x, *params) -> (scores, cache) and whose
    backward returns (dx, *dparams); `loss` names a layer loss(scores, y) -> (loss, dscores).
    Both run in the worker; the data (`data()`, called in the parent) and the update
    params -= lr_t * dparams stay in the parent, with lr_t = lr * (1 - t / steps) (a linear decay
    to 0). The initial parameters (`init`) and the minibatches (`batch_size` samples, drawn
    without replacement, epoch after epoch) come from `seed`; the reference trains from the same
    ones. Passes when every step's loss is within `loss_tol` of the reference's
    (|yours - reference| <= atol + rtol * |reference|) and the trained network classifies at
    least `min_accuracy` of the held-out samples (see grader/engine/checks/training.py)."""

    key: str  # the check's id: part/<network>/training/<key>
    network: str
    loss: str
    data: Callable[[], Dataset]
    init: Callable[[np.random.Generator], tuple[np.ndarray, ...]]
    seed: int
    steps: int
    batch_size: int
    lr: float
    loss_tol: Tolerance
    min_accuracy: float
    points: float
    note: str  # how the data is prepared, for the feedback
    rows: int = 10  # loss-table rows in the feedback (the first and last steps, and the first divergence, always shown)
    eval_batch: int = 120  # held-out samples per forward call, to stay inside the per-call limit
    budget_seconds: float = 300.0  # the whole run, student calls included; past it the check fails


@dataclass(frozen=True, kw_only=True)
class PartSpec:
    name: str
    module: str
    reference: ModuleType
    layers: tuple[Layer, ...]
    examples: tuple[Example, ...] = ()
    diagnoses: tuple[Diagnosis | Signature, ...] = ()
    seed: int = 0
    # Parts whose student modules this part is built from (seq2seq imports the student's rnn.py):
    # an assignment with this part must hand those out too (grader.course).
    builds_on: tuple[str, ...] = ()
    training: Training | None = None

    def __post_init__(self) -> None:
        # A misspelled name would silently never match: refuse the spec when it is loaded.
        functions = {f for layer in self.layers for f in (layer.forward, layer.backward) if f}
        for d in self.diagnoses:
            if d.function not in functions:
                raise ValueError(f"part {self.name}: Diagnosis.function {d.function!r} is none of {sorted(functions)}")
            if not d.key:  # results and the class report count mistakes by key (CheckResult.mistakes)
                raise ValueError(f"part {self.name}: a diagnosis of {d.function} has no key")
        forwards = [layer.forward for layer in self.layers]
        for ex in self.examples:
            if ex.layer not in forwards:
                raise ValueError(f"part {self.name}: Example {ex.key!r} names no layer ({ex.layer!r})")
        if self.training is not None:
            t = self.training
            if t.network not in forwards or self.layer(t.network).backward is None:
                raise ValueError(f"part {self.name}: Training.network {t.network!r} names no layer with a backward")
            if t.loss not in forwards or len(self.layer(t.loss).outputs) != 2:
                raise ValueError(f"part {self.name}: Training.loss {t.loss!r} names no layer returning (loss, dscores)")
        keys = [ex.key for ex in self.examples]
        if len(set(keys)) != len(keys):
            raise ValueError(f"part {self.name}: two examples share a key")

    def layer(self, forward: str) -> Layer:
        for layer in self.layers:
            if layer.forward == forward:
                return layer
        raise KeyError(forward)
