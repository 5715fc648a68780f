"""Find quotations in a post: paired or unclosed quotation marks, and block quotes."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from itertools import islice

from overlap.attribution.paragraphs import Span, paragraphs, strip_span
from overlap.attribution.quote_marks import CITATION, MARK_NAME, Pair, pair_marks
from overlap.attribution.set_off import set_off_quotes

__all__ = ["MAX_UNCLOSED_WORDS", "Quote", "find_quotes", "strip_span"]

#: Most words an unclosed quotation mark may claim before it is cut ("length" bound).
MAX_UNCLOSED_WORDS = 100


@dataclass(frozen=True)
class Quote:
    """A quotation in the original text; offsets are half-open ``[start, end)``.

    Attributes:
        start: First character of the quoted content (marks and inner padding excluded).
        end: End of the quoted content.
        open_at: Where the opening mark is; for a block quote, where its first line begins.
        close_end: End of the closing mark; equals ``end`` when there is none (unclosed
            and block quotes).
        mark: ``double``, ``curly_double``, ``low_high``, ``guillemets``, ``curly_single`` or
            ``single``, named after the opening mark when a student mixes marks; ``block`` for
            an indented paragraph or run of them (a citation that closes it lies after
            ``end``); ``markdown`` for ``>`` lines. Continuation-line markers of ``>`` lines,
            the indents of a block's later lines, and the marks that open the later
            paragraphs of a quotation over several paragraphs lie inside ``[start, end)`` so
            that the content stays contiguous.
        closed: Whether a closing mark was found.
        bound: Why an unclosed quote ends: ``paragraph`` (a blank line or the end of the text),
            ``citation`` (an in-text citation follows), ``next_quote`` (another quotation mark
            that cannot belong to it) or ``length``; None when closed.
        depth: How many other quotes enclose this one; 0 for the outermost.
        lead_in: For a block quote, ``[start, end)`` of the paragraph that introduces it
            (``Halloran (2006) describes it this way:``), when one does; else None.
    """

    start: int
    end: int
    open_at: int
    close_end: int
    mark: str
    closed: bool
    bound: str | None
    depth: int
    lead_in: tuple[int, int] | None = None


_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile("[.!?\u2026][\"'\u2019\u201d\u00bb)]*(?=\\s)")


def find_quotes(text: str) -> list[Quote]:
    """Find the quotations of ``text``, sorted by start.

    Marks pair within a paragraph by their context, so apostrophes (client's, students',
    '90s, rock 'n' roll) never open or close a quotation. A quotation runs over several
    paragraphs when each of them opens with a mark of its kind, or when a closing mark a
    few paragraphs on closes it (see :mod:`~overlap.attribution.quote_marks`). Otherwise an
    unclosed mark is bounded at the end of its paragraph, before an in-text citation,
    before the next opening mark of its kind or after ``MAX_UNCLOSED_WORDS`` words,
    whichever comes first. Indented paragraphs that are set off as quotations are block
    quotes (see :mod:`~overlap.attribution.set_off`). Empty quotes are dropped; short ones
    (scare quotes) are kept for the caller to judge.

    Args:
        text: The original text.

    Returns:
        Inline and block quotes, with ``depth`` counting the quotes around each one.
    """
    parts = paragraphs(text)
    set_off = set_off_quotes(text, parts)
    quotes = [
        Quote(b.start, b.end, b.open_at, b.end, b.mark, True, None, 0, b.lead_in) for b in set_off
    ]
    spans = [(b.open_at, b.end) for b in set_off]
    for pair in pair_marks(text, _split(parts, spans), spans):
        quote = _quote(text, pair)
        if quote is not None:
            quotes.append(quote)
    quotes.sort(key=lambda q: (q.open_at, -q.close_end))
    opens = [q.open_at for q in quotes]
    quotes = [q if q.closed else _uncross(text, q, quotes, opens) for q in quotes]
    kept = _with_depths([q for q in quotes if q.start < q.end])
    return sorted(kept, key=lambda q: (q.start, -q.end, q.open_at))


def _split(parts: list[list[Span]], blocks: list[Span]) -> list[list[Span]]:
    """Split paragraphs where a set-off block begins or ends inside them, without a blank line.

    Quotation marks then pair inside a block or outside it, never across its edge; the
    citation that closes a block is outside both.
    """
    ordered = sorted(blocks)
    starts = [start for start, _ in ordered]

    def block_of(pos: int) -> int | None:
        k = bisect.bisect_right(starts, pos) - 1
        return k if k >= 0 and pos < ordered[k][1] else None

    split: list[list[Span]] = []
    for lines in parts:
        current = [lines[0]]
        for line in lines[1:]:
            if block_of(line[0]) != block_of(current[-1][0]):
                split.append(current)
                current = []
            current.append(line)
        split.append(current)
    return [[_clip(line, block_of(line[0]), ordered) for line in group] for group in split]


def _clip(line: Span, block: int | None, blocks: list[Span]) -> Span:
    return line if block is None else (line[0], min(line[1], blocks[block][1]))


def _quote(text: str, pair: Pair) -> Quote | None:
    if pair.close_at is not None:
        return _closed(text, pair.open_at, pair.close_at)
    return _unclosed(text, pair.open_at, pair.limit, pair.bound or "paragraph")


def _with_depths(quotes: list[Quote]) -> list[Quote]:
    """Set each depth to the number of quotes around it, sweeping in order of opening."""
    around: list[Quote] = []
    nested = []
    for q in sorted(quotes, key=lambda q: (q.open_at, -q.close_end)):
        while around and around[-1].close_end < q.close_end:
            around.pop()  # ended before q opened: quotes nest or are disjoint
        nested.append(replace(q, depth=len(around)))
        around.append(q)
    return nested


def _closed(text: str, open_at: int, close_at: int) -> Quote | None:
    start, end = strip_span(text, open_at + 1, close_at)
    if start == end:
        return None
    return Quote(start, end, open_at, close_at + 1, MARK_NAME[text[open_at]], True, None, 0)


def _unclosed(text: str, open_at: int, limit: int, bound: str) -> Quote | None:
    start = open_at + 1
    citation = CITATION.search(text, start, limit)
    if citation is not None:
        limit, bound = citation.start(), "citation"
    words = list(islice(_WORD.finditer(text, start, limit), MAX_UNCLOSED_WORDS + 1))
    if len(words) > MAX_UNCLOSED_WORDS:
        cut = words[MAX_UNCLOSED_WORDS - 1].end()
        ends = [e.end() for e in _SENTENCE_END.finditer(text, start, cut + 1)]
        limit, bound = (ends[-1] if ends else cut), "length"
    start, end = strip_span(text, start, limit)
    if start == end:
        return None
    return Quote(start, end, open_at, end, MARK_NAME[text[open_at]], False, bound, 0)


def _uncross(text: str, quote: Quote, quotes: list[Quote], opens: list[int]) -> Quote:
    """Cut an unclosed quote before a later quote it would otherwise end inside.

    ``quotes`` are sorted by ``open_at``, whose values ``opens`` lists.
    """
    first = bisect.bisect_right(opens, quote.open_at)
    changed = True
    while changed:
        changed = False
        for other in quotes[first : bisect.bisect_left(opens, quote.end)]:
            if quote.end < other.close_end:
                _, end = strip_span(text, quote.start, other.open_at)
                quote = replace(quote, end=end, close_end=end, bound="next_quote")
                changed = True
                break
    return quote
