"""Content-word keys: the second sketch, which survives reworded and short copies.

The window signatures see a copy only while 16-word windows stay nearly intact. A reworded
copy keeps most of its content words but not their order, the small words around them, or
their endings; a short copy may straddle two windows. So each document also gets one key per
run of ``n`` consecutive *content words*: words not in :data:`STOPWORDS`, stemmed (the stem
of :func:`overlap.align.sentences.stem`), with the ``n`` stems of a run sorted before they are
hashed, so swapping them keeps the key ("sorted n-grams", Torrejón and Ramos, PAN 2012-2014).

Any verbatim copy that holds ``n + 1`` content words shares at least two neighbouring keys
with its source, wherever it lies; an edited copy shares keys wherever ``n`` content words in
a row survive. A pair of documents is a candidate when keys they share stand together on
both sides (:func:`clustered_pairs`): keys shared by chance are scattered.
Keys are exact hashes, not estimates: two documents share one only if they share the stems
(or, with probability about 2**-64 per pair of keys, by a hash collision, which alignment
then rejects).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from overlap.align.sentences import STEMS
from overlap.sketch.lsh import KeySet
from overlap.text.shingles import word_hashes
from overlap.text.stopwords import STOPWORDS

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_MULT = np.uint64(0x9E3779B97F4A7C15)
#: Distinct words the table of :func:`hash_words` holds before it starts afresh.
_TABLE_LIMIT = 1_000_000


class _WordTable:
    """Every word seen, numbered, with its hash and the hash of its content stem (0 if none).

    One dictionary lookup per word gives both hashes, gathered by number in C: the window
    shingles and the content keys are made from the same words. Vocabularies are small next
    to corpora, so after the first documents nearly every word is known.
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.word = np.zeros(1024, dtype=np.uint64)
        self.content = np.zeros(1024, dtype=np.uint64)
        self.lock = threading.Lock()  # remote Dask workers may run several threads

    def learn(self, words: Sequence[str]) -> None:
        if len(self.ids) > _TABLE_LIMIT:
            self.ids.clear()
        new = list(dict.fromkeys(w for w in words if w not in self.ids))
        size = len(self.ids) + len(new)
        if size > len(self.word):
            capacity = max(size, 2 * len(self.word))
            self.word = np.resize(self.word, capacity)
            self.content = np.resize(self.content, capacity)
        at = len(self.ids)
        stems = ["" if w in STOPWORDS else STEMS[w] for w in new]
        self.word[at:size] = word_hashes(new)
        self.content[at:size] = [int(word_hashes([s])[0]) if s else 0 for s in stems]
        self.ids.update(zip(new, range(at, size), strict=True))

    def hashes(self, words: Sequence[str]) -> tuple[U64, U64]:
        with self.lock:
            try:
                ids = np.fromiter(map(self.ids.__getitem__, words), np.int64, len(words))
            except KeyError:
                self.learn(words)
                ids = np.fromiter(map(self.ids.__getitem__, words), np.int64, len(words))
            content = self.content[ids]
            return self.word[ids], content[content != 0]


_TABLE = _WordTable()


def hash_words(words: Sequence[str]) -> tuple[U64, U64]:
    """``(word_hashes(words), content_hashes(words))`` for normalised ``words``, at once."""
    return _TABLE.hashes(words)


def content_stems(words: Sequence[str]) -> list[str]:
    """Stems of the content words among normalised ``words``, in order."""
    return [STEMS[w] for w in words if w not in STOPWORDS]


def content_hashes(words: Sequence[str]) -> U64:
    """Hashes of the stems of the content words among normalised ``words``, in order.

    The same as ``word_hashes(content_stems(words))``, looked up a word at a time in C.
    """
    return _TABLE.hashes(words)[1]


def sorted_ngram_keys(hashes: U64, n: int) -> U64:
    """One key per run of ``n`` consecutive hashes, independent of their order in the run.

    Texts with fewer than ``n`` hashes have no key.
    """
    count = len(hashes) - n + 1
    if count <= 0 or n < 1:
        return np.zeros(0, dtype=np.uint64)
    runs = np.stack([hashes[k : k + count] for k in range(n)], axis=1)
    runs.sort(axis=1)
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc = acc * _MULT + runs[:, k]
    return acc


