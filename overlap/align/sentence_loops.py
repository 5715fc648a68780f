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


def _could_seed(
    a_ids: Any,
    a_rows: Any,
    b_ids: Any,
    b_rows: Any,
    sentences_a: int,
    sentences_b: int,
    min_cosine: float,
    min_dice: float,
) -> Any:
    """Whether a sentence pair of the two texts may pass the sentence seeds' two bars.

    ``a_ids`` are the terms of a's words (ids of one vocabulary for both texts, each below
    ``len(a_ids) + len(b_ids)``), ``a_rows`` the sentence of each word, in order; likewise
    b. The TF-ISF weights, norms and Dice are those of the sentence space (ISF over the
    sentences of both texts); Dice is exact, the cosine is summed in another order, so it
    is compared with ``min_cosine`` less a margin far above the rounding that order costs.
    A pair's work is the terms of its two sentences, not the vocabulary.
    """
    vocab = len(a_ids) + len(b_ids)
    n = sentences_a + sentences_b
    # Each sentence's distinct terms, with their counts: terms[starts[s]:starts[s + 1]].
    seen = np.full(vocab, -1, np.int64)
    at = np.zeros(vocab, np.int64)
    terms = np.empty(vocab, np.int64)
    counts = np.zeros(vocab, np.float64)
    starts = np.zeros(n + 1, np.int64)
    df = np.zeros(vocab, np.int64)
    filled = 0
    for side in range(2):
        ids = a_ids if side == 0 else b_ids
        rows = a_rows if side == 0 else b_rows
        offset = 0 if side == 0 else sentences_a
        for k in range(len(ids)):
            s = offset + rows[k]
            t = ids[k]
            if seen[t] != s:
                seen[t] = s
                at[t] = filled
                terms[filled] = t
                counts[filled] = 0.0
                filled += 1
                df[t] += 1
                starts[s + 1] = filled
            counts[at[t]] += 1.0
    for s in range(1, n + 1):  # a sentence without words (none are) holds no terms
        if starts[s] < starts[s - 1]:
            starts[s] = starts[s - 1]
    weights = np.empty(filled, np.float64)
    norms = np.zeros(n, np.float64)
    for s in range(n):
        total = 0.0
        for x in range(starts[s], starts[s + 1]):
            w = counts[x] * np.log(n / df[terms[x]])
            weights[x] = w
            total += w * w
        norms[s] = np.sqrt(total)
    margin = 1e-9
    mine = np.zeros(vocab, np.float64)
    held = np.zeros(vocab, np.bool_)
    for i in range(sentences_a):
        for x in range(starts[i], starts[i + 1]):
            mine[terms[x]] = weights[x]
            held[terms[x]] = True
        size_a = starts[i + 1] - starts[i]
        for k in range(sentences_a, n):
            shared = 0
            product = 0.0
            for y in range(starts[k], starts[k + 1]):
                t = terms[y]
                if held[t]:
                    shared += 1
                    product += mine[t] * weights[y]
            size_b = starts[k + 1] - starts[k]
            dice = 2.0 * shared / max(float(size_a + size_b), 1.0)
            cosine = product / max(norms[i] * norms[k], 1e-12)
            if dice > min_dice and cosine > min_cosine - margin:
                return True
        for x in range(starts[i], starts[i + 1]):
            held[terms[x]] = False
    return False


could_seed = compiled(_could_seed)
