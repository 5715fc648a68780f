"""The exact runs of an alignment, compiled (:mod:`overlap.compiled`): one pair of texts.

Seeds, runs, their growth and their grouping, each in one pass, instead of some thirty
array operations per pair of texts: a scan aligns tens of pairs of posts per store part, and
for two posts the operations' overheads outweighed their work. The tests hold it to a
reference made of array operations, run for run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled

_MULT = np.uint64(0x9E3779B97F4A7C15)


def _ngram_keys(ids: Any, n: int) -> Any:
    count = len(ids) - n + 1
    out = np.zeros(count, np.uint64)
    for p in range(count):
        acc = np.uint64(0)
        for k in range(n):
            acc = acc * _MULT + np.uint64(ids[p + k])
        out[p] = acc
    return out


ngram_keys = compiled(_ngram_keys)


def _exact_runs(a_ids: Any, b_ids: Any, n: int, max_hits: int, max_pairs: int) -> Any:
    """``(starts, ends, diagonals)`` of the maximal runs of equal ids that hold a seed.

    Seeds are shared ``n``-grams; those that occur more than ``max_hits`` times in ``b`` are
    skipped, and beyond ``max_pairs`` seed pairs the most frequent of the rest too (every
    ``n``-gram of the largest number of hits whose ``n``-grams, with all those of fewer
    hits, make at most ``max_pairs`` pairs is kept). Runs come sorted by diagonal, then
    start; a run is ``a[start:end]`` = ``b[start + diagonal:end + diagonal]``.
    """
    empty = np.zeros(0, np.int64)
    if len(a_ids) < n or len(b_ids) < n:
        return empty, empty.copy(), empty.copy()
    a_keys = ngram_keys(a_ids, n)
    b_keys = ngram_keys(b_ids, n)
    order = np.argsort(b_keys, kind="mergesort")
    ordered = b_keys[order]
    lo = np.searchsorted(ordered, a_keys, side="left")
    hi = np.searchsorted(ordered, a_keys, side="right")
    hits = hi - lo
    total = 0
    for p in range(len(a_keys)):
        if 0 < hits[p] <= max_hits:
            total += hits[p]
    limit = max_hits
    if total > max_pairs:  # the largest level of hits whose n-grams, and those below, fit
        levels = np.sort(hits[(hits > 0) & (hits <= max_hits)])
        limit = 0
        running = 0
        k = 0
        while k < len(levels):
            level = levels[k]
            while k < len(levels) and levels[k] == level:
                running += level
                k += 1
            if running > max_pairs:
                break
            limit = level
    # Seed pairs (i, j), kept where their n ids are equal (no hash collision).
    count = 0
    for p in range(len(a_keys)):
        if 0 < hits[p] <= limit:
            count += hits[p]
    codes = np.empty(count, np.int64)
    width = np.int64(len(a_ids) + 1)
    shift = np.int64(len(a_ids))
    kept = 0
    for p in range(len(a_keys)):
        if not 0 < hits[p] <= limit:
            continue
        for r in range(lo[p], hi[p]):
            j = order[r]
            same = True
            for k in range(n):
                if a_ids[p + k] != b_ids[j + k]:
                    same = False
                    break
            if same:  # sorted by diagonal, then by position in a
                codes[kept] = (j - p + shift) * width + p
                kept += 1
    if kept == 0:
        return empty, empty.copy(), empty.copy()
    codes = np.sort(codes[:kept])
    # Seeds of one diagonal at most n apart overlap or touch: one run.
    starts = np.empty(kept, np.int64)
    ends = np.empty(kept, np.int64)
    diag = np.empty(kept, np.int64)
    runs = 0
    for k in range(kept):
        i = codes[k] % width
        d = codes[k] // width - shift
        if runs and diag[runs - 1] == d and i - (ends[runs - 1] - n) <= n:
            ends[runs - 1] = i + n
        else:
            starts[runs] = i
            ends[runs] = i + n
            diag[runs] = d
            runs += 1
    # Grown left and right while the words still agree (frequent n-grams may be skipped).
    for k in range(runs):
        s, e, d = starts[k], ends[k], diag[k]
        while s > 0 and s + d > 0 and a_ids[s - 1] == b_ids[s - 1 + d]:
            s -= 1
        while e < len(a_ids) and e + d < len(b_ids) and a_ids[e] == b_ids[e + d]:
            e += 1
        starts[k], ends[k] = s, e
    # Runs of one diagonal that grew into each other (or touch) are one.
    out = 0
    for k in range(runs):
        if out and diag[k] == diag[out - 1] and starts[k] <= ends[out - 1]:
            ends[out - 1] = ends[k]
        else:
            starts[out], ends[out], diag[out] = starts[k], ends[k], diag[k]
            out += 1
    return starts[:out].copy(), ends[:out].copy(), diag[:out].copy()


exact_runs = compiled(_exact_runs)
