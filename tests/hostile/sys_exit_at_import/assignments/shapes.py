"""Hostile: correct functions, then `sys.exit(0)` at import, so the module never finishes loading
(a harness that treats a clean exit status as success would record a pass)."""
from __future__ import annotations

import sys

from ._shapes_ok import conv2d_cost, conv2d_output_size  # noqa: F401

sys.exit(0)
