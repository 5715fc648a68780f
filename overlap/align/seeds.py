"""Seeds of an alignment: shared word n-grams, extended into maximal exact runs."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

#: An n-gram seen more often than this in the other text is not used as a seed: such n-grams
#: ("one of the") carry no evidence of copying and would make the work quadratic.
MAX_SEED_HITS = 50
#: Seed pairs allowed per word of the two texts. Prose stays far below it (a licence aligned
#: with itself makes 0.9 per word); texts of a few recurring tokens (number tables, noise)
#: would otherwise make tens of thousands of short runs, so their most frequent n-grams go.
PAIRS_PER_WORD = 2

_Ints = npt.NDArray[np.int64]


class Run(NamedTuple):
    """Token ranges ``[a_start, a_end)`` of one text and ``[b_start, b_end)`` of the other.

    Exact runs have the same length on both sides; the merging step does not rely on it, so
    other seeders (paraphrase seeds, say) can hand it runs of different lengths.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int


def encode(a: Sequence[str], b: Sequence[str]) -> tuple[_Ints, _Ints]:
    """Map the words of both texts to integer ids from one shared vocabulary."""
    vocab, a_ids = vocabulary(a)
    return a_ids, encode_after(vocab, len(a), b, len(b))


def vocabulary(words: Sequence[str]) -> tuple[dict[str, int], _Ints]:
    """Ids of the words of a text that comes first (:func:`encode`), and the word -> id map.

    A word's id is the position of its first occurrence: unique, and assigned in C.
    """
    vocab: dict[str, int] = {}
    ids = map(vocab.setdefault, words, range(len(words)))
    return vocab, np.fromiter(ids, dtype=np.int64, count=len(words))


def encode_kept(
    memo: dict[object, Any], key: str, a: Sequence[str], b: Iterable[str], count: int
) -> tuple[_Ints, _Ints]:
    """``encode(a, b)`` (``b`` has ``count`` words), ``a``'s side kept in ``memo`` under ``key``.

    For a text aligned with many others: its vocabulary and ids are made once, and each pair
    encodes only the other text.
    """
    vocab, a_ids = _kept_vocabulary(memo, key, a)
    return a_ids, encode_after(dict(vocab), len(a_ids), b, count)


def _kept_vocabulary(
    memo: dict[object, Any], key: str, words: Sequence[str]
) -> tuple[dict[str, int], _Ints]:
    """:func:`vocabulary` of a text, made once and kept in ``memo`` under ``key``."""
    found = memo.get(key)
    if found is None:
        found = memo[key] = vocabulary(words)
    out: tuple[dict[str, int], _Ints] = found
    return out


#: The id :func:`encode_known` gives a word of the second text that the first lacks.
UNKNOWN = -1


def encode_known(
    memo: dict[object, Any], key: str, a: Sequence[str], b: Iterable[str], count: int
) -> tuple[_Ints, _Ints]:
    """Word ids for :func:`find_runs`: ``a``'s as :func:`encode` gives them, kept in ``memo``.

    A word of ``b`` (``count`` words) gets the id of the same word in ``a``, or ``UNKNOWN``.
    Runs only ever compare a word of one text with a word of the other, so they are those of
    :func:`encode`'s ids; each word costs one lookup, and ``a``'s map is neither copied nor
    added to.
    """
    vocab, a_ids = _kept_vocabulary(memo, key, a)
    ids = map(vocab.get, b, itertools.repeat(UNKNOWN))
    return a_ids, np.fromiter(ids, dtype=np.int64, count=count)


def encode_after(vocab: dict[str, int], offset: int, words: Iterable[str], count: int) -> _Ints:
    """Ids of ``count`` words of a text that follows ``offset`` words whose map is ``vocab``.

    The ids :func:`encode` gives the second text; ``vocab`` gains the new words (pass a copy
    to keep the first text's map for another pair).
    """
    ids = map(vocab.setdefault, words, itertools.count(offset))
    return np.fromiter(ids, dtype=np.int64, count=count)


def runs_from_ids(a_ids: _Ints, b_ids: _Ints, n: int, max_hits: int, max_pairs: int) -> list[Run]:
    """Maximal exact runs of equal ids that contain at least one seed, sorted by position in a.

    Seeds are the shared ``n``-grams, less those that occur more than ``max_hits`` times in
    ``b``; beyond ``max_pairs`` seed pairs the most frequent of the rest go too
    (:func:`overlap.align.seed_loops.exact_runs`, one compiled pass).
    """
    from overlap.align.seed_loops import exact_runs

    starts, ends, diag = exact_runs(
        np.ascontiguousarray(a_ids, dtype=np.int64),
        np.ascontiguousarray(b_ids, dtype=np.int64),
        n,
        max_hits,
        max_pairs,
    )
    runs = [
        Run(s, e, s + d, e + d)
        for s, e, d in zip(starts.tolist(), ends.tolist(), diag.tolist(), strict=True)
    ]
    runs.sort()
    return runs


def find_runs(
    a: Sequence[str],
    b: Sequence[str],
    seed_words: int,
    max_hits: int = MAX_SEED_HITS,
    max_pairs: int | None = None,
    ids: tuple[_Ints, _Ints] | None = None,
) -> list[Run]:
    """Return the maximal exact runs of words shared by ``a`` and ``b``.

    A shared run is found if it contains at least one seed n-gram that was not skipped;
    with frequent n-grams skipped, runs made only of them are missed.

    Args:
        a: Normalised words of the first text.
        b: Normalised words of the second text.
        seed_words: Words per seed n-gram; shorter shared runs are not found.
        max_hits: Skip seed n-grams that occur more often than this in ``b``.
        max_pairs: Most seed pairs to consider; by default ``PAIRS_PER_WORD`` for each word
            of ``a`` and ``b``. Beyond it the most frequent n-grams are skipped.
        ids: The words' ids as :func:`encode` (or :func:`encode_known`) gives them, where
            the caller has them.

    Returns:
        Runs in tuple order, so by their start in ``a`` first.
    """
    if seed_words < 1:
        raise ValueError(f"seed_words must be >= 1, got {seed_words}")
    if len(a) < seed_words or len(b) < seed_words:
        return []
    if max_pairs is None:
        max_pairs = PAIRS_PER_WORD * (len(a) + len(b))
    a_ids, b_ids = encode(a, b) if ids is None else ids
    return runs_from_ids(a_ids, b_ids, seed_words, max_hits, max_pairs)
