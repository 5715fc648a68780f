"""Run a stage over shards in this process or in a local process pool, results in order."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from overlap.engine.workers import parent_signals_held, start_worker, stop_pool
from overlap.errors import EngineError

A = TypeVar("A")
B = TypeVar("B")
S = TypeVar("S")

#: What every task of a pool gets besides its shard (set once per process by the pool).
_SHARED: Any = None


def default_workers() -> int:
    """Worker processes to use: the cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def _start(owner: int | None, shared: object) -> None:
    global _SHARED
    start_worker(owner)
    _SHARED = shared


def _with_shared(stage: Callable[[A, Any], B], shard: A) -> B:
    return stage(shard, _SHARED)


def _pooled(submit: Callable[[A], Future[B]], shards: Iterator[A], ahead: int) -> Iterator[B]:
    """Yield results in shard order, with at most ``ahead`` shards submitted and not yielded."""
    pending: deque[Future[B]] = deque()
    for shard in shards:
        pending.append(submit(shard))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def map_shards(
    stage: Callable[[A], B], shards: Iterable[A], workers: int | None = None
) -> Iterator[B]:
    """Apply ``stage`` to every shard and yield the results in shard order.

    With one worker the stage runs in this process; otherwise in a pool of ``workers``
    processes. Shards are drawn lazily, at most two ahead per worker, so memory stays
    bounded by a few shards whatever their number. ``stage`` must be a module-level
    function and shards picklable.

    Workers die with this process, even killed, and ignore Ctrl-C, which is this process's
    to handle. An exception here (Ctrl-C, a failed task) or closing the iterator early kills
    them at once rather than waiting for their tasks.
    """
    return LocalEngine(workers).map(stage, shards)


class LocalEngine:
    """The local engine: stages run in this process or in a pool of processes on this machine.

    Args:
        workers: Processes to run stages in; one runs them in this process. The cores
            this process may use by default.
    """

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise EngineError(f"workers must be >= 1, got {workers}")
        self.workers = workers or default_workers()

    def map(self, stage: Callable[[A], B], shards: Iterable[A]) -> Iterator[B]:
        """Apply ``stage`` to every shard; results in shard order (see :func:`map_shards`)."""
        if self.workers <= 1:
            return (stage(shard) for shard in shards)
        return self._pool(stage, iter(shards), None, shared=False)

    def map_shared(self, stage: Callable[[A, S], B], shards: Iterable[A], shared: S) -> Iterator[B]:
        """Apply ``stage(shard, shared)`` to every shard; ``shared`` goes to each process once."""
        if self.workers <= 1:
            return (stage(shard, shared) for shard in shards)
        return self._pool(stage, iter(shards), shared, shared=True)

    def _pool(
        self, stage: Callable[..., B], shards: Iterator[A], value: object, *, shared: bool
    ) -> Iterator[B]:
        # A pool is only worth starting for two shards or more.
        first = [shard for _, shard in zip(range(2), shards, strict=False)]
        if len(first) < 2:
            yield from (stage(s, value) if shared else stage(s) for s in first)
            return
        rest = _chain(first, shards)
        context = multiprocessing.get_context()
        method = context.get_start_method()
        # Workers are children of this process unless a fork server starts them.
        owner = os.getpid() if method != "forkserver" else None
        if method == "fork":
            from overlap.compiled import ready  # numba: loaded only where pools run

            ready()  # forked workers start with the compiler this process started
        pool = ProcessPoolExecutor(
            self.workers, context, initializer=_start, initargs=(owner, value if shared else None)
        )

        def submit(shard: A) -> Future[B]:
            with parent_signals_held():  # a submit may start workers
                if shared:
                    return pool.submit(_with_shared, stage, shard)
                return pool.submit(stage, shard)

        # The workers are forked with what this process holds (a batch, a scan's result):
        # frozen, the collector of a worker leaves it alone, rather than walk millions of
        # objects and copy every page it touches. This process collects them again after.
        frozen = not gc.get_freeze_count()
        if frozen:
            gc.freeze()
        try:
            yield from _pooled(submit, rest, 2 * self.workers)
        except BaseException:
            # Interrupted, failed, or the caller stopped early: nothing more is wanted from
            # the workers, and a running task may take minutes.
            stop_pool(pool)
            raise
        finally:
            if frozen:
                gc.unfreeze()
        pool.shutdown()

    def close(self) -> None:
        """Nothing to release: pools live as long as one map."""


def local_workers(engine: object, otherwise: int = 1) -> int:
    """The processes of this machine a local engine runs stages in; ``otherwise`` for others.

    For work a scan does on this machine whatever its engine (assembling findings, writing
    the report): a Dask engine's workers are elsewhere.
    """
    return engine.workers if isinstance(engine, LocalEngine) else otherwise


def _chain(first: list[A], rest: Iterator[A]) -> Iterator[A]:
    yield from first
    yield from rest
