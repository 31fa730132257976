"""The package layout is the architecture: layers import downwards only, no module imports
itself back through others, and the sandbox side imports nothing of the grader."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GRADER = REPO / "grader"
INSIDE = GRADER / "sandbox" / "inside"

# Lowest first: a module may import its own layer and the layers before it, never a later one.
LAYERS = ("inside", "core", "sandbox", "parts", "engine", "render", "ci", "batch", "report", "gradescope", "release", "commands")
# Top-level modules that belong to a later layer than the shared vocabulary: the course file
# names parts, so it sits with them.
PLACED = {"grader.course": "parts"}


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def layer(module: str) -> str:
    if module in PLACED:
        return PLACED[module]
    parts = module.split(".")
    if parts[:3] == ["grader", "sandbox", "inside"]:
        return "inside"
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "core"  # the top-level modules: the shared model (results, spec, options, text, ...)


def grader_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(GRADER.rglob("*.py"))}


def imports(path: Path, module: str) -> list[tuple[str, int]]:
    """Every module this file imports (at any depth: a lazy import is still a dependency)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            found.append((base, node.lineno))
            found += [(f"{base}.{a.name}", node.lineno) for a in node.names]
    return found


def grader_edges() -> dict[str, set[str]]:
    modules = grader_modules()
    return {m: {n for n, _ in imports(p, m) if n in modules and n not in (m, "grader")} for m, p in modules.items()}


def test_the_sandbox_side_imports_only_the_standard_library_numpy_and_its_own_folder():
    allowed = set(sys.stdlib_module_names) | {"numpy", "__future__"}
    bad = []
    for path in sorted(INSIDE.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level == 1 and (node.module is None or (INSIDE / f"{node.module}.py").is_file()):
                    continue  # a neighbour in this folder
                names = [("." * node.level) + (node.module or "")]
            else:
                continue
            bad += [f"{path.name}:{node.lineno} imports {n}" for n in names if n.partition(".")[0] not in allowed]
    assert bad == []


def test_the_sandbox_side_is_bound_as_a_whole_folder_and_the_guard_stands_alone():
    # guard.py and wire.py are also loaded alone by path (tests, tools): no relative imports there.
    for name in ("guard.py", "wire.py"):
        tree = ast.parse((INSIDE / name).read_text())
        assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree)), name
    launch = (GRADER / "sandbox" / "launch.py").read_text() + (GRADER / "sandbox" / "client.py").read_text()
    for name in ("wire.py", "server.py", "guard.py"):
        assert f'"{name}"' not in launch


def test_layers_import_downwards_only():
    bad = [
        f"{m} ({layer(m)}) imports {d} ({layer(d)})"
        for m, deps in grader_edges().items()
        for d in deps
        if LAYERS.index(layer(d)) > LAYERS.index(layer(m))
    ]
    assert bad == []


def test_no_import_cycle():
    edges = grader_edges()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for d in sorted(edges[m]):
            if state.get(d) == 1:
                cycles.append(stack[stack.index(d):] + [d])
            elif d not in state:
                visit(d, [*stack, d])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert cycles == []


def test_every_module_imports_on_its_own():
    """No module works only when another was imported first (a hidden cycle or a missing import).

    One interpreter (numpy and torch stay loaded), the grader's modules dropped before each import."""
    import subprocess

    code = f"""
import importlib, sys, traceback
for m in {sorted(grader_modules())!r}:
    for name in [n for n in sys.modules if n.split(".")[0] in ("grader", "reference")]:
        del sys.modules[name]
    try:
        importlib.import_module(m)
    except Exception:
        print(m, traceback.format_exc(limit=1))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")
