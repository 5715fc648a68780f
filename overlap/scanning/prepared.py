"""Documents prepared for a scan: tokens, word hashes, excluded words, attribution structure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from overlap.align.passages import align
from overlap.attribution.context import Attribution
from overlap.attribution.references import reference_list_span
from overlap.model import Document
from overlap.settings import Settings
from overlap.text.shingles import word_hashes
from overlap.text.tokens import Tokens, tokenise


@dataclass
class Prepared:
    """A document ready for alignment and attribution."""

    doc: Document
    tokens: Tokens
    excluded: npt.NDArray[np.bool_] = field(repr=False)
    #: Words of common phrasing (:mod:`overlap.scanning.common`): never shared text by themselves.
    common: npt.NDArray[np.bool_] = field(repr=False)

    @classmethod
    def of(cls, doc: Document) -> Prepared:
        """Tokenise ``doc``; nothing is excluded or common yet."""
        tokens = tokenise(doc.text)
        none = np.zeros(len(tokens), dtype=np.bool_)
        return cls(doc, tokens, none, none.copy())

    @cached_property
    def hashes(self) -> npt.NDArray[np.uint64]:
        """The hash of every word, made on first use (of a stored document: only findings)."""
        return word_hashes(self.tokens.norms)

    @cached_property
    def attribution(self) -> Attribution:
        """Quotes, citations and sentences of the text (parsed on first use)."""
        return Attribution.of(self.doc.text)

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        """Half-open range of the words inside the character range ``[start, end)``."""
        first = int(np.searchsorted(self.tokens.starts, start, side="left"))
        stop = int(np.searchsorted(self.tokens.ends, end, side="right"))
        return first, max(first, stop)

    def exclude_templates(self, templates: Sequence[Prepared], settings: Settings) -> None:
        """Mark words of the reference list and of template (prompt) passages as excluded."""
        ref = reference_list_span(self.doc.text)
        if ref is not None:
            a, b = self.word_range(*ref)
            self.excluded[a:b] = True
        for template in templates:
            for p in align(self.tokens, template.tokens, settings):
                a, b = self.word_range(p.start, p.end)
                self.excluded[a:b] = True

    def mostly_excluded(self, start: int, end: int, least: int, *, shared: bool = False) -> bool:
        """True if fewer than ``least`` words, or under half, of ``[start, end)`` are left.

        With ``shared`` (text shared with another student), common phrasing is left out too.
        """
        a, b = self.word_range(start, end)
        out = self.excluded[a:b] | self.common[a:b] if shared else self.excluded[a:b]
        kept = int((~out).sum())
        return kept < least or kept * 2 < (b - a)

    def covered(self, spans: Sequence[tuple[int, int]]) -> npt.NDArray[np.bool_]:
        """Mask of the words inside any of the character ranges."""
        mask = np.zeros(len(self.tokens), dtype=np.bool_)
        for start, end in spans:
            a, b = self.word_range(start, end)
            mask[a:b] = True
        return mask
