"""The fork server batch children are forked from, startable before the grader's own imports.

Its preload (grader.batch.preload: the engine, the part specs and so torch) takes seconds.
`cli.py grade` starts it before importing the grade command (grader.commands.lazy), so the
server's imports run on another core while the command's own run here. This module imports
nothing of the grader.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

PRELOAD = ["grader.batch.preload"]


def start() -> None:
    """Start the fork server if this process may have children (a Dask worker's may not)."""
    multiprocessing.set_forkserver_preload(PRELOAD)
    if not multiprocessing.current_process().daemon:
        multiprocessing.forkserver.ensure_running()
