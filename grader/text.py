"""Making untrusted text safe to show and store: the one cleaner every output format relies on.

Text that came from a submission (exception messages, prints, file and archive member names,
git messages) can hold ANSI escapes that repaint a terminal, control bytes that break XML and
CSV, Unicode bidi controls that reorder what a reader sees, and lone surrogates that no UTF-8
encoder (SQLite, a file, XML) accepts. `clean_output` removes all of these; every place where
such text enters a result, a note or a gradebook row goes through it.
"""
from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates, and the invisible marks that steer them.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Lone surrogates (unencodable) and the XML-illegal noncharacters U+FFFE and U+FFFF.
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def clean_output(text: str) -> str:
    """Strip ANSI escapes, control characters (tabs and newlines stay) and bidi controls;
    replace what UTF-8 cannot encode with U+FFFD."""
    text = _UNENCODABLE.sub("\ufffd", text.replace("\r\n", "\n"))
    return _BIDI.sub("", _CONTROL.sub("", _ANSI.sub("", text)))


def clean_line(text: str, limit: int = 300) -> str:
    """One line of untrusted text (a name, a note): cleaned, line breaks as spaces, bounded."""
    one = clean_output(text).replace("\n", " ").replace("\t", " ")
    return one if len(one) <= limit else one[: limit - 1] + "…"
