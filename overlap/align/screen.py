"""Screen candidate pairs: which could hold a chain of runs long enough to be a passage.

Aligning a pair costs far more than knowing it cannot yield a passage, and most pairs the
index proposes in a large store cannot: they share a few stock phrases far apart. The
screen is a necessary condition of :func:`overlap.align.passages.align`'s exact passages,
computed for many pairs at once:

* every run the aligner finds is a maximal run of equal words on one diagonal that holds a
  shared ``n``-gram, so it is covered by the runs read here from *all* shared ``n``-grams
  (none skipped as frequent);
* consecutive runs of a chain are at most ``max_gap`` words apart in the first text, so a
  chain lies inside one cluster of runs that no gap wider than that splits;
* so a chain's matched words are at most the words of its cluster that runs cover.

A pair is kept when some cluster covers at least ``min_words`` words. Words are compared by
their 64-bit hashes and ``n``-grams by a 40-bit key: a collision can only keep a pair that
could have been dropped, never drop one, so a screened scan finds exactly what an
unscreened one finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

_MULT = np.uint64(0x9E3779B97F4A7C15)
_KEY_BITS = 40
_KEY_MASK = np.uint64((1 << _KEY_BITS) - 1)
#: Pairs screened at once (the pair's number shares 64 bits with a 40-bit key).
CHUNK = 1 << 20
#: A pair with more shared n-gram positions than this (a text repeating one phrase) is kept
#: unscreened rather than expanded: the aligner caps such seeds itself.
MAX_SEEDS = 200_000


def gram_keys(hashes: U64, n: int) -> U64:
    """A key for each run of ``n`` word hashes (position i: words i .. i + n - 1)."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc = acc * _MULT + hashes[k : k + count]
    return acc & _KEY_MASK


class Grams:
    """The ``n``-gram keys of many texts, flat, with each text's offset."""

    def __init__(self, keys: Sequence[U64]) -> None:
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
        self.pos = np.arange(len(self.keys), dtype=np.int64) - np.repeat(self.offsets[:-1], lengths)

    @cached_property
    def _sorting(self) -> tuple[U64, I64]:
        order = np.argsort(self.keys)
        ordered = self.keys[order]
        fresh = np.ones(len(ordered), dtype=np.bool_)
        fresh[1:] = ordered[1:] != ordered[:-1]
        inverse = np.empty(len(ordered), dtype=np.int64)
        inverse[order] = np.cumsum(fresh) - 1
        return ordered[fresh], inverse

    @property
    def distinct(self) -> U64:
        """The distinct keys, sorted (a batch's are computed once, for every part)."""
        return self._sorting[0]

    @cached_property
    def in_several(self) -> Mask:
        """Which distinct keys more than one text holds (only those seed a pair of two texts)."""
        lengths = np.diff(self.offsets)
        text = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        inverse = self._sorting[1]
        order = np.lexsort((text, inverse))
        key, owner = inverse[order], text[order]
        fresh = np.ones(len(key), dtype=np.bool_)
        fresh[1:] = (key[1:] != key[:-1]) | (owner[1:] != owner[:-1])
        holders = np.bincount(key[fresh], minlength=len(self.distinct))
        several: Mask = holders > 1
        return several

    def having(self, wanted: Mask) -> Mask:
        """Which keys (rows) are among the distinct keys ``wanted`` flags."""
        return wanted[self._sorting[1]]


def _members(values: U64, ordered: U64) -> Mask:
    """Which of the sorted ``values`` are in the sorted array ``ordered``."""
    if not len(ordered) or not len(values):
        return np.zeros(len(values), dtype=np.bool_)
    pos = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    found: Mask = ordered[pos] == values
    return found


def _rows(grams: Grams, texts: I64, keep: Mask) -> tuple[I64, I64]:
    """For each pair (by its text), the rows of its text that ``keep`` allows: (pair, row)."""
    starts, ends = grams.offsets[texts], grams.offsets[texts + 1]
    counts = ends - starts
    total = int(counts.sum())
    pair = np.repeat(np.arange(len(texts), dtype=np.int64), counts)
    row = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    row += np.repeat(starts, counts)
    wanted = keep[row]
    return pair[wanted], row[wanted]


