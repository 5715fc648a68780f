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
by a 40-bit key, looked up pair by pair in a hash table of the first text's keys
(:mod:`overlap.align.screen_loops`), and checked word by word on word hashes, as many bits
of them as the caller gives (a scan gives the low 32 bits, which the store keeps for every
stored document). Equal words have equal hashes, so every run the aligner finds is found
here; two different words that share a hash (about one pair of distinct words in 2**32) can
only lengthen a run here, which keeps a pair the aligner may then reject, never the reverse.
So a screened scan finds exactly what an unscreened one finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, cast

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

_MULT = np.uint64(0x9E3779B97F4A7C15)
_KEY_BITS = 40
_KEY_MASK = np.uint64((1 << _KEY_BITS) - 1)
#: A pair with more shared n-gram positions than this (a text repeating one phrase) is kept
#: unscreened rather than expanded: the aligner caps such seeds itself.
MAX_SEEDS = 200_000
#: Most pairs of runs of one cluster that are tested for links; beyond, the cluster alone
#: decides (it covers every chain inside it).
MAX_LINKS = 5_000_000
_POS_BITS = 64 - _KEY_BITS


class Grams:
    """The words (as hashes) and ``n``-gram keys of many texts, flat, with each text's offset."""

    def __init__(self, hashes: Sequence[npt.NDArray[np.unsignedinteger[Any]]], n: int) -> None:
        sizes = np.array([len(h) for h in hashes], dtype=np.int64)
        self.n = n
        self.word_offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.words = (
            np.concatenate(hashes).astype(np.uint64) if len(hashes) else np.zeros(0, np.uint64)
        )
        # Each text's keys, none across into the next text: for words i .. i + n - 1, the
        # hashes folded as key * _MULT + hash, then masked to _KEY_BITS.
        counts = np.maximum(sizes - n + 1, 0)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        from overlap.align.screen_loops import text_gram_keys

        mix = np.array([_MULT, _KEY_MASK], dtype=np.uint64)
        self.keys = text_gram_keys(self.words, self.word_offsets, self.offsets, n, mix)
        self._tables: dict[int, tuple[U64, I64, U64, I64]] = {}

    @cached_property
    def pos_bits(self) -> int:
        """Bits of a key's position in its text in :meth:`tables` (24 but for huge texts)."""
        longest = int(np.diff(self.offsets).max()) if len(self.offsets) > 1 else 0
        return max(_POS_BITS, longest.bit_length())

    def tables(self, pos_bits: int) -> tuple[U64, I64, U64, I64]:
        """A hash table and a filter of each text's keys (``screen_loops.key_tables``), once.

        A key keeps its low ``64 - pos_bits`` bits: all 40 but beside texts of more than
        2**24 words, where fewer bits only let more seeds through to the word-by-word check.
        A batch's tables are built once, for every part.
        """
        if pos_bits not in self._tables:
            from overlap.align.screen_loops import key_tables

            self._tables[pos_bits] = key_tables(self.keys, self.offsets, pos_bits)
        return self._tables[pos_bits]


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
    pairs = np.ascontiguousarray(pairs, dtype=np.int64).reshape(-1, 2)
    if not len(pairs):
        return np.zeros(0, dtype=np.bool_)
    from overlap.align.screen_loops import could_chain_pairs

    pos_bits = max(a.pos_bits, b.pos_bits)
    slots, starts, filters, fstarts = a.tables(pos_bits)
    mask = could_chain_pairs(
        slots,
        starts,
        filters,
        fstarts,
        a.offsets,
        a.words,
        a.word_offsets,
        b.keys,
        b.offsets,
        b.words,
        b.word_offsets,
        pairs,
        (pos_bits, n, max_gap, min_words, MAX_SEEDS, MAX_LINKS),
    )
    return cast(Mask, mask)
