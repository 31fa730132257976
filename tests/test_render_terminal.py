from __future__ import annotations

import io
from dataclasses import replace

from render_fixtures import (
    BACKWARD_COUNTEREXAMPLE,
    BACKWARD_MESSAGE,
    HIDDEN_MESSAGE,
    IMPORT_ERROR,
    check,
    conv_part,
    rnn_part,
    sample_result,
)
from rich.console import Console

from grader.render.terminal import render_batch, render_submission
from grader.results import PartResult, SubmissionResult


def _render(result: SubmissionResult, *, details: bool = True) -> str:
    console = Console(record=True, width=120, file=io.StringIO())
    render_submission(result, console, details=details)
    return console.export_text()


def test_shows_total_part_subtotals_and_how_it_was_graded():
    text = _render(sample_result())

    assert "Total: 12.5 / 50" in text
    assert "conv: 7.5/22.5" in text
    assert "pooling: 5/7.5" in text
    assert "rnn: 0/20" in text
    assert "Device: cpu (numpy 2.1) | Sandbox: subprocess, 60 s limit" in text
    assert "Warning: student code printed 12 KiB; output truncated" in text


def test_rows_show_check_visibility_status_points_and_headline():
    text = _render(sample_result(), details=False)

    assert "conv2d_forward forward" in text
    assert "7.5/7.5" in text
    rows = {line.split("│")[1].strip(): line for line in text.splitlines() if line.count("│") >= 6}
    assert "✔" in rows["conv2d_forward forward"] and "7.5/7.5" in rows["conv2d_forward forward"]
    assert "✘" in rows["conv2d_backward backward"]
    assert "!" in rows["rnn_step forward"]  # an error (the part did not import)
    assert "hidden" in rows["conv2d_forward gradcheck (hidden)"]
    assert "dx differs from the reference" in text  # the headline; rich may wrap its tail


def test_part_that_did_not_import_gets_an_error_panel():
    text = _render(sample_result())

    assert "rnn did not import" in text
    assert IMPORT_ERROR in text


def test_details_show_full_message_and_counterexample_of_failed_public_checks():
    text = _render(sample_result())

    assert BACKWARD_MESSAGE.splitlines()[1] in text
    assert BACKWARD_COUNTEREXAMPLE.summary in text


def test_a_failing_input_the_message_already_names_is_shown_once():
    said = f"{BACKWARD_MESSAGE}\nthe smallest failing input found: {BACKWARD_COUNTEREXAMPLE.summary}"
    conv = conv_part()
    checks = tuple(replace(c, message=said) if c.counterexample is not None else c for c in conv.checks)
    text = _render(replace(sample_result(), parts=(replace(conv, checks=checks),)))
    assert text.count(BACKWARD_COUNTEREXAMPLE.summary) == 1


def test_details_never_show_the_rest_of_a_hidden_checks_message():
    text = _render(sample_result())

    assert HIDDEN_MESSAGE.splitlines()[1] not in text


def test_details_false_shows_headlines_only():
    text = _render(sample_result(), details=False)

    assert BACKWARD_MESSAGE.splitlines()[1] not in text
    assert BACKWARD_COUNTEREXAMPLE.summary not in text
    assert "Total: 12.5 / 50" in text


def test_student_text_with_rich_markup_prints_literally():
    message = "[red]boom[/] [bold]x[/bold] :warning: [/]"
    part = PartResult(part="conv", checks=(check(outcome="failed", score=0.0, message=f"{message}\nsecond [/] line"),))
    broken = PartResult(part="rnn", checks=(), error="ImportError: [link=http://x]click[/link]")
    result = replace(
        sample_result("[blue]eve"), parts=(part, broken), warnings=("printed [/] and [red]",)
    )

    text = _render(result)

    assert message in text
    assert "second [/] line" in text
    assert "ImportError: [link=http://x]click[/link]" in text
    assert "Submission: [blue]eve" in text
    assert "Warning: printed [/] and [red]" in text


def test_batch_table_has_a_row_per_submission_with_part_scores_and_total():
    bob = replace(sample_result("bob"), parts=(conv_part(), rnn_part()))
    console = Console(record=True, width=120, file=io.StringIO())

    render_batch([sample_result("alice"), bob], console)
    lines = console.export_text().splitlines()

    header = next(line for line in lines if "submission" in line)
    columns = [header.index(name) for name in ("conv", "pooling", "rnn", "total")]
    assert columns == sorted(columns)
    alice = next(line for line in lines if "alice" in line)
    bob_line = next(line for line in lines if "bob" in line)
    assert "7.5" in alice and "12.5 / 50" in alice
    assert "7.5 / 42.5" in bob_line


def test_batch_prints_student_names_literally():
    console = Console(record=True, width=120, file=io.StringIO())

    render_batch([sample_result("[red]mallory[/]")], console)

    assert "[red]mallory[/]" in console.export_text()


def test_a_timing_headline_keeps_its_ratio_and_limit_at_80_columns():
    # The longest check names of a part must not squeeze the ratio out of the feedback column.
    message = "123.4x (limit 50x): too slow: max_pool2d_backward took 181.20 ms, the reference 1.47 ms\nCPU time"
    part = PartResult("pooling", (
        check("pooling", "max_pool2d_backward", "timing", outcome="failed", score=0, message=message),
        check("pooling", "max_pool2d_backward_with_a_very_long_name", "hidden_backward"),
    ))
    console = Console(record=True, width=80, file=io.StringIO())
    render_submission(SubmissionResult("s", (part,), "cpu", "bwrap", 1.0), console, details=False)
    text = console.export_text()

    assert "123.4x (limit 50x)" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_wrapped_tables_show_a_long_headline_whole_at_80_columns():
    message = "conv2d_backward: dx differs from the reference at 12 of 48 positions; max abs error 3.1 at index (0, 1, 2, 3) ENDMARK"
    part = PartResult("conv", (check("conv", "conv2d_backward", "backward", outcome="failed", score=0, message=message),))
    result = SubmissionResult("s", (part,), "cpu", "bwrap", 1.0)
    console = Console(record=True, width=80, file=io.StringIO())
    render_submission(result, console, details=False, audience="instructor", wrap=True)
    text = console.export_text()
    assert "ENDMARK" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
