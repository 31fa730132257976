"""grader/redact.py: a hidden check reaches no renderer with more than its label, outcome,
points and a fixed sentence, whatever the result it came from holds."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from render_fixtures import check, sample_result
from rich.console import Console

from grader import hidden
from grader.redact import redact
from grader.render.csv_table import grades_rows
from grader.render.feedback_md import to_feedback_markdown
from grader.render.gradescope import to_gradescope
from grader.render.junit import to_junit_xml
from grader.render.summary import to_markdown_summary
from grader.render.terminal import render_batch, render_submission
from grader.results import Counterexample, PartResult

SECRET = "x=0.7391 from the hidden seed"


def leaky():
    """A result whose hidden checks carry what a hidden input could leak through."""
    secret = Counterexample(summary=SECRET, params={"x": SECRET}, shapes={})
    checks = tuple(
        check("conv", "conv2d_forward", "forward", visibility="hidden", outcome=o, score=0.0, max_score=1.0,
              message=f"{SECRET}\nexpected 1.0 got 2.0", counterexample=secret)
        for o in ("failed", "error", "skipped")
    )
    result = sample_result()
    return replace(result, parts=(*result.parts, PartResult("leaky", checks)))


def _terminal(result) -> str:
    console = Console(record=True, width=200, force_terminal=False)
    render_submission(result, console)
    render_batch([result], console)
    return console.export_text()


RENDERERS = {
    "feedback.md": lambda r: to_feedback_markdown(r),
    "summary": to_markdown_summary,
    "junit": lambda r: to_junit_xml([r]),
    "gradescope": lambda r: json.dumps(to_gradescope(r)),
    "csv": lambda r: json.dumps(grades_rows([r])),
    "terminal": _terminal,
}


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
def test_no_renderer_shows_a_hidden_checks_message_or_input(renderer: str):
    text = RENDERERS[renderer](leaky())
    assert SECRET not in text
    assert "expected 1.0 got 2.0" not in text


def test_a_hidden_check_keeps_its_label_outcome_points_and_a_fixed_sentence():
    result = redact(leaky())
    for c in result.part("leaky").checks:
        assert c.message == hidden.message(c.outcome)
        assert c.counterexample is None
        assert (c.name, c.score, c.max_score) == ("conv2d_forward forward (hidden)", 0.0, 1.0)


def test_the_fixed_reasons_pass_unchanged_and_public_checks_untouched():
    forbidden = check(visibility="hidden", outcome="error", message=hidden.FORBIDDEN)
    public = check(outcome="failed", message=SECRET)
    result = redact(replace(sample_result(), parts=(PartResult("p", (forbidden, public)),)))
    assert [c.message for c in result.checks] == [hidden.FORBIDDEN, SECRET]


def test_the_instructor_sees_what_was_stored():
    result = leaky()
    assert redact(result, "instructor") is result


def test_a_hidden_checks_printed_output_never_reaches_a_student():
    from grader.results import CheckResult, PartResult, SubmissionResult

    check = CheckResult(id="conv/f/forward/hidden", part="conv", name="f hidden", function="f", kind="forward",
                        visibility="hidden", outcome="failed", score=0.0, max_score=1.0, message="x", output="secret 42")
    result = SubmissionResult("s", (PartResult("conv", (check,)),), "cpu", "process", 0.0)
    assert redact(result).checks[0].output == ""


def test_a_hidden_check_loses_its_time_ratio_and_a_public_one_keeps_it():
    from grader.results import TimeRatio

    measured = TimeRatio(50.0, 73.25, False)
    secret = check("pooling", "max_pool2d_forward", "timing", visibility="hidden", outcome="failed", score=0.0,
                   message="73.2x (limit 50x): too slow", timing=measured)
    public = replace(secret, id="pooling/max_pool2d_forward/timing/benchmark", visibility="public")
    result = redact(replace(sample_result(), parts=(PartResult("pooling", (secret, public)),)))
    assert [c.timing for c in result.checks] == [None, measured]
    assert result.checks[0].message == hidden.message("failed")
    assert redact(replace(sample_result(), parts=(PartResult("pooling", (secret,)),)), "instructor").checks[0].timing == measured
