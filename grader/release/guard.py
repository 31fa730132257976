"""The leak guard: no released file may hold a function body of an instructor solution.

Every function body (methods and nested functions too) of every released `.py` file is compared
with every function body of the instructor's solutions: `tests/solutions/*/assignments/*.py`,
`examples/*/assignments/*.py`, and the seeded bugs of `tests/seeded_bugs.py` applied to the
vectorized solution (each is one substitution in it, so its bodies are near-solutions).

Bodies are compared after normalisation, as the `ast.dump` of the body without its docstring,
type annotations, comments or layout, and with every name (variables, arguments, nested
functions) renamed in order of first use. Renaming catches a solution pasted with its variables
renamed; attributes (`np.einsum`, `.reshape`), constants and the shape of the code are kept, so
two bodies match only when they compute the same thing the same way.

A body counts only from MIN_NODES syntax nodes up. The stubs' `raise NotImplementedError(...)`
is 4 nodes, `pass` 1, `return x` 2, `return x, cache` 4, a one-call `return np.zeros_like(x)` 5:
text any stub or helper may hold. The smallest complete solution of a graded function, the
output-size formula `return (size + 2 * pad - kernel) // stride + 1`, is 17. A few idioms that
the grader needs and the solutions happen to share (turning an int-or-pair stride into a pair)
are listed in COMMON_IDIOMS: they reveal no layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

MIN_NODES = 12
COMMON_IDIOMS = (
    "return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))",
    "if isinstance(v, (tuple, list)):\n    return int(v[0]), int(v[1])\nreturn int(v), int(v)",
)
SOLUTION_GLOBS = ("tests/solutions/*/assignments/*.py", "examples/*/assignments/*.py")
SEEDED_BUGS = "tests/seeded_bugs.py"
SEEDED_BASE = "tests/solutions/vectorized/assignments"


@dataclass(frozen=True)
class Leak:
    file: str  # the released file
    line: int
    what: str

    def describe(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


class _Rename(ast.NodeTransformer):
    """Every name becomes n0, n1, ... in order of first use; annotations go."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        return self.names.setdefault(name, f"n{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(id=self._name(node.id), ctx=node.ctx)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.arg(arg=self._name(node.arg))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = self._name(node.name)
        node.returns = None
        return self.generic_visit(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        node.name = self._name(node.name)
        node.returns = None
        return self.generic_visit(node)


def normalised(body: list[ast.stmt]) -> tuple[str, int]:
    """(the body's normalised dump, its size in syntax nodes, contexts not counted)."""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    # A fresh tree (parsed from the unparsed body) so the caller's tree is never changed.
    tree = _Rename().visit(ast.parse(ast.unparse(ast.Module(body=body, type_ignores=[]))))
    size = sum(1 for node in ast.walk(tree) if not isinstance(node, ast.expr_context | ast.Module))
    return ast.dump(tree, annotate_fields=False), size


def bodies(source: str, name: str) -> Iterator[tuple[str, int, str, int]]:
    """(function, line, normalised body, size) of every function defined in `source`."""
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            dump, size = normalised(node.body)
            yield node.name, node.lineno, dump, size


def _idioms() -> set[str]:
    return {normalised(ast.parse(text).body)[0] for text in COMMON_IDIOMS}


def solution_bodies(root: Path) -> dict[str, str]:
    """Normalised body -> where it comes from, for every non-trivial body of the instructor's solutions."""
    sources = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for pattern in SOLUTION_GLOBS for p in sorted(root.glob(pattern))}
    sources.update(seeded_bug_sources(root))
    idioms = _idioms()
    found: dict[str, str] = {}
    for name, source in sources.items():
        for function, _, dump, size in bodies(source, name):
            if size >= MIN_NODES and dump not in idioms:
                found.setdefault(dump, f"{name}:{function}")
    return found


def seeded_bug_sources(root: Path) -> dict[str, str]:
    """Each seeded bug applied to the vectorized solution, read from the syntax tree of
    tests/seeded_bugs.py (never imported): `SeededBug(name, part, module, old, new, ...)`."""
    path = root / SEEDED_BUGS
    if not path.is_file():
        return {}
    out = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "SeededBug" and len(node.args) >= 5):
            continue
        try:
            name, _, module, old, new = (ast.literal_eval(a) for a in node.args[:5])
        except ValueError:
            continue
        base = root / SEEDED_BASE / f"{module}.py"
        if isinstance(old, str) and isinstance(new, str) and base.is_file():
            out[f"{SEEDED_BUGS}[{name}]"] = base.read_text(encoding="utf-8").replace(old, new, 1)
    return out


def find_leaks(files: Mapping[str, bytes], solutions: Mapping[str, str]) -> list[Leak]:
    """Every function of a released `.py` file whose body is a solution's; a file that does not
    parse is a leak of its own (it cannot be checked, so it cannot be released)."""
    leaks = []
    for path, data in sorted(files.items()):
        if not path.endswith(".py"):
            continue
        try:
            found = list(bodies(data.decode("utf-8"), path))
        except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
            leaks.append(Leak(path, getattr(exc, "lineno", None) or 0, f"does not parse, so it cannot be checked ({exc})"))
            continue
        leaks += [
            Leak(path, line, f"the body of {function}() is the body of {solutions[dump]}")
            for function, line, dump, size in found
            if size >= MIN_NODES and dump in solutions
        ]
    return leaks
