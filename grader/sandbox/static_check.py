"""Reading a submission's source for forbidden imports before any of it runs.

This catches `import torch`, `from scipy import signal`, `__import__("torch")` and
`importlib.import_module("jax")` written plainly; the worker's import hook catches the rest
(`__import__("to" + "rch")`), since no static check can.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.sandbox.inside.guard import FORBIDDEN  # one list: the worker's import hook refuses the same names

__all__ = ["FORBIDDEN", "FORBIDDEN_NOTE", "check_module", "forbidden_imports"]

# A part's error says this when its code imports a forbidden module (grader.engine.grade); the
# report reads it back, without importing the engine.
FORBIDDEN_NOTE = "uses a forbidden import (a submission may use numpy and the standard library only)"


def forbidden_imports(source: str) -> list[str]:
    """'line 3: import torch'-style findings; a file that does not parse yields none (the worker says why)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and _is_import_call(node.func) and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names = [arg.value]
        for name in names:
            if name.partition(".")[0] in FORBIDDEN:
                found.append(f"line {getattr(node, 'lineno', 0)}: imports {name.partition('.')[0]}")
    return found


def _is_import_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "__import__"
    return isinstance(func, ast.Attribute) and func.attr in ("import_module", "__import__")


def check_module(path: Path) -> list[str]:
    try:
        return forbidden_imports(path.read_text(errors="replace"))
    except OSError:
        return []
