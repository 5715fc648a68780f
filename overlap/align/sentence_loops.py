"""The sentence space's dot products, compiled (:mod:`overlap.compiled`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled


def _dot_rows(a: Any, b: Any) -> Any:
    """``a @ b.T`` with each sum run over the terms in order, non-zero products only.

    The order a sparse product of the same rows runs its sums in, so that dense and sparse
    sentence spaces give the same numbers to the last bit (no fused multiply-adds: numba
    compiles without them unless asked).
    """
    out = np.zeros((a.shape[0], b.shape[0]))
    for i in range(a.shape[0]):
        for k in range(b.shape[0]):
            total = 0.0
            for j in range(a.shape[1]):
                x = a[i, j]
                if x != 0.0:
                    y = b[k, j]
                    if y != 0.0:
                        total += x * y
            out[i, k] = total
    return out


dot_rows = compiled(_dot_rows)
