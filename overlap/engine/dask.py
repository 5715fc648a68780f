"""The Dask engine: the same stages, their shards run on the workers of a Dask cluster.

Needs the ``dask`` extra (``pip install 'overlap[dask]'``). Workers must be able to import
``overlap`` (the same version as the client) and, for jobs that touch the corpus store, see
the store folder at the same path as the client (a shared file system).
"""

from __future__ import annotations

import logging
import resource
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from overlap.engine.local import default_workers
from overlap.errors import EngineError

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

logger = logging.getLogger(__name__)

A = TypeVar("A")
B = TypeVar("B")
S = TypeVar("S")

#: Seconds to wait for a scheduler to answer.
CONNECT_TIMEOUT = 30
#: The Dask setting that makes worker processes trim freed memory early (see ``start``).
TRIM_SETTING = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
MISSING_EXTRA = "--engine dask needs the dask extra: pip install 'overlap[dask]'"


@dataclass(frozen=True)
class _Box(Generic[S]):
    """Scattered as one object, whatever ``value`` is (Dask splits scattered lists)."""

    value: S


def _call_shared(stage: Callable[[A, S], B], shard: A, box: _Box[S]) -> B:
    return stage(shard, box.value)


def peak_rss() -> int:
    """Peak resident memory of the calling process, in bytes.

    Linux's ``VmHWM`` where there is one: unlike ``getrusage``, it does not count the peak
    of the process this one was forked from before it exec'd.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class DaskEngine:
    """Run stages on a Dask cluster through a ``distributed.Client``.

    Args:
        client: A connected client.
        cluster: A cluster this engine started and closes with itself, if any.
    """

    name = "dask"

    def __init__(self, client: Client, cluster: LocalCluster | None = None) -> None:
        self.client = client
        self._cluster = cluster

    @classmethod
    def start(cls, scheduler: str | None = None, workers: int | None = None) -> DaskEngine:
        """Connect to the scheduler at ``scheduler``, or start a local cluster of ``workers``.

        A local cluster has one single-threaded worker process per core by default: the
        stages hold the GIL, so processes, not threads, make them parallel.

        Raises:
            EngineError: The dask extra is not installed, or no scheduler answers.
        """
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise EngineError(MISSING_EXTRA) from exc
        if scheduler:
            try:
                return cls(Client(scheduler, timeout=CONNECT_TIMEOUT))
            except (OSError, TimeoutError) as exc:
                raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        import dask

        # Dask makes workers return freed memory to the system at once (a 64 KiB glibc trim
        # threshold); the stages allocate and free large arrays, which then page-fault
        # afresh every time: 1.6 times slower. Unset, glibc keeps its adaptive threshold.
        with dask.config.set({TRIM_SETTING: None}):
            cluster = LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        try:
            return cls(Client(cluster), cluster)
        except BaseException:
            cluster.close()
            raise

    @property
    def workers(self) -> int:
        """Threads across the cluster's workers now (they may come and go)."""
        threads: dict[str, int] = self.client.nthreads()
        return sum(threads.values())

    def map(self, stage: Callable[[A], B], shards: Iterable[A]) -> Iterator[B]:
        """Apply ``stage`` to every shard on the cluster; yield the results in shard order."""
        return self._run(lambda shard: self.client.submit(stage, shard, pure=False), shards)

    def map_shared(self, stage: Callable[[A, S], B], shards: Iterable[A], shared: S) -> Iterator[B]:
        """Apply ``stage(shard, shared)``; ``shared`` is scattered to every worker once."""
        box = self.client.scatter(_Box(shared), broadcast=True, hash=False)

        def submit(shard: A) -> Future[Any]:
            return self.client.submit(_call_shared, stage, shard, box, pure=False)

        try:
            yield from self._run(submit, shards)
        finally:
            self.client.cancel([box])

    def _run(self, submit: Callable[[A], Future[Any]], shards: Iterable[A]) -> Iterator[B]:
        # Enough in flight to keep every worker busy; few enough that results cannot pile up.
        # Workers may join while a command runs (a batch system starting them): look again
        # now and then.
        ahead, looked = 2 * max(1, self.workers) + 2, time.monotonic()
        pending: deque[Future[Any]] = deque()
        try:
            for shard in shards:
                pending.append(submit(shard))
                if len(pending) >= ahead and time.monotonic() - looked > 1.0:
                    ahead, looked = 2 * max(1, self.workers) + 2, time.monotonic()
                if len(pending) >= ahead:
                    yield self._result(pending.popleft())
            while pending:
                yield self._result(pending.popleft())
        finally:
            if pending:
                self.client.cancel(list(pending))

    @staticmethod
    def _result(future: Future[Any]) -> Any:
        try:
            return future.result()
        finally:
            future.release()

    def peak_memory(self) -> dict[str, int]:
        """Peak resident memory of each worker process so far, in bytes, by worker address."""
        peaks: dict[str, int] = self.client.run(peak_rss)
        return peaks

    def close(self) -> None:
        """Close the client, and the local cluster if this engine started one."""
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
