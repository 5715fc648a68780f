"""Sorted runs of hash keys merged into one, a range of keys at a time.

A scan's batch is prepared in chunks, each with its keys sorted; the chunks' keys are then
merged into one sorted array. Merged whole, that is one stable sort of millions of rows, on
one core, while every other core waits. Keys are hashes, spread evenly over their 64 bits, so
cut into ``PIECES`` ranges of equal width each range holds about as many rows; each range is
merged on its own (small enough to sort in cache) and the ranges are laid end to end. numpy
sorts and gathers numbers without holding the interpreter's lock, so ranges merge on as many
threads as asked at once. Which rows go where depends on the keys alone, never on the threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
Values = npt.NDArray[np.int64]
#: Sorted keys, and arrays of values carried row by row with them.
Run = tuple[U64, Sequence[Values]]

#: Key ranges of equal width a merge is cut into.
PIECES = 16
#: Rows below which a merge stays on the calling thread: starting threads costs more.
THREADED_ROWS = 1 << 18


#: Where each range but the first starts.
EDGES = np.array([p * ((1 << 64) // PIECES) for p in range(1, PIECES)], dtype=np.uint64)


def merge_runs(runs: Sequence[Run], carried: int, threads: int = 1) -> tuple[U64, list[Values]]:
    """Sorted runs of keys, with ``carried`` arrays of values each, merged into one by key.

    Rows of one key stay in run order, then in their order within the run: what one stable
    sort of all the rows in run order gives, whatever ``threads`` is.
    """
    if not runs:
        return np.zeros(0, dtype=np.uint64), [np.zeros(0, dtype=np.int64)] * carried
    cuts = [np.concatenate([[0], np.searchsorted(k, EDGES), [len(k)]]) for k, _ in runs]
    sizes = np.sum([np.diff(c) for c in cuts], axis=0)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    total = int(starts[-1])
    keys = np.empty(total, dtype=np.uint64)
    kinds = [np.result_type(*(v[n] for _, v in runs)) for n in range(carried)]
    values = [np.empty(total, dtype=kind) for kind in kinds]

    def piece(p: int) -> None:
        lo, hi = int(starts[p]), int(starts[p + 1])
        if lo == hi:
            return
        part = np.concatenate([k[c[p] : c[p + 1]] for (k, _), c in zip(runs, cuts, strict=True)])
        order = np.argsort(part, kind="stable")
        np.take(part, order, out=keys[lo:hi])
        for n in range(carried):
            rows = [v[n][c[p] : c[p + 1]] for (_, v), c in zip(runs, cuts, strict=True)]
            np.take(np.concatenate(rows), order, out=values[n][lo:hi])

    if threads <= 1 or total < THREADED_ROWS:
        for p in range(PIECES):
            piece(p)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(piece, range(PIECES)))
    return keys, values
