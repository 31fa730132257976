"""Where a batch's submissions are graded: local child processes, or a Dask cluster's workers.

Both give concurrent.futures-style futures of `isolate.Outcome`, so the batch loop, the gradebook
and the progress bar are the same for one laptop and for a cluster. Either way each submission
is graded by `isolate.run` in a child process under its own wall-clock limit.
"""

from __future__ import annotations

import concurrent.futures
import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from grader.batch import isolation as isolate


class BackendError(Exception):
    """The backend cannot start (an unreachable scheduler): nothing was graded."""


class Backend(Protocol):
    label: str

    def submit(self, job: isolate.Job) -> Any: ...

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


class LocalBackend:
    """`jobs` grading children at a time on this machine; a thread waits on each."""

    def __init__(self, jobs: int):
        self.label = f"{jobs} local process{'es' if jobs > 1 else ''}"
        isolate.warm_up()
        self._pool = concurrent.futures.ThreadPoolExecutor(jobs, thread_name_prefix="gradelab")
        self._stop = threading.Event()

    def submit(self, job: isolate.Job) -> concurrent.futures.Future[isolate.Outcome]:
        return self._pool.submit(isolate.run, job, self._stop)

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        return concurrent.futures.as_completed(list(futures))

    def cancel(self) -> None:
        """Kill the running children (within 0.2 s) and drop the queued jobs."""
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend:
    """A Dask distributed scheduler (`tcp://HOST:8786`) or a cluster object such as LocalCluster.

    Workers need this grader installed at the same version: each row records the version of the
    worker that graded it, so a stale worker's rows are regraded by the next run.
    """

    def __init__(self, scheduler: Any):
        try:
            from distributed import Client
        except ImportError:
            raise BackendError("--scheduler needs the distributed package: pip install -e '.[cluster]'") from None
        try:
            self._client = Client(scheduler, timeout="30s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise BackendError(f"cannot reach the Dask scheduler at {scheduler} ({exc})") from None
        workers = len(self._client.scheduler_info().get("workers", {}))
        self.label = f"dask {scheduler} ({workers} worker{'s' if workers != 1 else ''})"
        self._futures: list[Any] = []

    def submit(self, job: isolate.Job) -> Any:
        # pure=False and a unique key: a regrade of the same files must run again, not be cached.
        future = self._client.submit(isolate.run, job, pure=False, key=f"gradelab-{job.name}-{uuid.uuid4().hex[:8]}")
        self._futures.append(future)
        return future

    def as_completed(self, futures: Iterable[Any]) -> Iterator[Any]:
        from distributed import as_completed

        return iter(as_completed(list(futures), loop=self._client.loop))

    def cancel(self) -> None:
        """Drop the queued tasks; a running one stops at its own limit on its worker."""
        self._client.cancel(self._futures)

    def close(self) -> None:
        self._client.close()
