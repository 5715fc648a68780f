"""Chaining an alignment's runs, compiled (:mod:`overlap.compiled`): one pair of texts.

The dynamic programme of :func:`overlap.align.passages.chain_runs` and the reading back of
its chains, in one pass each over the runs instead of Python's loop, bisections and
insertions per run: a scan chains some twenty runs for each of tens of pairs per store
part. The tests hold it to the Python programme it replaces, chain for chain.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled


def _first_at_least(values: Any, count: int, bound: int, lo: int) -> int:
    """The first index in ``lo .. count`` with ``values[index] >= bound`` (ascending values)."""
    hi = count
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < bound:
            lo = mid + 1
        else:
            hi = mid
    return lo


first_at_least = compiled(_first_at_least)


def _chains(runs: Any, max_gap: int, min_words: int) -> Any:
    """Chains of ``runs`` (rows ``a_start, a_end, b_start, b_end``, in ascending row order).

    A run may follow another that starts before it on both sides, ends before it in the
    first text, and ends in the second text before it ends there and at most ``max_gap``
    words before it starts there; in the first text the other may end at most ``max_gap``
    words before it starts. Each run is scored with the most words of the first text that a
    chain ending in it matches, with the best earlier run (the first of equal scores, in
    order of end, then of index) as its parent; chains are read back from the best-scoring
    run down (ties by index), each run used once, until a score is below ``min_words``.

    Returns:
        Rows ``a_start, a_end, b_start, b_end, matched``, one per chain, best first.
    """
    n = len(runs)
    score = np.empty(n, np.int64)
    parent = np.empty(n, np.int64)
    # The runs scored so far, by end in the first text, then by index.
    end_at = np.empty(n, np.int64)
    end_run = np.empty(n, np.int64)
    for i in range(n):
        a_start, a_end, b_start, b_end = runs[i, 0], runs[i, 1], runs[i, 2], runs[i, 3]
        best = a_end - a_start
        best_parent = -1
        lo = first_at_least(end_at, i, a_start - max_gap, 0)
        hi = first_at_least(end_at, i, a_end, lo)
        for k in range(lo, hi):
            p_end = end_at[k]
            j = end_run[k]
            if (
                runs[j, 0] < a_start
                and runs[j, 2] < b_start
                and b_start - max_gap <= runs[j, 3]
                and runs[j, 3] < b_end
            ):
                gained = score[j] + a_end - (p_end if p_end > a_start else a_start)
                if gained > best:
                    best = gained
                    best_parent = j
        score[i] = best
        parent[i] = best_parent
        # After every run that ends where this one does or before: they have lower indexes.
        at = first_at_least(end_at, i, a_end + 1, 0)
        for k in range(i, at, -1):
            end_at[k] = end_at[k - 1]
            end_run[k] = end_run[k - 1]
        end_at[at] = a_end
        end_run[at] = i
    order = np.argsort(-score, kind="mergesort")
    used = np.zeros(n, np.bool_)
    members = np.empty(n, np.int64)
    out = np.empty((n, 5), np.int64)
    chains = 0
    for i in order:
        if score[i] < min_words:
            break
        count = 0
        k = i
        while k >= 0 and not used[k]:
            used[k] = True
            members[count] = k
            count += 1
            k = parent[k]
        if count == 0:
            continue
        # Members were read from the last run back: the first is members[count - 1].
        first = members[count - 1]
        matched = 0
        covered = runs[first, 0]
        for m in range(count - 1, -1, -1):
            r = members[m]
            matched += runs[r, 1] - (runs[r, 0] if runs[r, 0] > covered else covered)
            covered = runs[r, 1]
        out[chains, 0] = runs[first, 0]
        out[chains, 1] = runs[i, 1]
        out[chains, 2] = runs[first, 2]
        out[chains, 3] = runs[i, 3]
        out[chains, 4] = matched
        chains += 1
    return out[:chains].copy()


chains = compiled(_chains)
