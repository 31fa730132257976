"""Grading one submission in a child process: results come back, and a hang costs only its limit."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from batch_fixtures import SHAPES_MAX, good, hanging

from grader.options import GradeOptions
from grader.batch.inputs.read import read_submission
from grader.batch.isolation import Job, materialize, run
from grader.sandbox.proctree import kill_tree

OPTIONS = GradeOptions(visibility=("public", "hidden"), hidden_seed=7, timing=False, examples_scale=0.2)
TOL = 1e-9


def _job(root: Path, limit: float, options: GradeOptions = OPTIONS) -> Job:
    sub = read_submission(root)
    return Job(sub.name, sub.files, ("shapes",), options, limit)


def _named(comm: str) -> set[int]:
    """Live processes whose name is `comm`; zombies do not count."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == comm and ") Z " not in (entry / "stat").read_text():
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def _hanging_and_named(dest: Path, comm: str) -> Path:
    """A hanging submission whose worker renames itself, so this test finds only its own worker."""
    root = hanging(dest)
    rename = f"import ctypes\nctypes.CDLL(None).prctl(15, {comm.encode()!r}, 0, 0, 0)  # PR_SET_NAME\n"
    shapes = root / "assignments" / "shapes.py"
    shapes.write_text(rename + shapes.read_text())
    return root


def test_a_forked_child_returns_the_engine_result(tmp_path: Path):
    outcome = run(_job(good(tmp_path / "alice"), 60.0))

    assert outcome.error == "" and outcome.result is not None
    assert sum(c["score"] for p in outcome.result["parts"] for c in p["checks"]) == pytest.approx(SHAPES_MAX, abs=TOL)
    assert outcome.grader_version and outcome.host


def test_a_spawned_interpreter_gives_the_same_result(tmp_path: Path):
    # The path a Dask worker under its nanny takes: daemonic processes may not fork children.
    job = _job(good(tmp_path / "alice"), 60.0)

    forked, spawned = run(job), run(job, method="spawn")

    assert spawned.result is not None and forked.result is not None
    scores = [[c["score"] for p in o.result["parts"] for c in p["checks"]] for o in (forked, spawned)]  # type: ignore[index]
    assert scores[0] == pytest.approx(scores[1], abs=TOL)


def test_a_hanging_submission_is_stopped_at_its_limit_with_every_process_killed(tmp_path: Path):
    comm = f"gl-{os.getpid() % 10**8}"
    root = _hanging_and_named(tmp_path / "spin", comm)
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(_named(comm))
            time.sleep(0.1)

    threading.Thread(target=watch, daemon=True).start()
    start = time.monotonic()
    # The plain-process sandbox: bubblewrap's seccomp filter may refuse the rename this test relies on.
    outcome = run(_job(root, 4.0, replace(OPTIONS, sandbox="process")))
    elapsed = time.monotonic() - start
    time.sleep(0.3)
    done.set()

    assert outcome.timed_out and outcome.result is None
    assert "did not finish within 4 s" in outcome.error
    assert elapsed < 4.0 + 6.0  # the limit, plus the kill and a loaded CI machine
    assert seen, "the hanging worker never started: the test proves nothing"
    assert _named(comm) == set()


def test_materialize_refuses_paths_that_leave_the_folder(tmp_path: Path):
    with pytest.raises(ValueError, match="unsafe path"):
        materialize({"../evil.py": b"x"}, tmp_path / "sub")
    assert not (tmp_path / "evil.py").exists()


def test_kill_tree_of_a_finished_process_is_harmless():
    import subprocess

    proc = subprocess.Popen(["true"])
    proc.wait()
    kill_tree(proc.pid)  # no such process: nothing to do, nothing raised


@pytest.mark.parametrize("children_files", [True, False], ids=["kernel-children-lists", "scan-of-every-process"])
def test_descendants_finds_grandchildren_with_or_without_the_kernels_children_lists(children_files: bool, monkeypatch: pytest.MonkeyPatch):
    import subprocess

    from grader.sandbox import procfs, proctree

    if children_files and not procfs.has_children_files():
        pytest.skip("this kernel keeps no children lists")
    monkeypatch.setattr(procfs, "has_children_files", lambda: children_files)
    # A shell whose child is a sleep in the background, and whose grandchild is another sleep.
    proc = subprocess.Popen(["sh", "-c", "sleep 30 & sh -c 'sleep 30 & wait' & wait"])
    def names(pids: list[int]) -> list[str]:
        return [Path(f"/proc/{p}/comm").read_text().strip() for p in pids]

    try:
        deadline = time.monotonic() + 10
        # A forked child shows as "sh" until it has exec'd sleep: wait for the settled tree.
        while sorted(names(proctree.descendants(proc.pid))) != ["sh", "sleep", "sleep"] and time.monotonic() < deadline:
            time.sleep(0.01)
        found = proctree.descendants(proc.pid)
        assert sorted(names(found)) == ["sh", "sleep", "sleep"]
        inner = found[names(found).index("sh")]
        assert proctree.descendants(inner) and all(p in found for p in proctree.descendants(inner))
    finally:
        kill_tree(proc.pid)
        proc.wait()
    assert proctree.descendants(proc.pid) == []
