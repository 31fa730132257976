"""Reading Linux's /proc: the one place the grader walks it (process trees, leftovers, CPU time).

Every reader tolerates a process that exits while it is read: it is then left out (None).
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

PROC = Path("/proc")


def pids() -> list[int]:
    """Every process id visible in /proc (none where there is no /proc)."""
    try:
        return [int(e) for e in os.listdir(PROC) if e.isdigit()]
    except OSError:
        return []


def read(pid: int, name: str) -> bytes | None:
    """/proc/<pid>/<name> ("stat", "environ", "status", "task/<tid>/stat"), or None once it is gone."""
    try:
        return (PROC / str(pid) / name).read_bytes()
    except OSError:
        return None


def stat_fields(pid: int, name: str = "stat") -> list[str] | None:
    """The fields of a stat file from field 3 (state) on; the command name (field 2) may hold
    spaces and parentheses, so the split is after its last ")"."""
    raw = read(pid, name)
    if raw is None:
        return None
    text = raw.decode("utf-8", "replace")
    return text[text.rfind(")") + 2 :].split()


def uid(pid: int) -> int | None:
    """The real uid, from /proc/<pid>/status."""
    raw = read(pid, "status")
    for line in (raw or b"").decode("utf-8", "replace").splitlines():
        if line.startswith("Uid:"):
            try:
                return int(line.split()[1])
            except (IndexError, ValueError):
                return None
    return None


def threads(pid: int) -> list[int]:
    try:
        return [int(t) for t in os.listdir(PROC / str(pid) / "task") if t.isdigit()]
    except OSError:
        return []


@functools.lru_cache(maxsize=1)
def has_children_files() -> bool:
    """Whether the kernel lists each thread's children (/proc/<pid>/task/<tid>/children, CONFIG_PROC_CHILDREN)."""
    return (PROC / "self" / "task" / str(threading.get_native_id()) / "children").exists()


def children(pid: int) -> list[int]:
    """The children of every thread of `pid` (none once it is gone); needs has_children_files().

    Reading a few small files instead of every process's stat: a worker's tree took 4.6 ms to
    find by scanning /proc, and each timed call freezes the tree, which finds it twice."""
    found: list[int] = []
    for tid in threads(pid):
        raw = read(pid, f"task/{tid}/children")
        found += [int(c) for c in (raw or b"").split()]
    return found
