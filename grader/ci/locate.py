"""Where a student's function is defined, read from the file's syntax tree, never by importing it.

The parent process must not run student code (it runs only in the sandboxed worker), so an
annotation's line comes from `ast`: the `def` line of the module-level binding that Python would
use (the last one), or the line of the syntax error that kept the module from importing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# Larger files are not parsed: a student could make the grader's parse slow or huge.
MAX_SOURCE_BYTES = 2_000_000


@dataclass(frozen=True)
class Definitions:
    """Module-level names and the line each is last bound on; `syntax_error` is the line of a
    syntax error (and `lines` is then empty), None when the file parsed."""

    lines: dict[str, int]
    syntax_error: int | None = None

    def line(self, name: str) -> int:
        """The line to point at for `name`: its definition, else the syntax error, else line 1."""
        return self.lines.get(name) or self.syntax_error or 1


def definitions(path: Path) -> Definitions:
    """The module-level definitions of `path`; an unreadable or oversized file has none."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            return Definitions({})
        source = path.read_bytes()
    except OSError:
        return Definitions({})
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        return Definitions({}, exc.lineno or 1)
    except ValueError:  # a NUL byte in the source
        return Definitions({})
    lines: dict[str, int] = {}
    for node in tree.body:
        for name, line in _bound(node):
            lines[name] = line
    return Definitions(lines)


def _bound(node: ast.stmt) -> list[tuple[str, int]]:
    """(name, line) for each module-level name `node` binds: a def (its `def` line, past any
    decorators), a class, or a plain assignment such as `conv_forward = _fast_conv`."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [(node.name, node.lineno)]
    if isinstance(node, ast.Assign):
        return [(t.id, node.lineno) for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, node.lineno)]
    return []
