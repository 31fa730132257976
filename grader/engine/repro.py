"""`check --repro DIR`: a failing public case as files a student can rerun without the grader's sandbox.

For one failing comparison, or one call that raised or hung, it writes `repro_<stem>.npz` (the case's arrays, the upstream gradient
`dout` where there is one (`dout_<output>` for each output of a layer with several), and the
reference's `expected` output) and `repro_<stem>.py`, a script
that needs numpy only: it imports the student's module from the folder it is run in (or the one
given as its argument), calls the function on those inputs, and prints the comparison in
`check`'s own words (it imports `grader.compare`, which needs numpy only). Never for a hidden
check: the callers pass no stem for one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from grader.engine.context import CaseFailure
from grader.paths import REPO
from grader.spec import Case, Layer, PartSpec

SCRIPT = '''"""Rerun {function} on the case `check` found failing: python {script} [FOLDER holding assignments/]."""
import importlib
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FOLDER = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
sys.path[:0] = [str(FOLDER), {grader!r}]
from grader.compare import Tolerance, compare_exact, compare_value  # numpy only, no torch

try:
    module = importlib.import_module("assignments.{module}")
except ModuleNotFoundError:
    module = importlib.import_module("{module}")
data = np.load(HERE / "{npz}")
ARGS = {args!r}  # (name, None) for an array stored in the .npz, else (name, value), None included
args = [data["arg_" + name] if "arg_" + name in data.files else value for name, value in ARGS]
OUTPUTS = {outputs!r}  # what the forward returns{before_cache}
result = getattr(module, "{forward}")(*args)
if {returns_cache!r}:
    got = result[{which!r}]
else:
    got = result[{which!r}] if len(OUTPUTS) > 1 else result
GRADIENT = {output!r}  # which gradient of the backward is compared; None: the forward's output
if GRADIENT is not None:
    douts = [data["dout"]] if len(OUTPUTS) == 1 else [data["dout_" + name] for name in OUTPUTS]
    grads = getattr(module, "{backward}")(*douts, result[len(OUTPUTS)])
    got = grads[GRADIENT] if isinstance(grads, (tuple, list)) else grads
EXACT = {exact!r}  # a count (output size, cost): compared exactly, with the expected value here
if EXACT is not None:
    comparison = compare_exact(got, EXACT)
else:
    comparison = compare_value(got, data["expected"], Tolerance({rtol!r}, {atol!r}), scalar={scalar!r})
print("{function}: " + comparison.describe("{label}"))
sys.exit(0 if comparison.ok else 1)
'''


def write(folder: Path, stem: str, part: PartSpec, layer: Layer, case: Case, failure: CaseFailure) -> Path:
    """The .npz and the script of one failing comparison; -> the script's path."""
    folder.mkdir(parents=True, exist_ok=True)
    output, which = failure.output, failure.forward_output
    arrays = {f"arg_{n}": v for n, v in zip(case.names, case.values) if isinstance(v, np.ndarray)}
    if not layer.exact:
        arrays["expected"] = np.asarray(failure.expected)
    if failure.dout is not None:
        if len(layer.outputs) == 1:
            arrays["dout"] = np.asarray(failure.dout)
        else:
            arrays.update({f"dout_{name}": np.asarray(d) for name, d in zip(layer.outputs, failure.dout)})
    npz = folder / f"repro_{stem}.npz"
    np.savez(npz, **arrays)  # type: ignore[arg-type]
    script = folder / f"repro_{stem}.py"
    script.write_text(
        SCRIPT.format(
            function=failure.function,
            script=script.name,
            grader=str(REPO),
            module=part.module,
            npz=npz.name,
            args=[(n, None if isinstance(v, np.ndarray) else v) for n, v in zip(case.names, case.values)],
            outputs=layer.outputs,
            before_cache=", then its cache" if layer.returns_cache else "",
            forward=layer.forward,
            backward=layer.backward_name if output is not None else "",
            returns_cache=layer.returns_cache,
            which=which,
            output=output,
            rtol=layer.tol.rtol,
            atol=layer.tol.atol,
            scalar=output is None and layer.outputs[which] in layer.scalars,
            label=layer.output_label(which) if output is None else f"d{layer.arrays[output]}",
            exact=_literal(failure.expected) if layer.exact else None,
        )
    )
    return script


def _literal(value: Any) -> Any:
    """An exact expected value as plain Python ints and tuples, so the script can hold it."""
    if isinstance(value, tuple | list):
        return tuple(_literal(v) for v in value)
    return value.item() if isinstance(value, np.generic) else value
