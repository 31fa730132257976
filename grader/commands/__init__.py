"""The command line: one module per verb; each parses options, calls the engine, renders.

Commands are imported when used (grader.commands.lazy): each summary below is the first sentence
of its command's help, as `cli.py --help` lists it (tests/test_cli_lazy.py holds them equal).
"""

from __future__ import annotations

import click

from grader.commands.lazy import Lazy, LazyGroup

COMMANDS = {
    "check": Lazy(
        "grader.commands.check:check",
        "Grade your assignments/ (all parts, or the PARTs named: `conv rnn` or `conv,rnn`) with the public checks; exit 0 only when everything passes.",
    ),
    "grade": Lazy(
        "grader.commands.grade:grade",
        "Grade INPUTS (submission folders, .zip archives, git repositories) with the public and hidden checks.",
        before="grader.batch.forkserver:start",
    ),
    "gradebook": Lazy("grader.commands.gradebook:gradebook_group", "Export grades from a batch's SQLite gradebook, or show one submission's feedback."),
    "gradescope": Lazy("grader.commands.gradescope:gradescope_group", "Build a Gradescope autograder zip that grades with this grader."),
    "release": Lazy(
        "grader.commands.release:release_command",
        "Write OUT_DIR: the assignment's stubs, the grader `check` needs for its parts, a student README, CI workflows and .gradelab/release.json.",
    ),
    "report": Lazy(
        "grader.commands.report:report_command",
        "Write an HTML report of the graded batch in OUT_DIR: scores, checks, common mistakes, speed, flags and similar code.",
    ),
}


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Autograder for the numpy neural-network layers (conv, pooling, RNN, residual blocks)."""
