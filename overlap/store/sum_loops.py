"""The column sums of Arrow IPC part files, compiled (:mod:`overlap.compiled`).

A sum is taken of every column of every band and content file a scan reads; summing in
place, each value widened as it is added, spares the copy that widening a column first costs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled


def _wrapped_sum(values: Any) -> Any:
    """The sum of integer ``values``, each taken as an unsigned 64-bit number, mod 2**64."""
    total = np.uint64(0)
    for k in range(len(values)):
        total += np.uint64(np.int64(values[k]))
    return total


wrapped_sum = compiled(_wrapped_sum)


def _row_sums(data: Any, offsets: Any) -> Any:
    """Each row's bytes ``data[offsets[r]:offsets[r + 1]]`` weighed by place, with its length.

    Row ``r`` sums to its length plus each byte times its place in the row (counted from 1),
    modulo 2**64: a changed, lost or moved byte changes it.
    """
    out = np.empty(len(offsets) - 1, np.uint64)
    for r in range(len(offsets) - 1):
        first = offsets[r]
        total = np.uint64(offsets[r + 1] - first)
        for k in range(first, offsets[r + 1]):
            total += np.uint64(k - first + 1) * np.uint64(data[k])
        out[r] = total
    return out


row_sums = compiled(_row_sums)
