"""The instructor's configuration: what students must never see (the hidden checks' seed).

Read from a TOML file named with --config (or $GRADELAB_CONFIG), e.g.

    hidden_seed = 918273645

or from $GRADELAB_HIDDEN_SEED. Keep the file out of the student repository; `cli.py check`, which
students run, never runs hidden checks and never reads it.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InstructorConfig:
    hidden_seed: int | None = None
    source: str = "none"


def load_config(path: Path | None = None) -> InstructorConfig:
    path = path or (Path(os.environ["GRADELAB_CONFIG"]) if os.environ.get("GRADELAB_CONFIG") else None)
    if path is not None:
        data = tomllib.loads(Path(path).read_text())
        seed = data.get("hidden_seed")
        if not isinstance(seed, int):
            raise ValueError(f"{path}: hidden_seed must be an integer")
        return InstructorConfig(seed, str(path))
    if os.environ.get("GRADELAB_HIDDEN_SEED"):
        return InstructorConfig(int(os.environ["GRADELAB_HIDDEN_SEED"]), "$GRADELAB_HIDDEN_SEED")
    return InstructorConfig()
