"""Grading one submission's parts on several cores: parts handed out to forked children.

A part's grading is mostly the parent's own Python (hypothesis draws, references, comparisons)
waiting in turn on its worker, so it keeps about one core busy. One submission graded alone
(`check`, a `grade` of one folder) would leave the machine's other cores idle; its parts are
graded by several processes at once instead, each taking the next part from a shared queue when
it is done with one, so a process that drew cheap parts takes more of them. Dealt out in fixed
groups, the two groups of a full grade finished 2 s apart.

Forked, not spawned: a child inherits the imports (torch) and the staged folder and starts in
milliseconds. What a child returns is only ever a speed-up: a child that dies, or whose answer
does not unpickle, has its group graded again in the parent, so a result never depends on it.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from reference.device import warm_up

T = TypeVar("T")
S = TypeVar("S")


def available_cores() -> int:
    """The cores this process may run on (a container's or taskset's share, not the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Queue(Generic[S]):
    """Items handed out one at a time to whichever process asks first, across forks.

    A pipe written full before the fork (an item's index per byte) and read one byte at a time:
    a pipe's read of one byte is atomic, so no two processes get the same item. Iterating takes
    items until none is left."""

    LIMIT = 255  # one byte per index, and far below a pipe's buffer

    def __init__(self, items: Sequence[S]):
        if len(items) > self.LIMIT:
            raise ValueError(f"a queue holds at most {self.LIMIT} items")
        self.items = list(items)
        self._read, write = os.pipe()
        os.write(write, bytes(range(len(self.items))))
        os.close(write)

    def __iter__(self) -> Iterator[S]:
        while True:
            taken = os.read(self._read, 1)
            if not taken:
                return
            yield self.items[taken[0]]

    def close(self) -> None:
        os.close(self._read)


def in_parallel(tasks: Sequence[Callable[[], T]], fallback: Callable[[], T] | None = None) -> list[T]:
    """Each task's result, in order; the first runs here while the others run in forked children.
    A child that dies has its task run again here, or gives `fallback()` where running it again
    would not redo its work (a task taking items from a Queue finds them gone)."""
    if len(tasks) <= 1:
        return [task() for task in tasks]
    warm_up()  # torch's lazy imports, done once here rather than in every child
    children = [_start(task) for task in tasks[1:]]
    results = [tasks[0]()]
    for (pid, fd), task in zip(children, tasks[1:]):
        results.append(_finish(pid, fd, fallback or task))
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
