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
