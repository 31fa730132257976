"""A release refuses, naming the file, when it would hand out a solution or grade wrongly."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, VECTORIZED

from grader.commands import main
from grader.course import Assignment
from grader.release import guard
from grader.release.build import ReleaseError, Request, release

SHAPES_ONLY = Assignment("warmup", ("shapes",))


def tampered_root(tmp_path: Path) -> Path:
    """A copy of the instructor's repository that a test may change."""
    root = tmp_path / "instructor"
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("grader", "reference", "assignments", "examples", "tests/solutions"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    for name in ("cli.py", "pyproject.toml", "tests/seeded_bugs.py"):
        shutil.copyfile(REPO / name, root / name)
    return root


def _release(root: Path, tmp_path: Path, assignment: Assignment) -> Path:
    out = tmp_path / "release"
    release(Request(out, assignment, root, tmp_path / "records", root / "tests/solutions/vectorized"))
    return out


class _Renamed(ast.NodeTransformer):
    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(id=f"{node.id}_renamed" if node.id != "np" else "np", ctx=node.ctx)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.arg(arg=f"{node.arg}_renamed")


def test_a_solution_left_in_a_stub_is_refused_naming_the_file_and_the_solution(tmp_path: Path):
    root = tampered_root(tmp_path)
    shutil.copyfile(VECTORIZED / "assignments" / "conv.py", root / "assignments" / "conv.py")

    with pytest.raises(ReleaseError) as refused:
        _release(root, tmp_path, Assignment("hw1", ("shapes", "conv")))

    said = str(refused.value)
    assert "assignments/conv.py:16: the body of conv2d_forward() is the body of tests/solutions/vectorized/assignments/conv.py:conv2d_forward" in said
    assert "assignments/conv.py:42: the body of conv2d_backward()" in said
    assert not (tmp_path / "release").exists() and not (tmp_path / "records").exists()


def test_a_solution_body_with_its_names_changed_in_a_grader_file_is_refused(tmp_path: Path):
    root = tampered_root(tmp_path)
    solution = ast.parse((VECTORIZED / "assignments" / "conv.py").read_text())
    forward = next(n for n in solution.body if isinstance(n, ast.FunctionDef) and n.name == "conv2d_forward")
    forward.name = "debug_reference_conv"
    planted = ast.unparse(ast.fix_missing_locations(_Renamed().visit(forward)))
    with open(root / "grader" / "engine" / "repro.py", "a") as f:
        f.write("\n\n" + planted + "\n")

    with pytest.raises(ReleaseError) as refused:
        _release(root, tmp_path, Assignment("hw1", ("shapes", "conv")))

    leaks = str(refused.value).splitlines()[1:]
    assert len(leaks) == 1  # the stubs themselves are clean
    assert leaks[0].startswith("grader/engine/repro.py:") and "the body of debug_reference_conv() is the body of" in leaks[0]
    assert leaks[0].endswith(":conv2d_forward")


def test_trivial_bodies_shared_with_a_solution_are_not_leaks():
    solutions = guard.solution_bodies(REPO)
    stubs = {p.relative_to(REPO).as_posix(): p.read_bytes() for p in (REPO / "assignments").glob("*.py")}
    trivial = b"def f(x):\n    pass\n\ndef g(x):\n    return x\n\ndef h(x, cache):\n    '''doc'''\n    return x, cache\n"
    cleo = (REPO / "examples/cleo_partial/assignments/rnn.py").read_bytes()  # an untouched stub among the examples

    assert guard.find_leaks({**stubs, "trivial.py": trivial, "cleo_rnn.py": cleo}, solutions) == []
    assert all(size < guard.MIN_NODES for _, _, _, size in guard.bodies(trivial.decode(), "trivial.py"))


def test_the_smallest_graded_solution_body_counts():
    """The one-line output-size formula is the smallest complete answer: the guard must see it."""
    sizes = [size for name, _, _, size in guard.bodies((VECTORIZED / "assignments/shapes.py").read_text(), "shapes.py") if name == "conv2d_output_size"]
    assert sizes == [17] and sizes[0] >= guard.MIN_NODES
    planted = {"grader/hint.py": b"def output_size(n, k, s=1, p=0):\n    return (n + 2 * p - k) // s + 1\n"}
    assert [leak.file for leak in guard.find_leaks(planted, guard.solution_bodies(REPO))] == ["grader/hint.py"]


def test_the_seeded_bugs_are_compared_as_near_solutions():
    bugs = guard.seeded_bug_sources(REPO)
    assert len(bugs) >= 19 and all(name.startswith("tests/seeded_bugs.py[") for name in bugs)
    flipped = bugs["tests/seeded_bugs.py[conv_kernel_flipped]"]
    assert "w[:, :, ::-1, ::-1]" in flipped
    assert guard.find_leaks({"assignments/conv.py": flipped.encode()}, guard.solution_bodies(REPO))


@pytest.mark.slow  # a release up to its run of the released check on the stubs (20 s under load)
def test_stubs_that_score_a_point_are_refused_naming_the_file(tmp_path: Path):
    root = tampered_root(tmp_path)
    stub = root / "assignments" / "shapes.py"
    # Not any solution's body (the guard lets it through), but right: the released check must catch it.
    stub.write_text(stub.read_text().replace(
        'raise NotImplementedError("conv2d_output_size is not implemented yet")',
        "padded = size + pad + pad\n    return (padded - kernel) // stride + 1",
    ))
    assert "padded = size + pad + pad" in stub.read_text()

    with pytest.raises(ReleaseError) as refused:
        _release(root, tmp_path, SHAPES_ONLY)

    said = str(refused.value)
    assert "the released stubs score points on the released check: assignments/shapes.py scores" in said and "(shapes)" in said
    assert not (tmp_path / "release").exists()


@pytest.mark.slow  # a release and both runs of the released check (35 s under load)
def test_a_solution_short_of_full_marks_on_the_release_is_refused_naming_the_file(tmp_path: Path):
    solution = tmp_path / "buggy"
    (solution / "assignments").mkdir(parents=True)
    shapes = (VECTORIZED / "assignments" / "shapes.py").read_text()
    (solution / "assignments" / "shapes.py").write_text(shapes.replace("params = c_out * c_in * kh * kw + c_out", "params = c_out * c_in * kh * kw"))
    course = tmp_path / "course.toml"
    course.write_text('[assignments.warmup]\nparts = ["shapes"]\n')

    done = CliRunner().invoke(main, ["release", str(tmp_path / "out"), "--course", str(course), "--solution", str(solution), "--allow-public-seed"])

    assert done.exit_code == 1
    said = " ".join(done.output.split())
    assert "release refused: the solution" in said and "does not score full marks on the released check: assignments/shapes.py scores" in said
    assert not (tmp_path / "out").exists()
