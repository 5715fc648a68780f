"""Content-word keys: the second sketch, which survives reworded and short copies.

The window signatures see a copy only while 16-word windows stay nearly intact. A reworded
copy keeps most of its content words but not their order, the small words around them, or
their endings; a short copy may straddle two windows. So each document also gets one key per
run of ``n`` consecutive *content words*: words not in :data:`STOPWORDS`, stemmed (the stem
of :func:`overlap.align.sentences.stem`), with the ``n`` stems of a run sorted before they are
hashed, so swapping them keeps the key ("sorted n-grams", Torrejón and Ramos, PAN 2012-2014).

Any verbatim copy that holds ``n`` content words shares at least one key with its source,
wherever it lies; an edited copy shares a key wherever ``n`` content words in a row survive.
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

_MULT = np.uint64(0x9E3779B97F4A7C15)
_STEMS: dict[str, str] = {}
_CACHE_LIMIT = 1_000_000


def content_stems(words: Sequence[str]) -> list[str]:
    """Stems of the content words among normalised ``words``, in order."""
    if len(_STEMS) > _CACHE_LIMIT:
        _STEMS.clear()
    out = []
    for w in words:
        s = _STEMS.get(w)
        if s is None:
            s = _STEMS[w] = "" if w in STOPWORDS else stem(w)
        if s:
            out.append(s)
    return out


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


def content_keys(words: Sequence[str], n: int) -> U64:
    """Distinct content keys of a document's normalised words, sorted."""
    return np.unique(sorted_ngram_keys(word_hashes(content_stems(words)), n))
