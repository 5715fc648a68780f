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

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from overlap.align.sentences import stem
from overlap.text.shingles import word_hashes
from overlap.text.stopwords import STOPWORDS

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

_MULT = np.uint64(0x9E3779B97F4A7C15)
_CACHE_LIMIT = 1_000_000
#: Word to the hash of its stem, 0 for a stopword (memoised: vocabularies are small).
_STEM_HASHES: dict[str, int] = {}


def content_stems(words: Sequence[str]) -> list[str]:
    """Stems of the content words among normalised ``words``, in order."""
    return [stem(w) for w in words if w not in STOPWORDS]


def content_hashes(words: Sequence[str]) -> U64:
    """Hashes of the stems of the content words among normalised ``words``, in order.

    The same as ``word_hashes(content_stems(words))``, looked up a word at a time in C.
    """
    if len(_STEM_HASHES) > _CACHE_LIMIT:
        _STEM_HASHES.clear()
    values = list(map(_STEM_HASHES.get, words))
    if None in values:
        for i, v in enumerate(values):
            if v is None:
                w = words[i]
                if w not in _STEM_HASHES:
                    s = "" if w in STOPWORDS else stem(w)
                    _STEM_HASHES[w] = int(word_hashes([s])[0]) if s else 0
                values[i] = _STEM_HASHES[w]
    hashes: U64 = np.array(values, dtype=np.uint64)
    kept: U64 = hashes[hashes != 0]
    return kept


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


def batch_content_keys(word_lists: Sequence[Sequence[str]], n: int) -> tuple[I64, U64, I64]:
    """Distinct content keys of each document, and where each first is: ``(doc, key, pos)``.

    A key's position is the index, among the document's content words, of the first run of
    ``n`` that makes it.

    Rows come in no particular order. One pass of array operations over the whole batch:
    per-document overheads dominate the work for posts of a few hundred words.
    """
    empty = np.zeros(0, dtype=np.int64)
    if n < 1:  # no second sketch
        return empty, np.zeros(0, dtype=np.uint64), empty
    hashes = [content_hashes(words) for words in word_lists]
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
    order = np.lexsort((left_pos, right_docs, left_docs))
    ld, rd, lp, rp = left_docs[order], right_docs[order], left_pos[order], right_pos[order]
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
