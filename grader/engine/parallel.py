"""Grading one submission's parts on several cores: each group of parts in a forked child.

A part's grading is mostly the parent's own Python (hypothesis draws, references, comparisons)
waiting in turn on its worker, so it keeps about one core busy. One submission graded alone
(`check`, a `grade` of one folder) would leave the machine's other cores idle; its parts are
split into groups graded at once instead.

Forked, not spawned: a child inherits the imports (torch) and the staged folder and starts in
milliseconds. What a child returns is only ever a speed-up: a child that dies, or whose answer
does not unpickle, has its group graded again in the parent, so a result never depends on it.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

from reference.device import warm_up

T = TypeVar("T")
S = TypeVar("S")


def available_cores() -> int:
    """The cores this process may run on (a container's or taskset's share, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def groups(items: Sequence[S], n: int) -> list[list[S]]:
    """`items` dealt round-robin into at most `n` non-empty groups (order kept inside each):
    neighbours in lecture order differ most in cost, so dealing them apart balances the groups."""
    n = max(1, min(n, len(items)))
    return [list(items[i::n]) for i in range(n)]


def in_parallel(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Each task's result, in order; the first runs here while the others run in forked children."""
    if len(tasks) <= 1:
        return [task() for task in tasks]
    warm_up()  # torch's lazy imports, done once here rather than in every child
    children = [_start(task) for task in tasks[1:]]
    results = [tasks[0]()]
    for (pid, fd), task in zip(children, tasks[1:]):
        results.append(_finish(pid, fd, task))
    return results


def _start(task: Callable[[], T]) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, answer, and leave without the parent's atexit handlers or buffers
        os.close(read)
        try:
            answer = pickle.dumps(("ok", task()))
        except BaseException as exc:  # noqa: BLE001  (the parent regrades; it only needs to know)
            answer = pickle.dumps(("failed", repr(exc)))
        with os.fdopen(write, "wb") as out:
            out.write(answer)
        os._exit(0)
    os.close(write)
    return pid, read


def _finish(pid: int, fd: int, task: Callable[[], T]) -> T:
    with os.fdopen(fd, "rb") as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    try:
        status, value = pickle.loads(data)
    except Exception:  # noqa: BLE001  (a child killed mid-answer: nothing of it is used)
        status, value = "failed", None
    return value if status == "ok" else task()