def _seeds(a: Grams, b: Grams, pairs: I64) -> tuple[I64, I64, I64, Mask]:
    """Every shared ``n``-gram of every pair: (pair, position in a, position in b).

    Also which pairs have too many to expand (:data:`MAX_SEEDS`); their seeds are left out.
    """
    if a is b:  # pairs of one set of texts (a batch's submissions): no key is checked twice
        a_shared = b_shared = a.in_several
    else:
        a_shared = _members(a.distinct, b.distinct)
        b_shared = _members(b.distinct, a.distinct)
    a_pair, a_row = _rows(a, pairs[:, 0], a.having(a_shared))
    b_pair, b_row = _rows(b, pairs[:, 1], b.having(b_shared))
    shift = np.uint64(_KEY_BITS)
    a_key = (a_pair.astype(np.uint64) << shift) | a.keys[a_row]
    b_key = (b_pair.astype(np.uint64) << shift) | b.keys[b_row]
    order = np.argsort(b_key)
    b_key, b_row, b_pair = b_key[order], b_row[order], b_pair[order]
    order = np.argsort(a_key)  # sorted needles search several times faster
    a_key, a_row, a_pair = a_key[order], a_row[order], a_pair[order]
    lo = np.searchsorted(b_key, a_key, side="left")
    hi = np.searchsorted(b_key, a_key, side="right")
    counts = hi - lo
    heavy = np.bincount(a_pair, weights=counts, minlength=len(pairs)) > MAX_SEEDS
    counts[heavy[a_pair]] = 0
    total = int(counts.sum())
    a_at = np.repeat(np.arange(len(a_key), dtype=np.int64), counts)
    b_at = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    b_at += np.repeat(lo, counts)
    return a_pair[a_at], a.pos[a_row[a_at]], b.pos[b_row[b_at]], heavy


def could_chain(a: Grams, b: Grams, pairs: I64, *, n: int, max_gap: int, min_words: int) -> Mask:
    """Which pairs ``(text of a, text of b)`` could hold a chain of ``min_words`` words.

    Args:
        a: ``n``-gram keys of the texts whose passages are reported.
        b: ``n``-gram keys of the texts they are compared with.
        pairs: Rows ``(index into a, index into b)``.
        n: Words per seed ``n``-gram (``Settings.seed_words``).
        max_gap: Most words between chained runs (``Settings.max_gap``).
        min_words: Fewest matched words of a chain (``Settings.min_words``).

    Returns:
        One flag per pair: False only where no chain of ``min_words`` words can exist.
    """
    pairs = pairs.astype(np.int64).reshape(-1, 2)
    if len(pairs) > CHUNK:
        return np.concatenate(
            [
                could_chain(a, b, pairs[k : k + CHUNK], n=n, max_gap=max_gap, min_words=min_words)
                for k in range(0, len(pairs), CHUNK)
            ]
        )
    if not len(pairs):
        return np.zeros(0, dtype=np.bool_)
    pair, p, q, heavy = _seeds(a, b, pairs)
    if not len(pair):
        return heavy
    # Runs: consecutive seeds on one diagonal of one pair.
    diag = q - p
    order = np.lexsort((p, diag, pair))
    pair, p, diag = pair[order], p[order], diag[order]
    new = np.ones(len(p), dtype=np.bool_)
    new[1:] = (pair[1:] != pair[:-1]) | (diag[1:] != diag[:-1]) | (p[1:] != p[:-1] + 1)
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(p)) - 1
    run_pair, start, end = pair[first], p[first], p[last] + n
    # Clusters of runs (by start in a) that no gap wider than max_gap splits, per pair.
    order = np.lexsort((start, run_pair))
    run_pair, start, end = run_pair[order], start[order], end[order]
    span = np.int64(int(end.max()) + max_gap + 1)
    lifted_start, lifted_end = run_pair * span + start, run_pair * span + end
    reach = np.maximum.accumulate(lifted_end)
    before = np.concatenate([[np.iinfo(np.int64).min], reach[:-1]])
    fresh = np.ones(len(start), dtype=np.bool_)
    fresh[1:] = (run_pair[1:] != run_pair[:-1]) | (lifted_start[1:] > before[1:] + max_gap)
    covered = np.maximum(lifted_end - np.maximum(lifted_start, before), 0)
    cluster = np.cumsum(fresh) - 1
    words = np.bincount(cluster, weights=covered)
    best = np.zeros(len(pairs), dtype=np.float64)
    np.maximum.at(best, run_pair[fresh], words)
    return (best >= min_words) | heavy
