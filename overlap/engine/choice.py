"""The engine interface, and choosing one by name: ``local`` or ``dask``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeVar

from overlap.engine.local import LocalEngine
from overlap.errors import EngineError

A = TypeVar("A")
B = TypeVar("B")
S = TypeVar("S")

#: Engine names, the first the default.
ENGINES = ("local", "dask")


class Engine(Protocol):
    """Runs a stage over shards somewhere; jobs decide the shards, engines where each goes.

    A stage is a module-level function of one shard (and of a value every shard shares);
    shards and results must pickle. Results come back in shard order, and shards are drawn
    lazily with a bounded number in flight, so the caller's memory stays bounded by a few
    shards and results.
    """

    name: str

    @property
    def workers(self) -> int:
        """Stages that can run at once."""
        ...

    def map(self, stage: Callable[[A], B], shards: Iterable[A]) -> Iterator[B]:
        """Apply ``stage`` to every shard; yield the results in shard order."""
        ...

    def map_shared(self, stage: Callable[[A, S], B], shards: Iterable[A], shared: S) -> Iterator[B]:
        """Apply ``stage(shard, shared)`` to every shard; ``shared`` is shipped to workers once."""
        ...

    def close(self) -> None:
        """Release what the engine holds (a cluster it started, connections)."""
        ...


@dataclass(frozen=True)
class EngineSpec:
    """Which engine a command runs on.

    Raises:
        EngineError: An unknown engine name, or fewer than one worker.

    Attributes:
        name: ``local`` (this machine: in-process or a process pool) or ``dask``.
        scheduler: With ``dask``, the address of a running scheduler
            (``tcp://host:8786``); without one a local cluster is started for the run.
        workers: ``local``: processes (one runs in-process); ``dask`` without a scheduler:
            worker processes of the local cluster. The cores available by default.
    """

    name: str = "local"
    scheduler: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise EngineError(f"engine must be one of {', '.join(ENGINES)}, got {self.name!r}")
        if self.workers is not None and self.workers < 1:
            raise EngineError(f"workers must be >= 1, got {self.workers}")


@contextlib.contextmanager
def open_engine(spec: EngineSpec | None = None) -> Iterator[Engine]:
    """Start (or connect to) the engine ``spec`` names; close it on the way out.

    Raises:
        EngineError: ``dask`` without the dask extra installed, or no scheduler answers.
    """
    spec = spec or EngineSpec()
    engine: Engine
    if spec.name == "dask":
        from overlap.engine.dask import DaskEngine  # the dask extra is optional

        engine = DaskEngine.start(spec.scheduler, spec.workers)
    else:
        engine = LocalEngine(spec.workers)
    try:
        yield engine
    finally:
        engine.close()
