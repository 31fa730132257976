"""Parts graded in forked groups: same results as one after another, and a dead child costs time only."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, grade

import grader.engine.grade as engine
from grader.engine.parallel import Queue, in_parallel
from grader.options import GradeOptions


def test_a_queue_hands_each_item_to_exactly_one_process():
    queue = Queue(list(range(200)))

    def take() -> list[int]:
        taken = []
        for item in queue:
            taken.append(item)
            time.sleep(0.001)  # slow enough that every process gets a share
        return taken

    shares = in_parallel([take, take, take])
    queue.close()
    assert sorted(i for share in shares for i in share) == list(range(200))
    assert all(share for share in shares) and all(share == sorted(share) for share in shares)
    with pytest.raises(ValueError, match="at most 255"):
        Queue(list(range(256)))


def test_results_come_back_in_task_order_from_children():
    parent = os.getpid()
    pids = in_parallel([lambda: os.getpid(), lambda: os.getpid(), lambda: os.getpid()])
    assert pids[0] == parent
    assert len({*pids[1:]}) == 2 and parent not in pids[1:]


def test_a_child_that_dies_has_its_task_run_again_in_the_parent():
    parent = os.getpid()

    def dies_in_a_child() -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "graded here"

    def raises_in_a_child() -> str:
        if os.getpid() != parent:
            raise MemoryError("child")
        return "graded here too"

    assert in_parallel([lambda: "first", dies_in_a_child, raises_in_a_child]) == ["first", "graded here", "graded here too"]


def test_grading_parts_in_two_processes_gives_the_serial_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    options = GradeOptions(visibility=("public", "hidden"), hidden_seed=7, timing=False, examples_scale=0.2)
    cleo = REPO / "examples" / "cleo_partial"
    parts = ["shapes", "pooling"]
    serial = grade(cleo, parts, options)
    log = tmp_path / "graded-by"
    real = engine.grade_part

    def recorded(worker, staged, part, options, planned):  # a forked child inherits the patch
        with log.open("a") as f:
            f.write(f"{part.name} {os.getpid()}\n")
        time.sleep(0.5)  # holds its first part long enough for the other process to take one
        return real(worker, staged, part, options, planned)

    monkeypatch.setattr(engine, "grade_part", recorded)
    split = grade(cleo, parts, replace(options, part_jobs=2))
    graders = [line.split() for line in log.read_text().splitlines()]
    assert sorted(part for part, _ in graders) == sorted(parts * 2)  # each part once per phase
    assert {pid for _, pid in graders} - {str(os.getpid())}  # truly in a child
    assert [p.part for p in split.parts] == parts
    assert [(c.id, c.outcome, c.score, c.message) for c in split.checks] == [(c.id, c.outcome, c.score, c.message) for c in serial.checks]
    assert split.score < split.max_score  # cleo_partial fails checks: the messages compared are real ones


def test_a_part_taken_by_a_process_that_died_is_graded_in_the_parent(monkeypatch: pytest.MonkeyPatch):
    options = GradeOptions(visibility=("public", "hidden"), hidden_seed=7, timing=False, examples_scale=0.2)
    cleo = REPO / "examples" / "cleo_partial"
    parts = ["shapes", "pooling"]
    serial = grade(cleo, parts, options)
    parent, real = os.getpid(), engine.grade_part

    def dies_in_a_child(worker, staged, part, options, planned):
        if os.getpid() != parent:
            os._exit(3)  # after taking a part off the queue: only the parent can grade it now
        time.sleep(0.5)
        return real(worker, staged, part, options, planned)

    monkeypatch.setattr(engine, "grade_part", dies_in_a_child)
    split = grade(cleo, parts, replace(options, part_jobs=2))
    assert [(c.id, c.outcome, c.score, c.message) for c in split.checks] == [(c.id, c.outcome, c.score, c.message) for c in serial.checks]
