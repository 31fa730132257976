"""Per-slot unprivileged uids for sandboxed workers, one slot per concurrently running worker.

A slot is held with an exclusive flock on a file, so parallel grading processes (or a crashed
one, whose locks the kernel drops) never share a uid; RLIMIT_NPROC, which the kernel counts per
uid, thereby limits each slot alone, and nothing of one slot can signal another's processes.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

BASE_UID = 640000
SLOTS = 256
LOCK_DIR = Path("/tmp/gradelab-slots")


@dataclass
class Slot:
    index: int
    fd: int

    @property
    def uid(self) -> int:
        return BASE_UID + self.index

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing drops the flock
            self.fd = -1


def acquire_slot() -> Slot:
    LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    for index in range(SLOTS):
        fd = os.open(LOCK_DIR / f"slot-{index}.lock", os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return Slot(index, fd)
    raise RuntimeError(f"all {SLOTS} sandbox slots are busy")
