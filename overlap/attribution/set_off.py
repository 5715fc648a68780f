"""Quotations set off from the running text: indented blocks and markdown ``>`` runs.

APA sets a quotation of 40 words or more as an indented block without quotation marks, with
the citation after its final punctuation, and introduces it with a lead-in:
``Halloran (2006) describes it this way:`` / indented paragraph / ``(p. 7)``. Ingest writes
the set-off of .docx, .html and .odt paragraphs into the text as a 4-space indent, so these
rules read every format alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from overlap.attribution.citation_shapes import parse_locator_only
from overlap.attribution.citations import Citation, find_citations
from overlap.attribution.paragraphs import Span, lines, strip_span

_MARKDOWN = re.compile(r" {0,3}(?:>[ \t]?)+")
_INDENT = re.compile(r" {4}| {0,3}\t")
#: A list item: a bullet, ``1.``, ``2)``, ``a.``, ``(b)`` before its text.
_LIST_ITEM = re.compile(
    r"[ \t]*(?:[-*+\u2022\u2023\u25aa\u25e6\u2013\u2043]|\d{1,3}[.)]|[a-zA-Z][.)]"
    r"|\([a-zA-Z0-9]{1,3}\))[ \t]+\S"
)
#: A line that ends a sentence: final punctuation, then closing quotes or brackets.
_SENTENCE_END = re.compile("[.!?\u2026][\"'\u2019\u201d\u00bb)\\]]*[ \t\r]*$")
_TAIL = re.compile(r"[\s.]*")
#: Final punctuation (and closing quotes) with nothing but space after it.
_STOPPED = re.compile("[.!?\u2026][\"'\u2019\u201d\u00bb]*\\s*$")


@dataclass(frozen=True)
class SetOff:
    """A set-off quotation: ``[start, end)`` is its content, ``open_at`` its first line.

    Attributes:
        open_at: Where the first line of the quotation begins.
        start: Its first character.
        end: Its end, before a citation that closes it.
        mark: ``block`` (indented lines) or ``markdown`` (``>`` lines). The indentation of
            later paragraphs of a block, and the markers of later ``>`` lines, lie inside
            ``[start, end)``.
        lead_in: ``[start, end)`` of the paragraph that introduces a block, when one does.
    """

    open_at: int
    start: int
    end: int
    mark: str
    lead_in: Span | None = None


@dataclass(frozen=True)
class _Unit:
    """Consecutive lines of one paragraph that are all indented or all not."""

    start: int
    end: int
    lines: tuple[Span, ...]
    indented: bool
    whole: bool  # the unit is a whole blank-line paragraph


def set_off_quotes(text: str, paragraphs: list[list[Span]]) -> list[SetOff]:
    """The indented blocks and markdown runs of ``text`` that are quotations."""
    return _markdown_blocks(text) + _Blocks(text, paragraphs).quotes()


def _markdown_blocks(text: str) -> list[SetOff]:
    """Runs of consecutive ``>`` lines; a ``>`` line with nothing after it stays in the run."""
    blocks: list[SetOff] = []
    run: list[tuple[int, int, int]] = []  # (line start, content start, content end)
    for start, end in [*lines(text), (-1, -1)]:
        marker = _MARKDOWN.match(text, start, end) if start >= 0 else None
        if marker is not None:
            run.append((start, *strip_span(text, marker.end(), end)))
            continue
        contents = [(s, e) for _, s, e in run if s < e]
        if contents:
            blocks.append(SetOff(run[0][0], contents[0][0], contents[-1][1], "markdown"))
        run = []
    return blocks


class _Blocks:
    """Decides which runs of indented paragraphs (or lines) of a post are block quotes.

    A run of indented units with a unit that is not indented before or after it is a block
    quote when something attributes it: the unit before it ends with a colon or holds an
    in-text citation (a lead-in); the unit after it is only a citation or a locator such as
    ``(p. 7)``; or it ends with a citation after its final punctuation, as APA places it,
    or with one that gives a page or paragraph (a direct quotation's locator). A single
    indented paragraph is also one when plain paragraphs hold most of the post's words.
    Lists, posts whose every paragraph is indented, and the first-line indent of a paragraph
    are never block quotes.
    """

    def __init__(self, text: str, paragraphs: list[list[Span]]) -> None:
        self.text = text
        self.units = [u for lines_ in paragraphs for u in self._units(lines_)]

    @cached_property
    def citations(self) -> list[Citation]:
        return find_citations(self.text)

    def quotes(self) -> list[SetOff]:
        units = self.units
        words = [len(self.text[u.start : u.end].split()) for u in units]
        plain = sum(w for w, u in zip(words, units, strict=True) if not u.indented)
        most_plain = plain > sum(words) - plain
        found = []
        k = 0
        while k < len(units):
            if not units[k].indented:
                k += 1
                continue
            last = k
            while last + 1 < len(units) and units[last + 1].indented:
                last += 1
            block = self._block(
                units[k : last + 1],
                units[k - 1] if k else None,
                units[last + 1] if last + 1 < len(units) else None,
                most_plain,
            )
            if block is not None:
                found.append(block)
            k = last + 1
        return found

    def _block(
        self, run: list[_Unit], before: _Unit | None, after: _Unit | None, most_plain: bool
    ) -> SetOff | None:
        if before is None and after is None:
            return None  # the whole post is indented
        if any(_LIST_ITEM.match(self.text, s, e) for u in run for s, e in u.lines):
            return None
        start, end = strip_span(self.text, run[0].start, run[-1].end)
        cited = self._trailing_citation(start, end)
        if cited is not None:
            end = strip_span(self.text, start, cited[0])[1]
        lead_in = before is not None and self._leads_in(before)
        attributed = (
            lead_in
            or (after is not None and self._only_citation(after))
            or (cited is not None and cited[1])
        )
        single = len(run) == 1 and run[0].whole
        if start >= end or not (attributed or (single and most_plain)):
            return None
        span = (before.start, before.end) if before is not None and lead_in else None
        return SetOff(run[0].start, start, end, "block", span)

    def _leads_in(self, unit: _Unit) -> bool:
        """Whether ``unit`` introduces what follows: it ends with a colon or cites a work."""
        _, end = strip_span(self.text, unit.start, unit.end)
        if self.text[end - 1] == ":":
            return True
        return any(unit.start <= c.group_start < unit.end for c in self.citations)

    def _only_citation(self, unit: _Unit) -> bool:
        start, end = strip_span(self.text, unit.start, unit.end)
        return self._citation_at(start, end) is not None

    def _trailing_citation(self, start: int, end: int) -> tuple[int, bool] | None:
        """The citation or locator that ends ``[start, end)``, if one does.

        Returns:
            Where it begins, and whether it is a block quote's: placed after the final
            punctuation, or giving a page or paragraph.
        """
        paren = self.text.rfind("(", start, end)
        while paren > start:
            located = self._citation_at(paren, end)
            if located is not None:
                after_stop = _STOPPED.search(self.text, start, paren) is not None
                return paren, after_stop or located
            paren = self.text.rfind("(", start, paren)
        return None

    def _citation_at(self, pos: int, end: int) -> bool | None:
        """Whether the citation or lone locator spanning ``[pos, end)`` gives a locator.

        A period may follow it, as in ``(Halloran, 2006).``.

        Returns:
            None when no parenthetical citation or locator spans ``[pos, end)``.
        """
        if self.text[pos] != "(":
            return None
        locator = parse_locator_only(self.text, pos)
        if locator is not None and _TAIL.fullmatch(self.text, locator.end, end):
            return True
        group = [c for c in self.citations if c.group_start == pos and not c.narrative]
        if group and _TAIL.fullmatch(self.text, group[0].group_end, end):
            return any(c.locator for c in group)
        return None

    def _units(self, paragraph: list[Span]) -> list[_Unit]:
        """Split a paragraph where its lines change from indented to not, or back.

        A single indented line that opens a paragraph of several lines is the first-line
        indent of that paragraph, not a set-off, unless it ends a sentence or a citation.
        """
        text = self.text
        runs: list[tuple[bool, list[Span]]] = []
        for s, e in paragraph:
            indented = _INDENT.match(text, s, e) is not None
            if runs and runs[-1][0] == indented:
                runs[-1][1].append((s, e))
            else:
                runs.append((indented, [(s, e)]))
        opening = runs[0][1]
        if len(runs) > 1 and runs[0][0] and len(opening) == 1 and not self._ends(*opening[0]):
            runs[1] = (False, opening + runs[1][1])
            del runs[0]
        return [
            _Unit(ls[0][0], ls[-1][1], tuple(ls), indented, len(runs) == 1) for indented, ls in runs
        ]

    def _ends(self, start: int, end: int) -> bool:
        """Whether a line ends a sentence, or a citation or locator ends it."""
        start, end = strip_span(self.text, start, end)
        return (
            _SENTENCE_END.search(self.text, start, end) is not None
            or self._trailing_citation(start, end) is not None
        )
