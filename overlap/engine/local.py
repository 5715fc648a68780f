"""Run a stage over shards in this process or in a local process pool, results in order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def default_workers() -> int:
    """Worker processes to use: the cores this process may run on."""
    return max(1, len(os.sched_getaffinity(0)))


def map_shards(
    stage: Callable[[A], B], shards: Iterable[A], workers: int | None = None
) -> Iterator[B]:
    """Apply ``stage`` to every shard and yield the results in shard order.

    With one worker (or one shard) the stage runs in this process; otherwise in a pool of
    ``workers`` processes, at most two shards ahead per worker so memory stays bounded.
    ``stage`` must be a module-level function and shards picklable.
    """
    items = list(shards)
    n = min(workers or default_workers(), len(items))
    if n <= 1:
        yield from (stage(item) for item in items)
        return
    with ProcessPoolExecutor(max_workers=n) as pool:
        pending = [pool.submit(stage, item) for item in items[: 2 * n]]
        next_item = len(pending)
        while pending:
            result = pending.pop(0).result()
            if next_item < len(items):
                pending.append(pool.submit(stage, items[next_item]))
                next_item += 1
            yield result
