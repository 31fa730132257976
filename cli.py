#!/usr/bin/env python3
"""gradelab: `check` your own assignments, or `grade` a batch of submissions."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grader.commands import main  # noqa: E402

if __name__ == "__main__":
    main()
