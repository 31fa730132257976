"""A CI job's log, where the runner reads some lines as commands: student text must not be one.

Two layers. Every string of the result a log shows goes through `text.ci_log`, which breaks each
form of workflow command (`::x::`, `##[x]`) and GitLab section marker. On GitHub the whole report
is also printed between `::stop-commands::TOKEN` and `::TOKEN::`: the runner then acts on no
command until it meets the token, which is drawn at random in the grader's process once the
student's code has stopped running (it only ever runs in the sandboxed worker), so even text that
escaped the first layer (a renderer that reflows a line, a form not yet known) stays text.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass, replace
from typing import IO, Any, Literal, TypeVar

from grader.results import SubmissionResult
from grader.text import ci_log

Forge = Literal["github", "gitlab"]
T = TypeVar("T")


def neutralised(result: SubmissionResult) -> SubmissionResult:
    """`result` with every string in it (messages, prints, import errors, warnings, names) made
    inert for a CI log; numbers and outcomes unchanged."""
    return _map_text(result)


def _map_text(value: T) -> T:
    # Generic over the result model, so a text field added later is covered without a change here.
    if isinstance(value, str):
        return ci_log(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_map_text(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {k: _map_text(v) for k, v in value.items()}  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes: dict[str, Any] = {f.name: _map_text(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value


@contextmanager
def commands_stopped(out: IO[str], forge: Forge | None) -> Iterator[None]:
    """On GitHub, no workflow command inside the block acts; elsewhere, nothing is printed."""
    if forge != "github":
        yield
        return
    token = secrets.token_hex(16)
    _line(out, f"::stop-commands::{token}")
    try:
        yield
    finally:
        _line(out, f"::{token}::")


def _line(out: IO[str], line: str) -> None:
    out.flush()
    out.write(line + "\n")
    out.flush()