def batch_content_keys(hash_lists: Sequence[U64], n: int) -> tuple[I64, U64, I64]:
    """Distinct content keys of each document, and where each first is: ``(doc, key, pos)``.

    ``hash_lists`` are the documents' :func:`content_hashes`.

    A key's position is the index, among the document's content words, of the first run of
    ``n`` that makes it.

    Rows come in no particular order. One pass of array operations over the whole batch:
    per-document overheads dominate the work for posts of a few hundred words.
    """
    empty = np.zeros(0, dtype=np.int64)
    if n < 1:  # no second sketch
        return empty, np.zeros(0, dtype=np.uint64), empty
    hashes = hash_lists
    sizes = np.array([len(h) for h in hashes], dtype=np.int64)
    if not len(sizes) or sizes.sum() < n:
        return empty, np.zeros(0, dtype=np.uint64), empty
    flat = np.concatenate(hashes).astype(np.uint64)
    doc = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    pos = np.arange(len(flat), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    keys = sorted_ngram_keys(flat, n)
    # A run must lie inside one document: its start is at most n - 1 words before the end.
    inside = pos[: len(keys)] <= np.repeat(sizes - n, sizes)[: len(keys)]
    doc, keys, pos = doc[: len(keys)][inside], keys[inside], pos[: len(keys)][inside]
    if not len(keys):
        return empty, np.zeros(0, dtype=np.uint64), empty
    # One flat sort: a key and its document folded into one 64-bit code. Two different
    # (document, key) rows share a code with probability 2**-64 (keys are uniform hashes);
    # one of them would then be dropped, which loses one key of one document at worst.
    with np.errstate(over="ignore"):
        codes = keys + doc.astype(np.uint64) * _MULT
    order = np.argsort(codes)
    codes = codes[order]
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    first_pos = np.minimum.reduceat(pos[order], starts) if len(starts) else pos[:0]
    kept = order[starts]
    return doc[kept], keys[kept], first_pos


def _sorted(*columns: I64) -> tuple[I64, ...]:
    """The rows sorted by the columns, first column first (as ``np.lexsort`` of them reversed).

    Non-negative columns that fit together in 63 bits are packed into one integer per row,
    sorted, and unpacked: several times faster than sorting by four keys, with the same
    result (equal rows are equal whichever comes first).
    """
    widths = [max(int(c.max()), 0).bit_length() if len(c) else 0 for c in columns]
    if sum(widths) > 63 or any(len(c) and int(c.min()) < 0 for c in columns):
        order = np.lexsort(columns[::-1])
        return tuple(c[order] for c in columns)
    packed = np.zeros(len(columns[0]), dtype=np.int64)
    for column, width in zip(columns, widths, strict=True):
        packed = (packed << width) | column
    packed.sort()
    out = []
    for width in reversed(widths):
        out.append(packed & ((1 << width) - 1))
        packed = packed >> width
    return tuple(reversed(out))


def clustered_pairs(
    left_docs: I64, left_pos: I64, right_docs: I64, right_pos: I64, span: int
) -> tuple[I64, I64]:
    """Document pairs whose shared keys stand together on both sides, and how many do.

    Each row is one key two documents share: the documents (``left_docs``, ``right_docs``)
    and where the key is in each. Keys shared by chance are scattered; a copy, even a
    reworded one, shares several keys within a few content words of each other on both
    sides. A pair is kept when two of its keys, consecutive in the left document, are at
    most ``span`` content words apart there and in the right document; its count is the
    number of keys chained so (in one chain or several).

    Returns:
        ``(pairs, keys)``: distinct ``(left_doc, right_doc)`` rows, sorted, and the number of
        keys in each pair's chains (at least 2).
    """
    empty = np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if len(left_docs) < 2:
        return empty
    # A key is at one place in a document, so positions do not tie in real rows; the right
    # position breaks ties anyway, so the result never depends on the order of the rows.
    ld, rd, lp, rp = _sorted(left_docs, right_docs, left_pos, right_pos)
    near = (
        (ld[1:] == ld[:-1])
        & (rd[1:] == rd[:-1])
        & (lp[1:] - lp[:-1] <= span)
        & (np.abs(rp[1:] - rp[:-1]) <= span)
    )
    if not near.any():
        return empty
    # Chains: runs of consecutive "near" links; a chain of k links joins k + 1 keys.
    starts = np.flatnonzero(near & ~np.concatenate(([False], near[:-1])))
    ends = np.flatnonzero(near & ~np.concatenate((near[1:], [False])))
    sizes = ends - starts + 2
    width = int(max(ld.max(), rd.max())) + 1
    codes, total = np.unique(ld[starts] * width + rd[starts], return_inverse=True)
    keys = np.bincount(total, weights=sizes).astype(np.int64)
    pairs = np.stack(np.divmod(codes, width), axis=1).astype(np.int64)
    return pairs, keys


class ContentIndex:
    """A batch's content rows by key, to join a store part's rows with in one pass.

    Built once per batch (and per worker that holds it): the batch's distinct keys, each
    key's rows, and, on first use, the lookup that the part's rows need: a hash table of the
    keys for rows in any order (:func:`overlap.sketch.key_loops.shared_rows`), a bitmap and
    the sorted keys for rows sorted by key, as store parts are written now.
    """

    def __init__(self, keys: U64, docs: I64, pos: I64) -> None:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        self.docs = np.ascontiguousarray(docs[order], dtype=np.int64)
        self.pos = np.ascontiguousarray(pos[order], dtype=np.int64)
        fresh = np.ones(len(keys), dtype=np.bool_)
        fresh[1:] = keys[1:] != keys[:-1]
        self.starts = np.append(np.flatnonzero(fresh), len(keys)).astype(np.int64)
        #: The distinct keys, ascending: key ``i``'s rows are ``starts[i] .. starts[i + 1] - 1``.
        self.distinct: U64 = np.ascontiguousarray(keys[fresh])

    @cached_property
    def table(self) -> U64:
        """The distinct keys in a hash table, each with its index (``key_loops.key_table``)."""
        from overlap.sketch.key_loops import key_table

        table: U64 = key_table(self.distinct)
        return table

    @cached_property
    def _pos_max(self) -> int:
        return int(self.pos.max())

    @cached_property
    def _docs_max(self) -> int:
        return int(self.docs.max())

    @cached_property
    def keyset(self) -> KeySet:
        """The distinct keys as a set tested against ascending keys (their index the same)."""
        return KeySet(self.distinct)

    def clustered(
        self, keys: U64, docs: I64, pos: I64, most: int, span: int, *, by_key: bool = False
    ) -> tuple[I64, I64]:
        """``clustered_pairs(*self.shared_rows(keys, docs, pos, most), span)``, fused.

        Where the documents and positions of both sides fit in 63 bits, each shared pair of
        rows is packed into one number as it is found, the numbers are sorted, and the
        chains are followed in one pass: the same pairs and counts, without the four arrays
        of rows and their sort by four keys. Rows sorted by key (``by_key``, as store parts
        are written now) are looked up in one sequential pass, each key's rows counted as a
        run, and keys of more than ``most`` rows not looked up at all.

        Raises:
            ValueError: ``by_key`` rows are not sorted by key.
        """
        from overlap.sketch.key_loops import chained, codes_of, held_by_few, run_held_by_few

        if not len(keys) or not len(self.docs):
            return clustered_pairs(*self.shared_rows(keys, docs, pos, most), span)
        keys = np.ascontiguousarray(keys, dtype=np.uint64)
        # Rows and positions as stored (16 and 32 bits), widened only where they are packed.
        docs, pos = (_integers(a) for a in (docs, pos))
        low = [int(pos.max()), self._pos_max, int(docs.max())]
        widths = np.array([max(v, 0).bit_length() for v in low], dtype=np.int64)
        top = max(self._docs_max, 0).bit_length()
        if min(int(pos.min()), int(docs.min())) < 0 or int(widths.sum()) + top > 63:
            return clustered_pairs(*self.shared_rows(keys, docs, pos, most), span)
        if by_key:
            ks = self.keyset
            rows, found, ascending = run_held_by_few(keys, ks.sorted, ks.words, ks.bits, most)
            if not ascending:
                raise ValueError("content rows are not sorted by key")
        else:
            rows, found = held_by_few(keys, self.table, len(self.starts) - 1, most)
        codes = codes_of(rows, found, docs, pos, self.starts, self.docs, self.pos, widths)
        codes.sort()
        left, right, sizes = chained(codes, widths, span)
        return np.stack([left, right], axis=1), sizes

    def shared_rows(self, keys: U64, docs: I64, pos: I64, most: int) -> tuple[I64, I64, I64, I64]:
        """Each pair of one of the rows ``(keys, docs, pos)`` and a batch row with its key.

        Keys that more than ``most`` of the given rows hold (one row per key and document)
        are stock phrasing and pair nothing.

        Returns:
            ``(batch docs, batch positions, docs, positions)``, a row per pair, in no
            particular order.
        """
        from overlap.sketch.key_loops import shared_rows

        out: tuple[I64, I64, I64, I64] = shared_rows(
            np.ascontiguousarray(keys, dtype=np.uint64),
            np.ascontiguousarray(docs, dtype=np.int64),
            np.ascontiguousarray(pos, dtype=np.int64),
            self.table,
            self.starts,
            self.docs,
            self.pos,
            most,
        )
        return out


def _integers(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``values`` as a contiguous array of integers of at most 64 bits, not widened."""
    values = np.ascontiguousarray(values)
    if values.dtype.kind in "iu" and values.dtype != np.uint64:
        return values
    return values.astype(np.int64)
