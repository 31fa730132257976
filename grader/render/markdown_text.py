"""Student text inside markdown, kept literal: escaped inline, or in a fence it cannot close."""
from __future__ import annotations

import re

# Backslash-escaping markdown's active characters keeps student text literal: "|" cannot split a
# table cell, "<" cannot open raw HTML, "[...](...)" cannot become a link.
_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>|~#])")


def inline(text: str) -> str:
    """One table cell or list item: markdown escaped, line breaks as <br>."""
    return "<br>".join(_MD_ACTIVE.sub(r"\\\1", text).splitlines())


def fenced(text: str) -> str:
    """A code block whose fence is longer than any backtick run inside, so it cannot be closed."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"
