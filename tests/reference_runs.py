"""The exact runs of an alignment as array operations: the reference the compiled pass
(:mod:`overlap.align.seed_loops`) must agree with, run for run."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from overlap.align.seeds import Run

_Ints = npt.NDArray[np.int64]
_MULT = np.uint64(0x9E3779B97F4A7C15)


def _ngram_keys(ids: _Ints, n: int) -> npt.NDArray[np.uint64]:
    """Hash every run of ``n`` ids; equal keys are candidates, verified on the ids."""
    count = len(ids) - n + 1
    acc = np.zeros(count, dtype=np.uint64)
    words = ids.astype(np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc = acc * _MULT + words[k : k + count]
    return acc


def _hit_limit(hits: _Ints, max_pairs: int) -> int:
    """Largest ``limit`` such that n-grams with at most ``limit`` hits make ``max_pairs`` pairs."""
    levels = np.sort(hits)
    totals = np.cumsum(levels)
    ends = np.searchsorted(levels, levels, side="right") - 1
    fits = totals[ends] <= max_pairs
    return int(levels[fits][-1]) if fits.any() else 0


def seed_pairs(
    a_ids: _Ints, b_ids: _Ints, n: int, max_hits: int, max_pairs: int
) -> tuple[_Ints, _Ints]:
    """Return the starts ``(i, j)`` of every n-gram shared by ``a`` at ``i`` and ``b`` at ``j``.

    N-grams that occur more than ``max_hits`` times in ``b`` are skipped, and if there would
    still be more than ``max_pairs`` pairs, the most frequent of the rest are skipped too.
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(a_ids) < n or len(b_ids) < n:
        return empty, empty
    a_keys = _ngram_keys(a_ids, n)
    b_keys = _ngram_keys(b_ids, n)
    order = np.argsort(b_keys, kind="stable")
    sorted_keys = b_keys[order]
    lo = np.searchsorted(sorted_keys, a_keys, side="left")
    hits = np.searchsorted(sorted_keys, a_keys, side="right") - lo
    seeded = np.flatnonzero((hits > 0) & (hits <= max_hits))
    if int(hits[seeded].sum()) > max_pairs:
        limit = _hit_limit(hits[seeded], max_pairs)
        seeded = seeded[hits[seeded] <= limit]
    if not len(seeded):
        return empty, empty
    counts = hits[seeded]
    firsts = np.cumsum(counts) - counts
    i = np.repeat(seeded, counts)
    rank = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(firsts, counts)
    j = order[np.repeat(lo[seeded], counts) + rank]
    same = np.ones(len(i), dtype=bool)
    for k in range(n):  # rule out hash collisions
        same &= a_ids[i + k] == b_ids[j + k]
    return i[same].astype(np.int64), j[same].astype(np.int64)


def _extend(
    starts: _Ints, ends: _Ints, diag: _Ints, a_ids: _Ints, b_ids: _Ints
) -> tuple[_Ints, _Ints]:
    """Grow runs left and right while the words still agree.

    Seeds cover a run completely unless some of its n-grams were skipped as too frequent,
    so this usually moves nothing; one vectorised test finds the runs that can grow, and
    only those are walked, word by word.
    """
    starts, ends = starts.copy(), ends.copy()
    left = (starts > 0) & (starts + diag > 0)
    at = np.where(left, starts - 1, 0)
    left &= a_ids[at] == b_ids[np.where(left, at + diag, 0)]
    right = (ends < len(a_ids)) & (ends + diag < len(b_ids))
    at = np.where(right, ends, 0)
    right &= a_ids[at] == b_ids[np.where(right, at + diag, 0)]
    if not (left.any() or right.any()):
        return starts, ends
    a, b = a_ids.tolist(), b_ids.tolist()
    for k in np.flatnonzero(left).tolist():
        s, d = int(starts[k]), int(diag[k])
        while s > 0 and s + d > 0 and a[s - 1] == b[s - 1 + d]:
            s -= 1
        starts[k] = s
    for k in np.flatnonzero(right).tolist():
        e, d = int(ends[k]), int(diag[k])
        while e < len(a) and e + d < len(b) and a[e] == b[e + d]:
            e += 1
        ends[k] = e
    return starts, ends


