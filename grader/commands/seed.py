"""The hidden seed, as every instructor verb reads it: given, from the configuration, or unset.

A separate module from the shared options so the student's `check`, which never reads the
instructor's configuration, does not import it (a release ships what `check` imports).
"""

from __future__ import annotations

from pathlib import Path

import click

from grader.batch.config import load_config

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="GRADELAB_CONFIG",
    help="The instructor's TOML configuration (hidden_seed = N), kept out of the student repository.",
)
allow_public_seed_option = click.option(
    "--allow-public-seed",
    is_flag=True,
    help="Accept hidden seed 0 when none is configured (a demo or a test): anyone with the code can reproduce the hidden checks.",
)
PUBLIC_SEED = (
    "no hidden seed is configured (--hidden-seed, hidden_seed in --config or $GRADELAB_CONFIG, or $GRADELAB_HIDDEN_SEED), "
    "so the hidden checks use seed 0: anyone with the code can reproduce their inputs"
)


def configured_seed(given: int | None, config_path: Path | None) -> int | None:
    """The hidden seed given, or configured as `grade` reads it; None when there is none."""
    if given is not None:
        return given
    try:
        return load_config(config_path).hidden_seed
    except (OSError, ValueError) as exc:
        raise click.UsageError(f"the instructor configuration cannot be used: {exc}") from None


def required_seed(given: int | None, config_path: Path | None, allow_public: bool) -> int:
    """The hidden seed of a command that ships or starts something: unset is an error unless allowed."""
    seed = configured_seed(given, config_path)
    if seed is None and not allow_public:
        raise click.UsageError(f"{PUBLIC_SEED}. Configure one, or pass --allow-public-seed to accept seed 0.")
    return 0 if seed is None else seed
