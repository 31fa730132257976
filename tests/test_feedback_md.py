"""feedback.md: what passed, what failed with expected vs got and the smallest input; hidden checks bare."""
from __future__ import annotations

from dataclasses import replace

from render_fixtures import BACKWARD_MESSAGE, HIDDEN_MESSAGE, IMPORT_ERROR, check, sample_result

from grader.render.feedback_md import to_feedback_markdown
from grader.results import PartResult


def test_total_and_each_part_score_head_their_sections():
    text = to_feedback_markdown(sample_result())

    assert "**Total: 12.5 / 50**" in text
    assert "## conv: 7.5 / 22.5" in text and "## rnn: 0 / 20" in text


def test_a_failed_public_check_shows_its_message_and_smallest_input():
    text = to_feedback_markdown(sample_result())

    assert BACKWARD_MESSAGE in text  # expected vs got, fenced as typed
    assert "Smallest failing input: x: (1, 1, 3, 3), w: (1, 1, 2, 2), stride=1, pad=0" in text


def test_hidden_checks_show_name_and_outcome_but_never_their_message():
    text = to_feedback_markdown(sample_result())

    assert "hidden check failed" not in text and "3.2" not in text
    assert HIDDEN_MESSAGE.splitlines()[1] not in text
    assert "❌ failed" in text


def test_an_import_error_is_shown_once_per_part():
    text = to_feedback_markdown(sample_result())

    assert text.count(IMPORT_ERROR) >= 1
    assert "could not be graded" in text


def test_student_text_cannot_inject_markdown():
    sneaky = check(outcome="failed", score=0.0, message="```\n</details><img src=x>")
    result = replace(sample_result(), parts=(PartResult("conv", (sneaky,)),))

    text = to_feedback_markdown(result)

    assert "````text\n```\n</details><img src=x>\n````" in text


def test_notes_such_as_the_commit_graded_are_listed():
    text = to_feedback_markdown(sample_result(), notes=("graded commit abc123 (HEAD)",), graded_at="2026-12-02T10:00:00+00:00")

    assert "- graded commit abc123 (HEAD)" in text and "Graded 2026-12-02T10:00:00+00:00" in text


def test_what_the_code_printed_is_left_out_as_it_could_hold_hidden_inputs():
    result = replace(sample_result(), stdout="x = [[0.123, 0.456]]  # printed during a hidden check")

    assert "0.456" not in to_feedback_markdown(result)


def test_a_submission_with_nothing_to_grade_says_why_once():
    from grader.engine.failed import failed_result
    from grader.options import GradeOptions
    from grader.parts import select

    why = "no commit before the deadline 2026-12-01T23:59:00+00:00: graded as an empty submission"
    result = failed_result("late", select(["conv", "pooling"]), GradeOptions(visibility=("public", "hidden")), why)
    text = to_feedback_markdown(result)
    assert text.count("no commit before the deadline") == 1
    assert all(c.score == 0.0 and c.outcome == "error" for c in result.checks)


def test_a_batch_adds_the_penalty_final_score_due_date_and_flags_with_file_names_escaped():
    from grader.collection import Collected, Flag

    collected = Collected(due="2026-12-01T23:59:00+00:00", due_source="extension (roster)", submitted_at="2026-12-02T01:00:00+00:00",
                          timed_by="push", late_seconds=3660.0, penalty_fraction=0.1, late_policy="10% off per day late",
                          flags=(Flag("added", "[x](http://evil) *b*.py (not in release hw1-0123456789ab)"),))

    text = to_feedback_markdown(sample_result(), collected=collected, stale=True)

    assert "**Total: 12.5 / 50**" in text  # the raw score
    assert "Late penalty 1.25 (1 h 1 min after the due date; 10% off per day late) · **final score: 11.25 / 50**" in text
    assert "Due 2026-12-01T23:59:00+00:00 (extension (roster))" in text and "will be graded again" in text
    assert "\\[x\\](http://evil)" in text and "\\*b\\*" in text  # a link and emphasis, escaped
