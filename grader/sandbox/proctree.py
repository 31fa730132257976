"""Killing a process and everything it started, including children that left its process group.

A grading child runs the engine, whose student worker starts in a session of its own
(`grader.sandbox.client`), so killing the child's group alone would orphan a worker stuck in a student's
endless loop. Linux's /proc gives the parent of every process; the tree is frozen with SIGSTOP
before it is read, so nothing in it can start another process between the reading and the kill.
"""

from __future__ import annotations

import os
import signal

from grader.sandbox import procfs


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process visible in /proc."""
    parents: dict[int, int] = {}
    for pid in procfs.pids():
        fields = procfs.stat_fields(pid)
        if fields is not None:  # None: it exited while we looked
            parents[pid] = int(fields[1])
    return parents


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, parents before children.

    The kernel's children lists are read where it keeps them; elsewhere every process's parent
    is read from /proc. Either reading races with a process that forks meanwhile, which is why
    callers stop what they found and read again until nothing new appears."""
    by_parent: dict[int, list[int]] | None = None
    if not procfs.has_children_files():
        by_parent = {}
        for child, parent in _parents().items():
            by_parent.setdefault(parent, []).append(child)
    found: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        for child in procfs.children(p) if by_parent is None else by_parent.get(p, []):
            found.append(child)
            todo.append(child)
    return found


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill_tree(pid: int) -> None:
    """SIGKILL `pid`, every process below it, and the process groups any of them lead.

    Only groups led by a process of the tree are signalled, never the caller's own group: a child
    killed before it made its own session is still in the caller's group.
    """
    _signal(pid, signal.SIGSTOP)
    tree = [pid]
    seen: set[int] = set()
    # Re-read until no new process appears: each round freezes what the last one found.
    while len(tree) > len(seen):
        for p in tree:
            if p not in seen:
                _signal(p, signal.SIGSTOP)
                seen.add(p)
        tree = [pid, *descendants(pid)]
    own_group = os.getpgrp()
    for p in tree:
        try:
            if os.getpgid(p) == p and p != own_group:
                os.killpg(p, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _signal(p, signal.SIGKILL)
