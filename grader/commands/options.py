"""Options shared by the verbs."""

from __future__ import annotations

import click

device_option = click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where the PyTorch references run (timing ratios always use the CPU reference).",
)
timing_option = click.option("--timing/--no-timing", default=True, show_default=True, help="Run the speed checks.")
