"""Options shared by the verbs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from grader.course import Assignment, CourseError, load_course
from grader.parts import BY_NAME
from grader.release_manifest import MANIFEST, Manifest, ManifestError

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


def chosen_assignment(course_path: Path | None, name: str | None, released: Path | None = None) -> Assignment:
    """The assignment asked for; a malformed course file or an unknown name stops the command.

    Without a course file, a released student repository (`released` holds its
    `.gradelab/release.json`) grades the assignment it was released for, with its points, so a
    student's `check` gives each check the points the instructor's `grade` will.
    """
    if course_path is None and released is not None and (released / MANIFEST).is_file():
        return _released_assignment(released / MANIFEST, name)
    try:
        return load_course(course_path).assignment(name)
    except CourseError as exc:
        raise click.UsageError(str(exc)) from None


def _released_assignment(path: Path, name: str | None) -> Assignment:
    try:
        manifest = Manifest.from_json(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, ManifestError) as exc:
        raise click.UsageError(f"{path}: cannot be read ({exc})") from None
    if name is not None and name != manifest.assignment:
        raise click.UsageError(f"this repository was released for assignment {manifest.assignment!r}, not {name!r}")
    unknown = [p for p in manifest.parts if p not in BY_NAME]
    if unknown:
        raise click.UsageError(f"{path}: names part(s) {', '.join(unknown)} that this repository does not hold")
    return Assignment(manifest.assignment, manifest.parts, dict(manifest.scaled))


def assignment_parts(assignment: Assignment, named: tuple[str, ...]) -> tuple[str, ...]:
    """The parts to grade: those named (each must belong to the assignment), or all of its parts."""
    outside = [n for n in named if n not in assignment.parts]
    if outside:
        raise click.UsageError(f"part(s) {', '.join(outside)} are not in assignment {assignment.name!r}, whose parts are {', '.join(assignment.parts)}")
    return tuple(p for p in assignment.parts if p in named) if named else assignment.parts


def part_points(assignment: Assignment) -> tuple[tuple[str, float], ...]:
    """The assignment's points per part, as `GradeOptions.part_points` takes them."""
    return tuple((part, float(total)) for part, total in assignment.points.items())
