"""Screen candidate pairs: which could hold a chain of runs long enough to be a passage.

Aligning a pair costs far more than knowing it cannot yield a passage, and most pairs the
index proposes in a large store cannot: they share a few stock phrases far apart. The
screen is a necessary condition of :func:`overlap.align.passages.align`'s exact passages,
computed for many pairs at once:

* every run the aligner finds is a maximal run of equal words on one diagonal that holds a
  shared ``n``-gram, so it is one of the runs read here from *all* shared ``n``-grams (none
  skipped as frequent);
* consecutive runs of a chain follow each other on both sides with at most ``max_gap``
  words skipped on each (the aligner's links), so a chain lies in one set of runs that such
  links join (first cut into clusters that no gap wider than ``max_gap`` in the first text
  splits);
* so a chain's matched words are at most the words of the first text that its set covers.

A pair is kept when some such set covers at least ``min_words`` words. ``n``-grams are found
by a 40-bit key and checked word by word on word hashes, as many bits of them as the caller
gives (a scan gives the low 32 bits, which the store keeps for every stored document). Equal
words have equal hashes, so every run the aligner finds is found here; two different words
that share a hash (about one pair of distinct words in 2**32) can only lengthen a run here,
which keeps a pair the aligner may then reject, never the reverse. So a screened scan finds
exactly what an unscreened one finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

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
    """The words (as hashes) and ``n``-gram keys of many texts, flat, with each text's offset."""

    def __init__(self, hashes: Sequence[npt.NDArray[np.unsignedinteger[Any]]], n: int) -> None:
        words = [np.asarray(h, dtype=np.uint64) for h in hashes]
        keys = [gram_keys(h, n) for h in words]
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        self.n = n
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
        self.pos = np.arange(len(self.keys), dtype=np.int64) - np.repeat(self.offsets[:-1], lengths)
        sizes = np.array([len(h) for h in words], dtype=np.int64)
        self.word_offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.words = np.concatenate(words) if words else np.zeros(0, np.uint64)

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
    # Keys are 40 bits: keep only seeds whose words are the same (by their 64-bit hashes), so
    # that runs are exactly the aligner's, never longer.
    same = np.ones(len(pair), dtype=np.bool_)
    a_at = a.word_offsets[pairs[pair, 0]] + p
    b_at = b.word_offsets[pairs[pair, 1]] + q
    for k in range(n):
        same &= a.words[a_at + k] == b.words[b_at + k]
    pair, p, q = pair[same], p[same], q[same]
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
    b_start = start + diag[first]
    # Clusters of runs (by start in a) that no gap wider than max_gap splits, per pair: a
    # chain never leaves one.
    order = np.lexsort((start, run_pair))
    run_pair, start, end, b_start = run_pair[order], start[order], end[order], b_start[order]
    b_end = b_start + (end - start)
    span = np.int64(int(end.max()) + max_gap + 1)
    lifted_start, lifted_end = run_pair * span + start, run_pair * span + end
    reach = np.maximum.accumulate(lifted_end)
    before = np.concatenate([[np.iinfo(np.int64).min], reach[:-1]])
    fresh = np.ones(len(start), dtype=np.bool_)
    fresh[1:] = (run_pair[1:] != run_pair[:-1]) | (lifted_start[1:] > before[1:] + max_gap)
    cluster = np.cumsum(fresh) - 1
    # Within a cluster, the runs a chain may join: the aligner's links (in order on both
    # sides, at most max_gap words skipped on each). A chain lies in one linked component.
    label = _components(cluster, start, end, b_start, b_end, max_gap)
    if label is None:  # too many runs to link: the clusters alone decide
        label = cluster
    order = np.lexsort((start, label))
    label, run_pair, start, end = label[order], run_pair[order], start[order], end[order]
    span = np.int64(int(end.max()) + 1)
    lifted_start, lifted_end = label * span + start, label * span + end
    reach = np.maximum.accumulate(lifted_end)
    before = np.concatenate([[np.iinfo(np.int64).min], reach[:-1]])
    covered = np.maximum(lifted_end - np.maximum(lifted_start, before), 0)
    words = np.bincount(label, weights=covered, minlength=int(label.max()) + 1)
    best = np.zeros(len(pairs), dtype=np.float64)
    np.maximum.at(best, run_pair, words[label])
    return (best >= min_words) | heavy


#: Most run pairs :func:`_components` looks at; beyond, the clusters alone decide.
MAX_LINKS = 5_000_000
#: Most rounds of label propagation; a component not settled by then keeps its cluster.
MAX_ROUNDS = 64


def _components(
    cluster: I64, start: I64, end: I64, b_start: I64, b_end: I64, max_gap: int
) -> I64 | None:
    """A label per run: runs the aligner could chain, directly or through others, share one.

    Runs come sorted by cluster, then start in a. Returns None when there are too many
    pairs of runs to look at, or labels do not settle.
    """
    count = len(cluster)
    starts = np.flatnonzero(np.concatenate([[True], cluster[1:] != cluster[:-1]]))
    sizes = np.diff(np.append(starts, count))
    rank = np.arange(count, dtype=np.int64) - np.repeat(starts, sizes)
    total = int(rank.sum())
    if total > MAX_LINKS:
        return None
    # Every earlier run j of the same cluster, for each run i.
    later = np.repeat(np.arange(count, dtype=np.int64), rank)
    earlier = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(rank) - rank, rank)
    earlier += np.repeat(np.repeat(starts, sizes), rank)
    i, j = later, earlier
    linked = (
        (start[j] < start[i])
        & (end[j] >= start[i] - max_gap)
        & (end[j] < end[i])
        & (b_start[j] < b_start[i])
        & (b_end[j] >= b_start[i] - max_gap)
        & (b_end[j] < b_end[i])
    )
    i, j = i[linked], j[linked]
    label = np.arange(count, dtype=np.int64)
    for _ in range(MAX_ROUNDS):
        before = label.copy()
        np.minimum.at(label, i, label[j])
        np.minimum.at(label, j, label[i])
        label = label[label]  # jump to the label's own label: settles long chains faster
        if np.array_equal(label, before):
            return label
    return None
