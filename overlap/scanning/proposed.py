"""The candidate pairs a scan proposed, kept as arrays until someone reads them as a set.

A scan of a large store proposes millions of ``(submission id, document id)`` pairs; only
measurements read them (``ScanResult.candidates``). Each store part hands back its pairs
as two arrays of indexes and the ids they index, which cost little to make, to send and to
keep; the set of id pairs is made the first time it is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PairChunk:
    """Pairs ``(firsts[first[k]], seconds[second[k]])`` for each ``k``."""

    firsts: Sequence[str]
    seconds: Sequence[str]
    first: I64
    second: I64

    def __post_init__(self) -> None:
        if len(self.first) != len(self.second):
            raise ValueError("a chunk of pairs needs as many first as second indexes")

    def pairs(self) -> Iterator[tuple[str, str]]:
        """The chunk's pairs of ids, in order."""
        firsts, seconds = self.firsts, self.seconds
        for a, b in zip(self.first.tolist(), self.second.tolist(), strict=True):
            yield firsts[a], seconds[b]


class ProposedPairs(Set[tuple[str, str]]):
    """A set of id pairs made of chunks (a pair in two chunks is one member)."""

    def __init__(self, chunks: Sequence[PairChunk] = ()) -> None:
        self._chunks = tuple(chunks)

    @cached_property
    def _members(self) -> frozenset[tuple[str, str]]:
        return frozenset(p for chunk in self._chunks for p in chunk.pairs())

    def __contains__(self, pair: object) -> bool:
        return pair in self._members

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __repr__(self) -> str:
        return f"ProposedPairs({len(self._chunks)} chunks)"
