"""An example that asks for an error (`Example.raises`): the forward must raise that exception
type, judged in the parent from the type name the worker reports, and only a working forward
earns it."""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import strategies as st

from grader.engine.grade import grade_submission
from grader.engine.plan import plan_part
from grader.options import GradeOptions
from grader.parts.transformer import TRANSFORMER
from grader.spec import Case, Example, Layer, PartSpec, Points

ARGS = ("x", "mask")
NOTHING_SEEN = Case(ARGS, (np.ones(3), np.zeros(3, dtype=bool)))
STUDENT = '''
def right(x, mask):
    if not mask.any():
        raise ValueError("every key is masked")
    return x * 1.0, None


def other(x, mask):
    raise TypeError("not the documented error")


def returns(x, mask):
    return x * 1.0, None
'''


def _layer(name: str) -> Layer:
    # No points of its own: only the examples below are planned.
    return Layer(forward=name, backward=None, arrays=("x",), no_grad=("mask",), cases=lambda scale: st.just(NOTHING_SEEN), points=Points())


def _example(name: str) -> Example:
    return Example(key=name, name=f"{name} raises", layer=name, case=NOTHING_SEEN, points=1, note="no key may be attended to", raises="ValueError")


TOY = PartSpec(
    name="raising",
    module="raising",
    reference=ModuleType("unused_reference"),  # never called for an example that must raise
    layers=tuple(_layer(n) for n in ("right", "other", "returns")),
    examples=tuple(_example(n) for n in ("right", "other", "returns")),
)


def test_an_example_passes_only_when_the_forward_raises_the_named_type(tmp_path: Path):
    (tmp_path / "assignments").mkdir()
    (tmp_path / "assignments" / "__init__.py").write_text("")
    (tmp_path / "assignments" / "raising.py").write_text(STUDENT)
    result = grade_submission(tmp_path, (TOY,), GradeOptions(timing=False))
    checks = {c.function: c for c in result.checks}
    assert checks["right"].outcome == "passed" and checks["right"].score == pytest.approx(1.0, abs=1e-12)
    assert checks["other"].outcome == "failed" and "other raised TypeError: not the documented error" in checks["other"].message
    assert "it should raise ValueError: no key may be attended to" in checks["other"].message
    assert checks["returns"].outcome == "failed"
    assert checks["returns"].message.startswith("returns returned instead of raising ValueError")
    assert result.score == pytest.approx(1.0, abs=1e-12)


def test_a_raising_example_counts_only_once_its_forward_passes():
    planned = {p.id: p for p in plan_part(TRANSFORMER, GradeOptions(visibility=("public",), timing=False))}
    raising = planned["transformer/attention_forward/example/fully-masked-row"]
    assert raising.gate == ("transformer/attention_forward/forward/public",)
    assert planned["transformer/attention_forward/example/causal-mask"].gate == ()


def test_an_example_that_raises_has_a_forward_target_and_no_expected_value():
    with pytest.raises(ValueError, match="forward target"):
        Example(key="k", name="n", layer="right", case=NOTHING_SEEN, points=1, note="", raises="ValueError", target="backward")
    with pytest.raises(ValueError, match="no expected value"):
        Example(key="k", name="n", layer="right", case=NOTHING_SEEN, points=1, note="", raises="ValueError", expected=np.ones(3))


def test_the_transformer_reference_raises_on_the_fully_masked_example():
    example = next(e for e in TRANSFORMER.examples if e.raises)
    with pytest.raises(ValueError, match="every key masked"):
        TRANSFORMER.reference.attention_forward(*example.case.args())
