"""A worker's CPU time read from outside, and freezing the worker between timed calls.

The grader times student code by the CPU time of the worker's whole process tree, read here in
the parent: Linux's per-process CPU clock (`clock_gettime` on `((~pid) << 3) | 2`, CPUCLOCK_SCHED,
ns resolution) covers every thread of a process, including threads that already exited, and
`/proc/<pid>/stat` adds the children a process reaped (clock ticks). Nothing the student's code
reports about itself is used, and CPU time barely moves when other processes share the cores,
where wall time doubles.

`freeze` stops every process of the tree with SIGSTOP (it cannot be caught or ignored) and waits
until /proc shows each one stopped, so no student thread runs while the reference is timed; the
next request thaws it. Under bubblewrap the tree is the bwrap process, the pid namespace's init
and the worker below it (the seccomp filter forbids forks); with the process fallback it is the
worker and its children.

Where none of this exists (a laptop without /proc, say), `available()` is False and the timing
check falls back to wall time.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from grader.sandbox import procfs
from grader.sandbox.proctree import descendants

_TICK_NS = 10**9 // (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)
STOP_WAIT = 2.0  # seconds for every process of a tree to show as stopped


def _clock(pid: int) -> int:
    return ((~pid) << 3) | 2  # CPUCLOCK_SCHED of the whole process (include/linux/posix-timers.h)


def available() -> bool:
    """Whether another process's CPU clock and /proc can be read here."""
    try:
        time.clock_gettime_ns(_clock(os.getpid()))
        return Path(f"/proc/{os.getpid()}/stat").exists()
    except (OSError, AttributeError, OverflowError):
        return False


def tree(pid: int) -> list[int]:
    """`pid` and every live process below it."""
    return [pid, *descendants(pid)]


def _stat(pid: int) -> list[str] | None:
    return procfs.stat_fields(pid)  # fields from 3 (state) on


def cpu_ns(pids: list[int]) -> dict[int, int]:
    """pid -> CPU time in ns of that process (all its threads) plus the children it reaped."""
    out = {}
    for pid in pids:
        try:
            own = time.clock_gettime_ns(_clock(pid))
        except OSError:
            continue  # exited: what it ran before counts in its reaper's children time
        fields = _stat(pid)
        reaped = (int(fields[13]) + int(fields[14])) * _TICK_NS if fields else 0  # cutime, cstime
        out[pid] = own + reaped
    return out


def spent_ns(before: dict[int, int], after: dict[int, int]) -> int:
    """CPU time between two readings; a process that appeared in between counts from zero."""
    return sum(max(0, ns - before.get(pid, 0)) for pid, ns in after.items())


def state(pid: int) -> str:
    """The one-letter state of every thread of `pid` ('T' stopped), as /proc/<pid>/task shows."""
    states = []
    for tid in procfs.threads(pid):
        fields = procfs.stat_fields(pid, f"task/{tid}/stat")
        if fields:
            states.append(fields[0][0])
    return "".join(sorted(set(states))) or "X"


def freeze(pid: int) -> list[int] | None:
    """SIGSTOP `pid`'s whole tree and wait until every thread shows stopped; -> the pids stopped,
    or None if some process would not show stopped in time (it is still signalled)."""
    seen: set[int] = set()
    pids = tree(pid)
    while len(seen) < len(pids):  # a process started meanwhile is stopped in the next round
        for p in pids:
            if p not in seen:
                _signal(p, signal.SIGSTOP)
                seen.add(p)
        pids = sorted(set(tree(pid)) | seen)
    deadline = time.monotonic() + STOP_WAIT
    for p in pids:
        while not set(state(p)) <= set("TtZX"):
            if time.monotonic() > deadline:
                return None
            time.sleep(0.0005)
    return pids


def thaw(pids: list[int]) -> None:
    for p in pids:
        _signal(p, signal.SIGCONT)


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
