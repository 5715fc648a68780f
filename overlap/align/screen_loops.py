"""The pair screen's loops, compiled: one pair of texts at a time (:mod:`overlap.align.screen`).

A pair's shared ``n``-grams are found by looking each key of the second text up in a hash
table of the first text's keys, behind a bitmap that rules out most keys with one look (a
batch's tables are built once, for every store part); the
runs, clusters and linked sets of runs are then those :mod:`overlap.align.screen` states,
computed over the pair's few seeds instead of over arrays of every pair's rows.

Compiled on first use (:mod:`overlap.compiled`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled as _compiled
from overlap.sketch.key_loops import slot_of

#: A table slot that holds no key (no position reaches the top of its bits, see Grams).
EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)
#: Mixes a key for its filter bit; another multiplier than the table's, so that keys that
#: share a probe start do not share a bit more often than others.
_FILTER_MIX = np.uint64(0xC2B2AE3D27D4EB4F)


def _filter_bit(key: Any, words: int) -> Any:
    """The bit of a key in a filter of ``words`` (a power of 2) 64-bit words."""
    return np.int64((key * _FILTER_MIX) >> np.uint64(32)) & (64 * words - 1)


filter_bit = _compiled(_filter_bit)


def _text_gram_keys(words: Any, word_offsets: Any, offsets: Any, n: int, mix: Any) -> Any:
    """The ``n``-gram keys of each text, text ``t``'s at ``offsets[t]:offsets[t + 1]``.

    ``words`` holds text ``t``'s word hashes at ``word_offsets[t]:word_offsets[t + 1]``; the
    key of words ``i .. i + n - 1`` of one text folds their hashes, ``key * mix[0] + hash``,
    and keeps the bits of ``mix[1]``.
    """
    mult, mask = mix[0], mix[1]
    out = np.empty(offsets[-1], np.uint64)
    for t in range(len(offsets) - 1):
        first = word_offsets[t]
        at = offsets[t]
        for i in range(offsets[t + 1] - at):
            acc = np.uint64(0)
            for k in range(n):
                acc = acc * mult + words[first + i + k]
            out[at + i] = acc & mask
    return out


text_gram_keys = _compiled(_text_gram_keys)


def _key_tables(keys: Any, offsets: Any, pos_bits: int) -> Any:
    """A hash table per text of its keys (``key << pos_bits | position`` per slot), and a filter.

    Text ``t`` has ``2 ** k`` slots, the fewest that leave half of them empty, from
    ``tables[1][t]``; a key's probe starts at :func:`~overlap.sketch.key_loops.slot_of` and
    goes on to the next empty slot. Keys keep their low ``64 - pos_bits`` bits.

    The filter of text ``t`` (words ``tables[3][t]`` .. ``tables[3][t + 1] - 1`` of
    ``tables[2]``) is a bitmap of at least 32 bits per key with one bit set per key
    (:func:`filter_bit`): a key whose bit is clear is not in the text, which most keys a
    pair looks up are not, and a clear bit costs one look instead of a probe.
    """
    count = len(offsets) - 1
    starts = np.zeros(count + 1, np.int64)
    fstarts = np.zeros(count + 1, np.int64)
    for t in range(count):
        size = 8
        while size < 2 * (offsets[t + 1] - offsets[t]):
            size *= 2
        starts[t + 1] = starts[t] + size
        fstarts[t + 1] = fstarts[t] + size // 4  # 2 slots a key, 64 bits a word: 32 bits a key
    slots = np.full(starts[count], EMPTY, np.uint64)
    filters = np.zeros(fstarts[count], np.uint64)
    shift = np.uint64(pos_bits)
    mask = np.uint64((1 << (64 - pos_bits)) - 1)
    for t in range(count):
        first, size = starts[t], starts[t + 1] - starts[t]
        ffirst, fsize = fstarts[t], fstarts[t + 1] - fstarts[t]
        for row in range(offsets[t], offsets[t + 1]):
            key = keys[row] & mask
            at = slot_of(key, size)
            while slots[first + at] != EMPTY:
                at = (at + 1) & (size - 1)
            slots[first + at] = (key << shift) | np.uint64(row - offsets[t])
            bit = filter_bit(key, fsize)
            filters[ffirst + (bit >> 6)] |= np.uint64(1) << np.uint64(bit & 63)
    return slots, starts, filters, fstarts


key_tables = _compiled(_key_tables)


def _linked_cover(
    start: Any, end: Any, b_start: Any, b_end: Any, first: int, last: int, max_gap: int
) -> int:
    """Most words of the first text one linked set of runs ``first .. last - 1`` covers.

    Runs come sorted by start. Two runs are linked where the aligner could chain one after
    the other: in order on both sides, at most ``max_gap`` words skipped on each.
    """
    size = last - first
    parent = np.arange(size)
    for i in range(size):
        for j in range(i):
            x, y = first + i, first + j
            if (
                start[y] < start[x]
                and end[y] >= start[x] - max_gap
                and end[y] < end[x]
                and b_start[y] < b_start[x]
                and b_end[y] >= b_start[x] - max_gap
                and b_end[y] < b_end[x]
            ):
                ri = i
                while parent[ri] != ri:
                    ri = parent[ri]
                rj = j
                while parent[rj] != rj:
                    rj = parent[rj]
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    reach = np.full(size, -1, np.int64)
    covered = np.zeros(size, np.int64)
    best = 0
    for i in range(size):  # in order of start: each set's union of runs
        root = i
        while parent[root] != root:
            root = parent[root]
        s, e = start[first + i], end[first + i]
        if reach[root] > s:
            s = reach[root]
        if e > s:
            covered[root] += e - s
        if e > reach[root]:
            reach[root] = e
        if covered[root] > best:
            best = covered[root]
    return best


linked_cover = _compiled(_linked_cover)


def _one_pair(
    a_slots: Any,
    a_first: int,
    a_size: int,
    a_filters: Any,
    a_ffirst: int,
    a_fsize: int,
    a_count: int,
    a_words: Any,
    a_at: int,
    b_keys: Any,
    b_first: int,
    b_last: int,
    b_words: Any,
    b_at: int,
    limits: Any,
    work: Any,
) -> bool:
    """Whether one pair could hold a chain of ``min_words`` words (``work``: 8 scratch rows).

    ``limits`` are ``(pos_bits, n, max_gap, min_words, max_seeds, max_links)``.
    """
    pos_bits, n, max_gap, min_words, max_seeds, max_links = limits
    shift = np.uint64(pos_bits)
    low = np.uint64((1 << pos_bits) - 1)
    high = np.uint64((1 << (64 - pos_bits)) - 1)
    # Seeds: each key of b's text looked up in a's table. Position pairs whose keys are equal
    # are counted: a pair with too many (a text repeating one phrase) is kept unexpanded. Of
    # those, the ones whose n words are the same too are kept, each as one code that sorts
    # by diagonal, then by position in a.
    width = a_count + 1
    code = work[0]
    count = 0
    total = 0
    for row in range(b_first, b_last):
        key = b_keys[row] & high
        bit = filter_bit(key, a_fsize)
        if not (a_filters[a_ffirst + (bit >> 6)] >> np.uint64(bit & 63)) & np.uint64(1):
            continue
        at = slot_of(key, a_size)
        while True:
            slot = a_slots[a_first + at]
            if slot == EMPTY:
                break
            if slot >> shift == key:
                total += 1
                if total > max_seeds:
                    return True
                pa = np.int64(slot & low)
                qb = row - b_first
                same = True
                for k in range(n):
                    if a_words[a_at + pa + k] != b_words[b_at + qb + k]:
                        same = False
                        break
                if same:
                    code[count] = (qb - pa + width) * width + pa
                    count += 1
            at = (at + 1) & (a_size - 1)
    if count == 0:
        return False
    # Runs: consecutive seeds on one diagonal, as (start << 32 | run) to sort them by start.
    code[:count].sort()
    run_end = work[1]
    run_b = work[2]
    by_start = work[3]
    runs = 0
    for k in range(count):
        pa = code[k] % width
        if k and code[k] == code[k - 1] + 1:
            run_end[runs - 1] = pa + n
        else:
            run_end[runs] = pa + n
            run_b[runs] = pa + code[k] // width - width
            by_start[runs] = (pa << 32) | runs
            runs += 1
    by_start[:runs].sort()
    mask = (1 << 32) - 1
    start = work[4]
    end = work[5]
    b_start = work[6]
    b_end = work[7]
    for k in range(runs):
        r = by_start[k] & mask
        start[k] = by_start[k] >> 32
        end[k] = run_end[r]
        b_start[k] = run_b[r]
        b_end[k] = b_start[k] + (end[k] - start[k])
    # Clusters that no gap wider than max_gap splits, and the words each covers: a chain
    # never leaves one, and covers at most the words of its cluster.
    first = 0
    reach = end[0]
    covered = end[0] - start[0]
    for k in range(1, runs + 1):
        if k < runs and start[k] <= reach + max_gap:
            if end[k] > reach:
                covered += end[k] - max(start[k], reach)
                reach = end[k]
            continue
        if covered >= min_words:
            size = k - first
            if size * (size - 1) // 2 > max_links:
                return True  # too many runs to link: the cluster alone decides
            if linked_cover(start, end, b_start, b_end, first, k, max_gap) >= min_words:
                return True
        if k < runs:
            first, reach, covered = k, end[k], end[k] - start[k]
    return False


one_pair = _compiled(_one_pair)


def _could_chain(
    a_slots: Any,
    a_starts: Any,
    a_filters: Any,
    a_fstarts: Any,
    a_offsets: Any,
    a_words: Any,
    a_word_offsets: Any,
    b_keys: Any,
    b_offsets: Any,
    b_words: Any,
    b_word_offsets: Any,
    pairs: Any,
    limits: Any,
) -> Any:
    """Which pairs could hold a chain; ``limits`` as :func:`_one_pair` takes them."""
    out = np.zeros(len(pairs), np.bool_)
    max_seeds = limits[4]
    work = np.empty((8, max_seeds + 1), np.int64)  # a pair has at most max_seeds seeds
    for k in range(len(pairs)):
        ta, tb = pairs[k, 0], pairs[k, 1]
        out[k] = one_pair(
            a_slots,
            a_starts[ta],
            a_starts[ta + 1] - a_starts[ta],
            a_filters,
            a_fstarts[ta],
            a_fstarts[ta + 1] - a_fstarts[ta],
            a_offsets[ta + 1] - a_offsets[ta],
            a_words,
            a_word_offsets[ta],
            b_keys,
            b_offsets[tb],
            b_offsets[tb + 1],
            b_words,
            b_word_offsets[tb],
            limits,
            work,
        )
    return out


could_chain_pairs = _compiled(_could_chain)
