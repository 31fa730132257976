"""Which grader files a release holds: what `check` of the released parts imports, and no more.

The set is the import closure (every `import` at any depth, lazy ones included) of the student's
command line and the released parts' specs, read from the syntax trees, so an instructor-only
module (batch grading, Gradescope, the gradebook, the release itself) is shipped only if `check`
really imports it, and a part's reference and strategies only with that part. Two files are the
release's own rather than copies: the parts registry (only the assignment's parts) and the
command line's verb list (`check` only).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from grader.parts import BY_NAME

PACKAGES = ("grader", "reference")  # the only top-level packages a release copies from
REGISTRY = "grader/parts/registry.py"
COMMANDS = "grader/commands/__init__.py"
# Loaded by path into the sandbox (grader.sandbox.client), never imported: shipped whole.
BY_PATH = ("grader/sandbox/inside",)


def registry_source(parts: Sequence[str]) -> str:
    """`grader/parts/registry.py` naming `parts` (in course order); the instructor's own file is
    this rendering of every part (a test holds it), so a new part needs no change here."""
    ordered = [p for p in BY_NAME if p in parts]
    imports = "".join(f"from grader.parts.{name} import {name.upper()}\n" for name in sorted(ordered))
    listed = ", ".join(name.upper() for name in ordered)
    return f'''"""The parts this tree grades, in the order they are graded and reported.

`cli.py release` writes its own copy of this file naming only the released assignment's parts
(`grader.release.tree.registry_source`); a test keeps this one equal to that rendering of every
part, so adding a part here is all a release needs.
"""

from __future__ import annotations

{imports}from grader.spec import PartSpec

PARTS: tuple[PartSpec, ...] = ({listed}{"," if len(ordered) == 1 else ""})
'''


STUDENT_COMMANDS = '''"""The command line of a released assignment: `check`, the public checks of your assignments/."""

from __future__ import annotations

import click

from grader.commands.check import check


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Check your numpy layers against the course's PyTorch references (the public checks)."""


main.add_command(check)
'''


def module_file(root: Path, module: str) -> str | None:
    """The path (relative to root) of a grader or reference module, or None for anything else."""
    if module.split(".")[0] not in PACKAGES:
        return None
    base = Path(*module.split("."))
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if (root / candidate).is_file():
            return candidate.as_posix()
    return None


def imported_modules(source: str, rel: str) -> Iterable[str]:
    """Every module a file imports, absolute, with each package on the way (a.b.c: a, a.b, a.b.c)."""
    package = ".".join(Path(rel).parent.parts)
    for node in ast.walk(ast.parse(source, rel)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        for name in names:
            pieces = name.split(".")
            yield from (".".join(pieces[:i]) for i in range(1, len(pieces) + 1))


def closure(root: Path, entries: Iterable[str], own: Mapping[str, str]) -> set[str]:
    """The grader and reference files `entries` import, transitively; `own` holds the release's own
    files (path -> source), read instead of the instructor's copy of that path."""
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        source = own[rel] if rel in own else (root / rel).read_text(encoding="utf-8")
        for module in imported_modules(source, rel):
            found = module_file(root, module)
            if found is not None and found not in seen:
                todo.append(found)
    return seen


def grader_files(root: Path, parts: Sequence[str]) -> dict[str, bytes]:
    """Every grader and reference file `check` of `parts` needs, path -> bytes, own files included."""
    own = {REGISTRY: registry_source(parts), COMMANDS: STUDENT_COMMANDS}
    by_path = [p.relative_to(root).as_posix() for folder in BY_PATH for p in sorted((root / folder).glob("*.py"))]
    entries = [COMMANDS, REGISTRY, *by_path, *(f"grader/parts/{p}.py" for p in parts)]
    found = closure(root, entries, own)
    return {rel: own[rel].encode() if rel in own else (root / rel).read_bytes() for rel in sorted(found)}


def stub_files(root: Path, parts: Sequence[str]) -> dict[str, bytes]:
    """The assignment's stubs: `assignments/<module>.py` of each part, and the package's __init__."""
    modules = [BY_NAME[p].module for p in parts]
    paths = ["assignments/__init__.py", *(f"assignments/{m}.py" for m in modules)]
    return {rel: (root / rel).read_bytes() for rel in paths}
