"""The candidate joins' loops, compiled (:mod:`overlap.compiled`): one pass over a part's keys.

A store part holds millions of band keys and hundreds of thousands of content keys; each is
looked up once in a structure built from the batch's keys, once per batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from overlap.compiled import compiled

_MIX = np.uint64(0x9E3779B97F4A7C15)


def _sorted_members(values: Any, mask: Any, words: Any, bits: int, ordered: Any) -> Any:
    """Indices of the ascending ``values`` whose bits under ``mask`` are in ``ordered``.

    ``ordered`` holds distinct masked keys, ascending; ``words`` is a bitmap of their top
    ``bits`` bits. Values come in order, so the bitmap is walked in order, and the pointer
    into ``ordered`` that checks a value the bitmap lets through only moves forward.

    Returns:
        The indices, and whether the values were in ascending order of their masked bits
        (if not, the indices are wrong).
    """
    out = np.empty(len(values), np.int64)
    shift = np.uint64(64 - bits)
    found = 0
    at = 0
    last = np.uint64(0)
    for k in range(len(values)):
        value = values[k] & mask
        if value < last:
            return out[:0], False
        last = value
        top = value >> shift
        if (words[top >> np.uint64(6)] >> (top & np.uint64(63))) & np.uint64(1):
            while at < len(ordered) and ordered[at] < value:
                at += 1
            if at < len(ordered) and ordered[at] == value:
                out[found] = k
                found += 1
    return out[:found], True


sorted_members = compiled(_sorted_members)


def _slot_of(key: Any, size: int) -> Any:
    """Where a key's probe starts in a table of ``size`` (a power of 2) slots.

    The key's bits are mixed first: the low bits of an n-gram key are those of its words'
    hashes only, and words repeat.
    """
    return np.int64((key * _MIX) >> np.uint64(32)) & (size - 1)


slot_of = compiled(_slot_of)


def _key_table(distinct: Any) -> Any:
    """An open-addressing table of distinct keys, a slot per two numbers: key, index + 1.

    An empty slot's second number is 0. A key and its index share a cache line.
    """
    size = 8
    while size < 2 * len(distinct):
        size *= 2
    table = np.zeros(2 * size, np.uint64)
    for i in range(len(distinct)):
        at = slot_of(distinct[i], size)
        while table[2 * at + 1]:
            at = (at + 1) & (size - 1)
        table[2 * at] = distinct[i]
        table[2 * at + 1] = i + 1
    return table


key_table = compiled(_key_table)


def _held_by_few(keys: Any, table: Any, distinct: int, most: int) -> Any:
    """The rows of ``keys`` whose key is in the table, less keys more than ``most`` rows hold.

    The table holds ``distinct`` keys (:func:`key_table`). Rows whose key is found are listed
    as they are found, so the pass after the lookup sees only those.

    Returns:
        ``(rows, keys' indices in the table)`` of the rows kept, in row order.
    """
    size = len(table) // 2
    rows = np.empty(len(keys), np.int64)
    found = np.empty(len(keys), np.int64)
    holders = np.zeros(distinct, np.int64)
    n = 0
    for r in range(len(keys)):
        key = keys[r]
        at = slot_of(key, size)
        while table[2 * at + 1]:
            if table[2 * at] == key:
                i = np.int64(table[2 * at + 1]) - 1
                rows[n] = r
                found[n] = i
                n += 1
                holders[i] += 1
                break
            at = (at + 1) & (size - 1)
    kept = 0
    for k in range(n):
        i = found[k]
        rows[kept] = rows[k]
        found[kept] = i
        kept += holders[i] <= most
    return rows[:kept], found[:kept]


held_by_few = compiled(_held_by_few)


def _shared_rows(
    keys: Any,
    docs: Any,
    pos: Any,
    table: Any,
    starts: Any,
    batch_docs: Any,
    batch_pos: Any,
    most: int,
) -> Any:
    """Every pair of a part's row and a batch row with the same key, less stock keys.

    The part's rows are ``(keys, docs, pos)``, one per key and document. The batch's
    distinct keys are in the table (:func:`key_table`); key ``i``'s rows are
    ``starts[i] .. starts[i + 1] - 1`` of ``(batch_docs, batch_pos)``. A key that more than
    ``most`` of the part's rows hold is stock phrasing and pairs nothing.

    Returns:
        ``(batch doc, batch pos, part doc, part pos)`` of each pair of rows.
    """
    rows, found = held_by_few(keys, table, len(starts) - 1, most)
    total = 0
    for k in range(len(rows)):
        total += starts[found[k] + 1] - starts[found[k]]
    left_docs = np.empty(total, np.int64)
    left_pos = np.empty(total, np.int64)
    right_docs = np.empty(total, np.int64)
    right_pos = np.empty(total, np.int64)
    at = 0
    for k in range(len(rows)):
        r, i = rows[k], found[k]
        for b in range(starts[i], starts[i + 1]):
            left_docs[at] = batch_docs[b]
            left_pos[at] = batch_pos[b]
            right_docs[at] = docs[r]
            right_pos[at] = pos[r]
            at += 1
    return left_docs, left_pos, right_docs, right_pos


shared_rows = compiled(_shared_rows)


def _run_held_by_few(keys: Any, ordered: Any, words: Any, bits: int, most: int) -> Any:
    """:func:`held_by_few` for ascending ``keys``: each key's rows are one run.

    A key held by more than ``most`` rows is skipped as a run, without a lookup; the others
    are tested as :func:`sorted_members` tests values (``ordered``: the table's keys,
    ascending, their index that of the table; ``words``: a bitmap of their top ``bits``).

    Returns:
        ``(rows, keys' indices)`` of the rows kept, in row order, and whether ``keys`` were
        ascending (if not, the rows are wrong).
    """
    n = len(keys)
    rows = np.empty(n, np.int64)
    found = np.empty(n, np.int64)
    shift = np.uint64(64 - bits)
    kept = 0
    at = 0
    r = 0
    while r < n:
        key = keys[r]
        end = r + 1
        while end < n and keys[end] == key:
            end += 1
        if end < n and keys[end] < key:
            return rows[:0], found[:0], False
        if end - r <= most:
            top = key >> shift
            if (words[top >> np.uint64(6)] >> (top & np.uint64(63))) & np.uint64(1):
                while at < len(ordered) and ordered[at] < key:
                    at += 1
                if at < len(ordered) and ordered[at] == key:
                    for k in range(r, end):
                        rows[kept] = k
                        found[kept] = at
                        kept += 1
        r = end
    return rows[:kept], found[:kept], True


run_held_by_few = compiled(_run_held_by_few)


def _codes_of(
    rows: Any,
    found: Any,
    docs: Any,
    pos: Any,
    starts: Any,
    batch_docs: Any,
    batch_pos: Any,
    widths: Any,
) -> Any:
    """Each pair of a kept part row and a batch row with its key, packed into one number.

    ``rows`` and ``found`` are what :func:`held_by_few` keeps; ``widths`` are the bits of
    the part's position, the batch's position and the part's document (the batch's document
    takes the bits above): the numbers sort as the rows ``(batch doc, part doc, batch pos,
    part pos)`` do.
    """
    total = 0
    for k in range(len(rows)):
        total += starts[found[k] + 1] - starts[found[k]]
    wp, wb, wd = widths[0], widths[1], widths[2]
    out = np.empty(total, np.int64)
    at = 0
    for k in range(len(rows)):
        r, i = rows[k], found[k]
        mine = (np.int64(docs[r]) << (wb + wp)) | np.int64(pos[r])
        for b in range(starts[i], starts[i + 1]):
            out[at] = (batch_docs[b] << (wd + wb + wp)) | mine | (batch_pos[b] << wp)
            at += 1
    return out


codes_of = compiled(_codes_of)


def _chained(codes: Any, widths: Any, span: int) -> Any:
    """Pairs of documents whose shared keys chain, from sorted :func:`codes_of` numbers.

    Two keys consecutive in a pair's rows are linked when they are at most ``span`` apart on
    both sides; a run of ``k`` links chains ``k + 1`` keys. As
    :func:`overlap.sketch.content.clustered_pairs` does, from the rows it sorts.

    Returns:
        ``(left docs, right docs, keys)``: each pair with a chain, ascending, and the keys
        in its chains.
    """
    wp, wb, wd = widths[0], widths[1], widths[2]
    pos_mask = (np.int64(1) << wp) - 1
    batch_mask = (np.int64(1) << wb) - 1
    doc_mask = (np.int64(1) << wd) - 1
    left = np.empty(len(codes), np.int64)
    right = np.empty(len(codes), np.int64)
    sizes = np.zeros(len(codes), np.int64)
    pairs = 0
    chain = 0
    for k in range(1, len(codes)):
        a, b = codes[k - 1], codes[k]
        same = (a >> (wb + wp)) == (b >> (wb + wp))
        near = (
            same
            and ((b >> wp) & batch_mask) - ((a >> wp) & batch_mask) <= span
            and abs((b & pos_mask) - (a & pos_mask)) <= span
        )
        if near:
            chain += 1
            continue
        if chain:
            group = a >> (wb + wp)
            q, d = group >> wd, group & doc_mask
            if pairs == 0 or left[pairs - 1] != q or right[pairs - 1] != d:
                left[pairs], right[pairs] = q, d
                pairs += 1
            sizes[pairs - 1] += chain + 1
            chain = 0
    if chain:
        group = codes[len(codes) - 1] >> (wb + wp)
        q, d = group >> wd, group & doc_mask
        if pairs == 0 or left[pairs - 1] != q or right[pairs - 1] != d:
            left[pairs], right[pairs] = q, d
            pairs += 1
        sizes[pairs - 1] += chain + 1
    return left[:pairs], right[:pairs], sizes[:pairs]


chained = compiled(_chained)
