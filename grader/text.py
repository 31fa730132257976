"""Making untrusted text safe to show and store: one module, one rule per output format.

Text that came from a submission (exception messages, prints, file and archive member names,
git messages) can hold ANSI escapes that repaint a terminal, control bytes that break XML and
CSV, Unicode bidi controls that reorder what a reader sees, and lone surrogates that no UTF-8
encoder (SQLite, a file, XML) accepts. `clean_output` removes all of these; every place where
such text enters a result, a note or a gradebook row goes through it.

Each output format then has its own rule, here and nowhere else: `markdown_inline` and
`markdown_fenced` (feedback.md, job summaries), `xml_text` (JUnit), `ci_log` (a CI job's log),
`workflow_data` and `workflow_property` (a GitHub workflow command's message and properties),
`csv_cell` (spreadsheets), `storable` (SQLite), `file_name` (a gradebook name that is also a
folder) and `type_name` (a type name the worker reports). The sandbox side cannot import this
module (it stands alone), and an input reader runs without numpy: `wire.safe_name` applies
`type_name`'s rule there, and `tests/test_text.py` holds the two to the same output.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "clean_output",
    "clean_line",
    "markdown_inline",
    "markdown_fenced",
    "xml_text",
    "ci_log",
    "workflow_data",
    "workflow_property",
    "csv_cell",
    "storable",
    "file_name",
    "type_name",
]

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


# Backslash-escaping markdown's active characters keeps student text literal: "|" cannot split a
# table cell, "<" cannot open raw HTML, "[...](...)" cannot become a link.
_MD_ACTIVE = re.compile(r"([\\`*_\[\]<>|~#])")


def markdown_inline(text: str) -> str:
    """One table cell or list item: markdown escaped, line breaks as <br>."""
    return "<br>".join(_MD_ACTIVE.sub(r"\\\1", text).splitlines())


def markdown_fenced(text: str) -> str:
    """A code block whose fence is longer than any backtick run inside, so it cannot be closed."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


# Characters XML 1.0 forbids even as references (most C0 controls, surrogates, U+FFFE/FFFF).
# Student exception text can hold any of them; ElementTree escapes &<>" but not these.
_ILLEGAL_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _ILLEGAL_XML.sub("", text)


# What a CI runner reads as a command in its own log. GitHub: `::name ...::data` at a line's
# start after any leading whitespace, and the older `##[name ...]data` anywhere in a line.
# GitLab: `section_start:TIME:NAME` / `section_end:...` before "\r\x1b[0K" (clean_output already
# removes \r and ESC; the marker words are broken too, in case a later renderer adds them).
# Every `::` is broken, not only a leading one: a renderer that wraps a long line can start a
# new line with any `::` the text holds.
_CI_COMMAND = re.compile(r":(?=:)|##\[|section_(?=(?:start|end):)")


def ci_log(text: str) -> str:
    """Untrusted text for a CI log: cleaned, with every form of workflow command or log-section
    marker broken by a space (`::error::x` -> `: :error: :x`), so it reads as typed and acts as nothing."""
    # Invisible format characters (zero-width space, soft hyphen, word joiner) go first: the
    # runner's culture-aware comparison may skip them, so ":\u200b:" could still read as "::".
    visible = "".join(ch for ch in clean_output(text) if unicodedata.category(ch) != "Cf")
    return _CI_COMMAND.sub(lambda m: {":": ": ", "##[": "## ["}.get(m.group(), "section "), visible)


def workflow_data(text: str) -> str:
    """The message of a GitHub workflow command (`::error ...::MESSAGE`), escaped as the runner
    unescapes it: one line whatever the text holds. `%` goes first, or its own escapes would double."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A property value of a GitHub workflow command (`file=`, `title=`): as `workflow_data`, and
    `:` and `,`, which would end the value or the property list."""
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")


# A cell starting with one of these is a formula to Excel/Sheets/LibreOffice (OWASP "CSV
# injection"); tab and carriage return are on OWASP's list too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


# What UTF-8 (and so SQLite's TEXT) cannot encode, and NUL, which C readers of the file cut at.
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


def storable(text: str) -> str:
    """Lone surrogates replaced, NUL removed: any SQLite row or UTF-8 file can hold it."""
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def file_name(name: str) -> str:
    """A gradebook name that is also a folder name: no separators, no dot-files, 100 chars at most."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".") or "submission"
    return cleaned[:100]


def type_name(name: object, limit: int = 60) -> str:
    """A type name from the worker, reduced to harmless characters (it is student-controlled)."""
    return re.sub(r"[^A-Za-z0-9_. \[\]<>,()-]", "?", str(name))[:limit]
