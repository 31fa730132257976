"""The command line: one module per verb; each parses options, calls the engine, renders."""

from __future__ import annotations

import click

from grader.commands.check import check
from grader.commands.grade import grade
from grader.commands.gradebook import gradebook_group
from grader.commands.gradescope import gradescope_group
from grader.commands.release import release_command
from grader.commands.report import report_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Autograder for the numpy neural-network layers (conv, pooling, RNN, residual blocks)."""


main.add_command(check)
main.add_command(grade)
main.add_command(gradebook_group)
main.add_command(gradescope_group)
main.add_command(release_command)
main.add_command(report_command)
