"""Options shared by the verbs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from grader.course import Assignment, CourseError, load_course
from grader.parts import BY_NAME

device_option = click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where the PyTorch references run (timing ratios always use the CPU reference).",
)
timing_option = click.option("--timing/--no-timing", default=True, show_default=True, help="Run the speed checks.")
sandbox_option = click.option(
    "--sandbox",
    type=click.Choice(["auto", "bwrap", "process"]),
    default="auto",
    show_default=True,
    help="How student code is confined: the strongest available (auto), bubblewrap, or a plain process.",
)


def part_names(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Part names however they were given: `conv rnn`, `conv,rnn` or a mix; each checked."""
    names = tuple(dict.fromkeys(n for v in values for n in v.replace(",", " ").split()))
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise click.BadParameter(f"unknown part(s) {', '.join(unknown)}; the parts are {', '.join(BY_NAME)}")
    return names


def _parts_callback(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    return part_names(values)


parts_option = click.option(
    "--parts",
    multiple=True,
    callback=_parts_callback,
    metavar="PART[,PART...]",
    help=f"Parts to grade, separated by commas or spaces, or the option repeated (default: all of {', '.join(BY_NAME)}).",
)
parts_argument = click.argument("parts", nargs=-1, callback=_parts_callback, metavar="[PART]...")


def course_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """`--course FILE` and `--assignment NAME`: which assignment of which course file."""
    command = click.option(
        "--assignment", default=None, metavar="NAME", help="An assignment of the course file [default: its only one, or every part without a course file]."
    )(command)
    return click.option(
        "--course",
        "course_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="GRADELAB_COURSE",
        default=None,
        help="The course file (course.toml) declaring the assignments [default: $GRADELAB_COURSE].",
    )(command)


def chosen_assignment(course_path: Path | None, name: str | None) -> Assignment:
    """The assignment asked for; a malformed course file or an unknown name stops the command."""
    try:
        return load_course(course_path).assignment(name)
    except CourseError as exc:
        raise click.UsageError(str(exc)) from None
