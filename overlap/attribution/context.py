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

    def citations_near(self, start: int, end: int, *, inner: bool = False) -> list[list[Citation]]:
        """Citations by distance from ``[start, end)``: same sentence(s), next, previous.

        When ``[start, end)`` is a block quote introduced by a lead-in paragraph, a fourth
        ring holds the citations of that whole paragraph: ``Halloran (2006) followed forty
        families. She concludes:`` names the source of the block that follows. Citations
        inside ``[start, end)`` are left out (they belong to the copied text) unless ``inner``:
        inside a restatement in the writer's own words, a citation is the writer's own.
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
                    if c.group_start < b
                    and a < c.group_end
                    and (inner or not (start <= c.start < end))
                ]
            )
        rings.append(self._lead_in_citations(start, end))
        return rings

    def _lead_in_citations(self, start: int, end: int) -> list[Citation]:
        block = next((q for q in self.quotes if (q.start, q.end) == (start, end)), None)
        if block is None or block.lead_in is None:
            return []
        lo, hi = block.lead_in
        return [c for c in self.citations if lo <= c.group_start < hi]