def _group(starts: _Ints, ends: _Ints, diag: _Ints) -> tuple[_Ints, _Ints, _Ints]:
    """Join ranges on the same diagonal that overlap or touch; input sorted by diagonal, start."""
    if not len(starts):
        return starts, ends, diag
    # Runs of one diagonal that grew into each other in _extend end up with the same start
    # and end, and the others stay apart, so comparing with the previous end is enough.
    new = np.ones(len(starts), dtype=bool)
    new[1:] = (diag[1:] != diag[:-1]) | (starts[1:] > ends[:-1])
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(starts)) - 1
    return starts[first], ends[last], diag[first]


def runs_from_ids(a_ids: _Ints, b_ids: _Ints, n: int, max_hits: int, max_pairs: int) -> list[Run]:
    """Maximal exact runs of equal ids that contain at least one seed, sorted by position in a."""
    i, j = seed_pairs(a_ids, b_ids, n, max_hits, max_pairs)
    if not len(i):
        return []
    diag = j - i
    order = np.lexsort((i, diag))
    i, diag = i[order], diag[order]
    # Consecutive seeds on a diagonal at most n words apart overlap or touch: one exact run.
    new = np.ones(len(i), dtype=bool)
    new[1:] = (diag[1:] != diag[:-1]) | (i[1:] - i[:-1] > n)
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(i)) - 1
    starts, ends, diag = i[first], i[last] + n, diag[first]
    starts, ends = _extend(starts, ends, diag, a_ids, b_ids)
    starts, ends, diag = _group(starts, ends, diag)
    runs = [
        Run(s, e, s + d, e + d)
        for s, e, d in zip(starts.tolist(), ends.tolist(), diag.tolist(), strict=True)
    ]
    runs.sort()
    return runs


def chain_runs(runs: list[Run], max_gap: int, min_words: int = 1) -> list[tuple[int, ...]]:
    """Chains of runs as the Python programme made them: the compiled pass's reference.

    Rows ``(a_start, a_end, b_start, b_end, matched)``, best first.
    """
    from bisect import bisect_left, insort

    order = sorted(runs)
    score: list[int] = []
    parent: list[int] = []
    ends: list[tuple[int, int]] = []  # (a_end, index) of the runs scored so far, sorted
    for i, (a_start, a_end, b_start, b_end) in enumerate(order):
        best, best_parent = a_end - a_start, -1
        lo = bisect_left(ends, (a_start - max_gap, -1))
        hi = bisect_left(ends, (a_end, -1), lo)
        for k in range(lo, hi):
            p_end, j = ends[k]
            p_start, _, p_b_start, p_b_end = order[j]
            if p_start < a_start and p_b_start < b_start and b_start - max_gap <= p_b_end < b_end:
                gained = score[j] + a_end - (p_end if p_end > a_start else a_start)
                if gained > best:
                    best, best_parent = gained, j
        score.append(best)
        parent.append(best_parent)
        insort(ends, (a_end, i))
    used = [False] * len(order)
    chains: list[tuple[int, ...]] = []
    for i in sorted(range(len(order)), key=lambda k: (-score[k], k)):
        if score[i] < min_words:
            break
        members: list[Run] = []
        k = i
        while k >= 0 and not used[k]:
            used[k] = True
            members.append(order[k])
            k = parent[k]
        if not members:
            continue
        members.reverse()
        matched, covered = 0, members[0].a_start
        for r in members:
            matched += r.a_end - max(r.a_start, covered)
            covered = r.a_end
        first, last = members[0], members[-1]
        chains.append((first.a_start, last.a_end, first.b_start, last.b_end, matched))
    return chains
