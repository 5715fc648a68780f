"""A post's attribution structure: its quotations, in-text citations and sentences."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from overlap.attribution.citations import Citation, find_citations
from overlap.attribution.quotes import Quote, find_quotes
from overlap.attribution.sentences import Sentence, split_sentences


@dataclass(frozen=True)
class Attribution:
    """Quotes, citations and sentences of one text, with lookups by character offset."""

    quotes: tuple[Quote, ...]
    citations: tuple[Citation, ...]
    sentences: tuple[Sentence, ...]

    @classmethod
    def of(cls, text: str) -> Attribution:
        """Parse ``text``."""
        return cls(
            tuple(find_quotes(text)), tuple(find_citations(text)), tuple(split_sentences(text))
        )

    def quote_over(self, start: int, end: int) -> Quote | None:
        """The quotation holding most of ``[start, end)``, if it holds at least half of it."""
        best, best_overlap = None, 0
        for q in self.quotes:
            overlap = min(q.end, end) - max(q.start, start)
            if overlap > best_overlap:
                best, best_overlap = q, overlap
        return best if best is not None and 2 * best_overlap >= end - start else None

    def sentence_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices ``[first, last]`` of the sentences that ``[start, end)`` touches."""
        if not self.sentences:
            return 0, -1
        starts = [s.start for s in self.sentences]
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        last = max(bisect.bisect_left(starts, end) - 1, first)
        return first, last

    def citations_near(self, start: int, end: int) -> list[list[Citation]]:
        """Citations by distance from ``[start, end)``: same sentence(s), next, previous.

        Citations inside ``[start, end)`` are left out: they belong to the copied text.
        """
        first, last = self.sentence_range(start, end)
        rings: list[list[Citation]] = []
        for lo, hi in ((first, last), (last + 1, last + 1), (first - 1, first - 1)):
            if lo < 0 or hi >= len(self.sentences) or hi < lo:
                rings.append([])
                continue
            a, b = self.sentences[lo].start, self.sentences[hi].end
            rings.append(
                [
                    c
                    for c in self.citations
                    if c.group_start < b and a < c.group_end and not (start <= c.start < end)
                ]
            )
        return rings
