"""grader/engine/checks/gradcheck.py: kinks are skipped; only student failures are the student's."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from grader.engine.calls import CallFailure
from grader.engine.checks.gradcheck import _reference_agrees, gradcheck_case, probes
from grader.engine.search import Fatal
from grader.options import GradeOptions
from grader.parts import BY_NAME
from grader.spec import Case

POOLING = BY_NAME["pooling"]
MAX_POOL = POOLING.layer("max_pool2d_forward")


def test_indices_on_a_max_pool_near_tie_are_skipped_and_the_others_checked():
    # The two largest values differ by less than h: moving either by h changes which one is the max.
    x = np.array([[[[1.0, 1.0 + 1e-7], [0.0, 0.0]]]])
    case = Case(("x", "kernel_size", "stride"), (x, 2, None), seed=3)
    plan = probes(case, MAX_POOL)
    agrees = dict(zip((idx for _, _, idx, _ in plan), _reference_agrees(SimpleNamespace(part=POOLING), MAX_POOL, case, plan, (np.ones((1, 1, 1, 1)),))))  # type: ignore[arg-type]
    assert agrees == {0: False, 1: False, 2: True, 3: True}


class _Student:
    def __init__(self, forwards_raise: BaseException):
        self.error = forwards_raise

    def forward(self, case, keep=False):
        return (np.ones((1, 1, 1, 1)),), object(), None

    def backward(self, douts, handle):
        return (np.zeros((1, 1, 2, 2)),), None

    def forwards(self, arg_sets, timeout):
        raise self.error


def _ctx(error: BaseException) -> SimpleNamespace:
    return SimpleNamespace(part=POOLING, options=GradeOptions(), student=lambda layer: _Student(error))


CASE = Case(("x", "kernel_size", "stride"), (np.arange(4.0).reshape(1, 1, 2, 2), 2, None))


def test_a_student_failure_on_the_perturbed_inputs_ends_the_search_as_the_students():
    with pytest.raises(Fatal) as fatal:
        gradcheck_case(_ctx(CallFailure("max_pool2d_forward failed on a perturbed input: boom", fatal=True)), MAX_POOL, CASE)  # type: ignore[arg-type]
    assert "perturbed input" in fatal.value.failure.text


def test_a_grader_bug_is_not_charged_to_the_student():
    with pytest.raises(KeyError):
        gradcheck_case(_ctx(KeyError("a grader bug")), MAX_POOL, CASE)  # type: ignore[arg-type]
