"""grader/engine/plan.py: the checks a spec implies, with stable ids and gates by id."""
from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from grader.engine.grade import _run
from grader.engine.plan import plan_part
from grader.options import GradeOptions
from grader.parts import BY_NAME
from grader.results import CheckResult
from grader.spec import Diagnosis, PartSpec

BOTH = GradeOptions(visibility=("public", "hidden"))


def test_every_check_has_a_unique_id_of_part_function_kind_inputs():
    for part in BY_NAME.values():
        planned = plan_part(part, BOTH)
        ids = [p.id for p in planned]
        assert len(ids) == len(set(ids)), part.name
        for p in planned:
            name, function, kind, _ = p.id.split("/")
            assert (name, function, kind) == (part.name, p.function, p.kind)


def test_ids_are_fixed_and_labels_are_for_people():
    by_id = {p.id: p for p in plan_part(BY_NAME["conv"], BOTH)}
    assert by_id["conv/conv2d_backward/gradcheck/grad"].label == "conv2d_backward gradcheck"
    assert by_id["conv/conv2d_forward/forward/hidden"].label == "conv2d_forward forward (hidden)"
    assert by_id["conv/conv2d_forward/example/slide-edge-filter"].label == "slide 8x8 edge filter"


def test_gates_name_ids_that_exist_in_the_plan():
    planned = plan_part(BY_NAME["conv"], BOTH)
    ids = {p.id for p in planned}
    gates = {p.id: p.gate for p in planned if p.gate}
    assert gates["conv/conv2d_backward/gradcheck/grad"] == ("conv/conv2d_forward/forward/public", "conv/conv2d_backward/backward/public")
    assert gates["conv/conv2d_forward/contract/sample"] == ("conv/conv2d_forward/forward/public",)
    assert gates["conv/conv2d_backward/timing/benchmark"] == ("conv/conv2d_backward/backward/public",)
    assert all(g in ids for gate in gates.values() for g in gate)


def test_check_plans_public_checks_only_and_no_timing_when_asked():
    planned = plan_part(BY_NAME["conv"], GradeOptions(timing=False))
    assert {p.visibility for p in planned} == {"public"}
    assert not any(p.kind == "timing" for p in planned)


def _failed(p) -> CheckResult:
    return CheckResult(id=p.id, part="conv", name=p.label, function=p.function, kind=p.kind, visibility=p.visibility,
                       outcome="failed", score=0.0, max_score=p.points, message="wrong")


def test_a_failed_gate_skips_timing_without_running_it():
    planned = {p.id: p for p in plan_part(BY_NAME["conv"], BOTH)}
    forward = planned["conv/conv2d_forward/forward/public"]
    timing = planned["conv/conv2d_forward/timing/benchmark"]
    ctx = SimpleNamespace(part=BY_NAME["conv"])  # no worker: a check that ran would fail loudly
    result = _run(ctx, timing, {forward.id: _failed(forward)})  # type: ignore[arg-type]
    assert (result.outcome, result.score) == ("skipped", 0.0)
    assert result.message == "not run: conv2d_forward forward must pass first"


def test_a_misspelled_diagnosis_function_is_refused_when_the_spec_is_made():
    conv = BY_NAME["conv"]
    typo = Diagnosis(function="conv2d_forwrd", hint="h", variant=lambda case, dout: dout)
    with pytest.raises(ValueError, match="conv2d_forwrd"):
        replace(conv, diagnoses=(*conv.diagnoses, typo))
    with pytest.raises(ValueError, match="names no layer"):
        PartSpec(name="x", module="x", reference=conv.reference, layers=conv.layers,
                 examples=(replace(conv.examples[0], layer="nope"),))
