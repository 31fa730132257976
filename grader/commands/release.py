"""`cli.py release OUT_DIR --assignment NAME`: the student repository of one assignment."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.commands.options import chosen_assignment, course_options
from grader.commands.seed import allow_public_seed_option, config_option, required_seed
from grader.paths import REPO
from grader.release.build import ReleaseError, Request, release
from grader.release_manifest import records_dir


@click.command(name="release")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path), metavar="OUT_DIR")
@course_options
@click.option("--git", is_flag=True, help="git init OUT_DIR and commit the release, ready to push as a template repository.")
@click.option(
    "--records",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The instructor's folder of release records, which collection compares against [default: releases/ beside the course file].",
)
@click.option(
    "--solution",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=REPO / "tests" / "solutions" / "vectorized",
    show_default=True,
    help="An instructor solution (a folder holding assignments/) that must score full marks on the release.",
)
@click.option("--verify-timing", is_flag=True, help="Run the speed checks too when the release verifies itself (slower; load-sensitive).")
@config_option
@allow_public_seed_option
def release_command(
    out: Path,
    course_path: Path | None,
    assignment: str | None,
    git: bool,
    records: Path | None,
    solution: Path,
    verify_timing: bool,
    config_path: Path | None,
    allow_public_seed: bool,
) -> None:
    """Write OUT_DIR: the assignment's stubs, the grader `check` needs for its parts, a student
    README, CI workflows and .gradelab/release.json. The release verifies itself first: it stops,
    naming the file, if a released file holds a solution's code, if the stubs score any point, or
    if a solution copied in scores less than full marks."""
    console = Console(stderr=True)
    chosen = chosen_assignment(course_path, assignment)
    # The release ships no seed, but it starts a course: grading it later needs one kept secret.
    required_seed(None, config_path, allow_public_seed)
    start = time.perf_counter()
    try:
        with console.status(f"building and verifying the release of {chosen.name}…"):
            manifest, record = release(
                Request(out, chosen, REPO, records_dir(records, course_path), solution, git=git, timing=verify_timing),
            )
    except ReleaseError as exc:
        raise click.ClickException(f"release refused: {exc}") from None
    files = len(manifest.files) + len(manifest.editable) + 1
    console.print(
        Text(
            f"released {manifest.release} ({chosen.name}: {', '.join(manifest.parts)}) to {out}, {files} files, "
            f"verified in {time.perf_counter() - start:.0f} s; the instructor's record: {record}"
        )
    )
