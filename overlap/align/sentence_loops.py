"""The sentence space's dot products, compiled (:mod:`overlap.compiled`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled


def _dot_rows(a: Any, a_starts: Any, a_terms: Any, b: Any, b_starts: Any, b_terms: Any) -> Any:
    """``a @ b.T``, and how many terms each pair of rows shares.

    Row ``i`` of ``a`` holds terms ``a_terms[a_starts[i]:a_starts[i + 1]]`` (ascending),
    likewise ``b``. Each sum runs over the shared terms in order: the order a sparse product
    of the same rows runs its sums in, so that dense and sparse sentence spaces give the same
    numbers to the last bit (no fused multiply-adds: numba compiles without them unless
    asked). A pair of rows costs the terms of the two rows, not the vocabulary.
    """
    products = np.zeros((a.shape[0], b.shape[0]))
    shared = np.zeros((a.shape[0], b.shape[0]))
    for i in range(a.shape[0]):
        for k in range(b.shape[0]):
            total = 0.0
            common = 0
            x, x_end = a_starts[i], a_starts[i + 1]
            y, y_end = b_starts[k], b_starts[k + 1]
            while x < x_end and y < y_end:
                tx, ty = a_terms[x], b_terms[y]
                if tx < ty:
                    x += 1
                elif ty < tx:
                    y += 1
                else:
                    total += a[i, tx] * b[k, tx]
                    common += 1
                    x += 1
                    y += 1
            products[i, k] = total
            shared[i, k] = common
    return products, shared


dot_rows = compiled(_dot_rows)
