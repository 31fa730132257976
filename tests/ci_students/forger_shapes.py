"""A student whose code prints and raises GitHub workflow commands and GitLab section markers,
hoping the CI log acts on them. conv2d_output_size prints them and is off by one; conv2d_cost
raises them. Both must reach the log as plain text."""
from __future__ import annotations

import sys

FORGED = [
    "::error::forged error",
    "::warning file=cli.py,line=1::forged warning",
    "   ::notice title=All checks passed::forged notice",
    "::add-mask::forged-mask",
    "::set-output name=score::forged 100",
    "::stop-commands::forged-token",
    "::forged-token::",
    "text then ##[error]forged v1 error",
    "section_start:1700000000:forged_section\r\x1b[0Kforged section",
    ":\u200b:error::forged zero-width",
]
print("::error::forged at import")


def conv2d_output_size(size: int, kernel: int, stride: int = 1, pad: int = 0) -> int:
    for line in FORGED:
        print(line)
        print(line, file=sys.stderr)
    return (size + 2 * pad - kernel) // stride + 2


def conv2d_cost(c_in: int, c_out: int, kh: int, kw: int, h_out: int, w_out: int) -> tuple[int, int]:
    raise ValueError("::warning::forged in an exception\n::error file=assignments/shapes.py,line=1::forged second line")
