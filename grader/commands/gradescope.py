"""`cli.py gradescope build OUT.zip`: a Gradescope autograder; `run` is what the zip calls."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from grader.commands.options import assignment_parts, chosen_assignment, course_options, part_points, parts_option, timing_option
from grader.commands.seed import allow_public_seed_option, config_option, required_seed
from grader.gradescope.build import build_autograder_zip
from grader.gradescope.run import AutograderConfig, run_autograder
from grader.parts import select
from grader.render import format_points

ROOT = Path(__file__).resolve().parents[2]


@click.group(name="gradescope")
def gradescope_group() -> None:
    """Build a Gradescope autograder zip that grades with this grader."""


@gradescope_group.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@parts_option
@course_options
@click.option(
    "--hidden-seed",
    type=int,
    default=None,
    help="Seed of the hidden checks' inputs, stored in the zip, which students never see [default: from --config or $GRADELAB_HIDDEN_SEED, as grade reads it].",
)
@config_option
@allow_public_seed_option
@click.option(
    "--time-limit",
    type=click.FloatRange(min=10),
    default=540.0,
    show_default=True,
    help="Seconds before grading stops with every check at 0; keep it under Gradescope's own limit.",
)
@click.option(
    "--hidden-visibility",
    type=click.Choice(["hidden", "after_due_date", "after_published", "visible"]),
    default="after_published",
    show_default=True,
    help="When students see the hidden checks' outcomes.",
)
@click.option("--examples-scale", type=click.FloatRange(min=0.01), default=1.0, hidden=True)
@timing_option
def build(
    out: Path,
    parts: tuple[str, ...],
    course_path: Path | None,
    assignment: str | None,
    hidden_seed: int | None,
    config_path: Path | None,
    allow_public_seed: bool,
    time_limit: float,
    hidden_visibility: str,
    examples_scale: float,
    timing: bool,
) -> None:
    """Write OUT (a .zip) to upload as a Gradescope programming assignment's autograder."""
    chosen_one = chosen_assignment(course_path, assignment)
    names = assignment_parts(chosen_one, parts)
    seed = required_seed(hidden_seed, config_path, allow_public_seed)
    config = AutograderConfig(
        names,
        seed,
        timing,
        examples_scale,
        time_limit,
        hidden_visibility,  # type: ignore[arg-type]
        part_points=part_points(chosen_one),
    )
    members = build_autograder_zip(out, config)
    chosen = ", ".join(p.name for p in select(list(names)))
    Console(stderr=True).print(Text(f"wrote {out} ({len(members)} files; parts: {chosen}); upload it as the autograder"))


@gradescope_group.command(hidden=True)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("/autograder"), show_default=True)
def run(root: Path) -> None:
    """Grade ROOT/submission and write ROOT/results/results.json (run_autograder calls this)."""
    result = run_autograder(root, ROOT)
    # Gradescope shows this output to instructors only (stdout_visibility is "hidden").
    click.echo(f"{result.submission}: {format_points(result.score)} / {format_points(result.max_score)} in {result.seconds:.1f} s")
