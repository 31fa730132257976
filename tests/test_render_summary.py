from __future__ import annotations

import re
from dataclasses import replace

from render_fixtures import (
    BACKWARD_COUNTEREXAMPLE,
    BACKWARD_MESSAGE,
    IMPORT_ERROR,
    check,
    conv_part,
    sample_result,
)

from grader.render.summary import to_markdown_summary
from grader.results import Counterexample, PartResult

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def test_heading_carries_the_total():
    markdown = to_markdown_summary(sample_result())

    assert markdown.splitlines()[0] == "## alice: 12.5 / 50"


def test_a_table_per_part_with_subtotal_heading():
    markdown = to_markdown_summary(sample_result())

    assert "### conv: 7.5 / 22.5" in markdown
    assert "### pooling: 5 / 7.5" in markdown
    assert "### rnn: 0 / 20" in markdown
    assert markdown.count("| Check | Status | Points | Feedback |") == 3


def test_public_rows_show_status_points_and_headline():
    markdown = to_markdown_summary(sample_result())

    assert "| conv2d\\_forward forward | ✅ | 7.5/7.5 |" in markdown
    backward = next(r for r in _table_rows(markdown) if "conv2d\\_backward" in r)
    assert "❌" in backward and "0/5" in backward
    assert "max abs error 0.5" in backward
    assert BACKWARD_MESSAGE.splitlines()[1].split("(")[0] not in markdown  # headline only


def test_hidden_checks_show_name_and_status_only():
    markdown = to_markdown_summary(sample_result())

    assert "| conv2d\\_forward gradcheck (hidden) | ❌ | — | — |" in markdown
    assert "hidden check failed" not in markdown


def test_hidden_checks_never_leak_counterexample_or_message():
    conv = conv_part()
    leaky = replace(
        conv.checks[2],
        message="SECRET_MESSAGE",
        counterexample=Counterexample(summary="SECRET_INPUT", params={"seed": 1234}),
    )
    result = replace(sample_result(), parts=(replace(conv, checks=(*conv.checks[:2], leaky)),))

    markdown = to_markdown_summary(result)

    assert "SECRET" not in markdown
    assert "1234" not in markdown


def test_public_failed_checks_list_their_counterexample():
    markdown = to_markdown_summary(sample_result())

    assert "Counterexamples:" in markdown
    assert BACKWARD_COUNTEREXAMPLE.summary in markdown


def test_pipes_newlines_and_html_in_cells_are_escaped():
    part = PartResult(
        part="conv",
        checks=(
            check(
                outcome="failed",
                score=0.0,
                message="a | b <img src=x> [link](http://x)\nsecond",
                counterexample=Counterexample(summary="x | y\nz"),
            ),
        ),
    )

    markdown = to_markdown_summary(replace(sample_result(), parts=(part,)))

    for row in _table_rows(markdown):
        assert len(_UNESCAPED_PIPE.findall(row)) == 5
    assert "a \\| b \\<img src=x\\> \\[link\\](http://x)" in markdown
    assert "x \\| y<br>z" in markdown
    assert re.search(r"(?<!\\)<img", markdown) is None  # no raw HTML reaches the page


def test_import_error_is_fenced_so_backticks_cannot_close_it():
    part = PartResult(part="rnn", checks=(), error=f"{IMPORT_ERROR}\n```\n# heading?")

    markdown = to_markdown_summary(replace(sample_result(), parts=(part,)))

    assert "**rnn did not import:**" in markdown
    assert f"````text\n{IMPORT_ERROR}\n```\n# heading?\n````" in markdown


def test_warnings_are_listed():
    markdown = to_markdown_summary(sample_result())

    assert "- ⚠️ student code printed 12 KiB; output truncated" in markdown


def test_a_note_is_quoted_under_the_heading():
    md = to_markdown_summary(sample_result(), "Advisory: public checks only.\nThe grade adds hidden checks.")

    assert md.splitlines()[:5] == ["## alice: 12.5 / 50", "", "> Advisory: public checks only.", "> The grade adds hidden checks.", ""]
    assert ">" not in to_markdown_summary(sample_result()).splitlines()[2]
