"""Find quotations in a post: paired or unclosed quotation marks, and block quotes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Flag, auto
from itertools import islice

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
            an indented paragraph; ``markdown`` for ``>`` lines, whose continuation-line
            markers lie inside ``[start, end)`` so that the content stays contiguous.
        closed: Whether a closing mark was found.
        bound: Why an unclosed quote ends: ``paragraph`` (a blank line or the end of the text),
            ``citation`` (an in-text citation follows), ``next_quote`` (another quotation mark
            that cannot belong to it) or ``length``; None when closed.
        depth: How many other quotes enclose this one; 0 for the outermost.
    """

    start: int
    end: int
    open_at: int
    close_end: int
    mark: str
    closed: bool
    bound: str | None
    depth: int


class _Role(Flag):
    NONE = 0
    OPEN = auto()
    CLOSE = auto()


_MARKS = re.compile("[\"'\u2018\u2019\u201c\u201d\u201e\u201f\u00ab\u00bb]")
#: Marks of one family pair with each other; a student may mix straight and curly ones.
_FAMILY = {
    '"': "double",
    "\u201c": "double",
    "\u201d": "double",
    "\u201e": "double",
    "\u201f": "double",
    "\u00ab": "guillemets",
    "\u00bb": "guillemets",
    "'": "single",
    "\u2018": "single",
    "\u2019": "single",
}
_MARK_NAME = {
    '"': "double",
    "\u201c": "curly_double",
    "\u201d": "curly_double",
    "\u201f": "curly_double",
    "\u201e": "low_high",
    "\u00ab": "guillemets",
    "\u00bb": "guillemets",
    "'": "single",
    "\u2018": "curly_single",
    "\u2019": "curly_single",
}
_OPENING_PUNCT = frozenset("([{<\u2014\u2013-/\"'\u2018\u201c\u201e\u00ab\u00bb")
_FOLLOWING_PUNCT = frozenset(".,;:!?)]}>\u2026\u2014\u2013-/*\"'\u2019\u201d\u201c\u00bb\u00ab")
#: Words that start with an apostrophe standing for dropped letters, never an opening mark.
_ELISIONS = frozenset({"n", "em", "tis", "twas", "til", "cause", "cos", "cuz", "bout", "nuff"})
_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile("[.!?\u2026][\"'\u2019\u201d\u00bb)]*(?=\\s)")
#: A parenthetical that starts with a capitalised name and holds a year or n.d.
_CITATION = re.compile(r"\(\s*[A-Z][^)]{0,160}?(?:\b\d{4}[a-z]?\b|\bn\.\s?d\.)")
_MARKDOWN = re.compile(r" {0,3}(?:>[ \t]?)+")
_INDENT = re.compile(r" {4}| {0,3}\t")


def find_quotes(text: str) -> list[Quote]:
    """Find the quotations of ``text``, sorted by start.

    Marks pair within a paragraph by their context, so apostrophes (client's, students',
    '90s, rock 'n' roll) never open or close a quotation. An unclosed mark is bounded at the
    end of its paragraph, before an in-text citation, before the next opening mark of its kind
    or after ``MAX_UNCLOSED_WORDS`` words, whichever comes first. Empty quotes are dropped;
    short ones (scare quotes) are kept for the caller to judge.

    Args:
        text: The original text.

    Returns:
        Inline and block quotes, with ``depth`` counting the quotes around each one.
    """
    paragraphs = _paragraphs(text)
    quotes = _markdown_blocks(text) + _indented_blocks(text, paragraphs)
    for lines in paragraphs:
        quotes.extend(_scan(text, lines[0][0], lines[-1][1]))
    quotes.sort(key=lambda q: (q.open_at, -q.close_end))
    opens = [q.open_at for q in quotes]
    quotes = [q if q.closed else _uncross(text, q, quotes, opens) for q in quotes]
    kept = _with_depths([q for q in quotes if q.start < q.end])
    return sorted(kept, key=lambda q: (q.start, -q.end, q.open_at))


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


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, pos + len(line)
        pos += len(line) + 1


def _paragraphs(text: str) -> list[list[tuple[int, int]]]:
    """Runs of non-blank lines, each line as ``(start, end)`` without its newline."""
    paragraphs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for start, end in _lines(text):
        if text[start:end].strip():
            current.append((start, end))
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _markdown_blocks(text: str) -> list[Quote]:
    """Runs of consecutive ``>`` lines; a ``>`` line with nothing after it stays in the run."""
    blocks: list[Quote] = []
    run: list[tuple[int, int, int]] = []  # (line start, content start, content end)
    for start, end in [*_lines(text), (-1, -1)]:
        marker = _MARKDOWN.match(text, start, end) if start >= 0 else None
        if marker is not None:
            run.append((start, *strip_span(text, marker.end(), end)))
            continue
        contents = [(s, e) for _, s, e in run if s < e]
        if contents:
            first, last = contents[0][0], contents[-1][1]
            blocks.append(Quote(first, last, run[0][0], last, "markdown", True, None, 0))
        run = []
    return blocks


def _indented_blocks(text: str, paragraphs: list[list[tuple[int, int]]]) -> list[Quote]:
    """Indented paragraphs between plain ones, when plain paragraphs hold most of the words."""
    indented = [all(_INDENT.match(text, s, e) for s, e in lines) for lines in paragraphs]
    words = [len(text[lines[0][0] : lines[-1][1]].split()) for lines in paragraphs]
    plain_words = sum(w for w, ind in zip(words, indented, strict=True) if not ind)
    if plain_words <= sum(words) - plain_words:
        return []
    blocks = []
    for k, lines in enumerate(paragraphs):
        neighbours = indented[max(k - 1, 0) : k] + indented[k + 1 : k + 2]
        if indented[k] and neighbours and not any(neighbours):
            start, end = strip_span(text, lines[0][0], lines[-1][1])
            blocks.append(Quote(start, end, lines[0][0], end, "block", True, None, 0))
    return blocks


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` to its first and last non-space characters."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _role(text: str, i: int, lo: int, hi: int) -> _Role:
    """Whether the mark at ``i`` can open and/or close a quotation, judged by its neighbours."""
    mark = text[i]
    prev = text[i - 1] if i > lo else None
    nxt = text[i + 1] if i + 1 < hi else None
    opens = (prev is None or prev.isspace() or prev in _OPENING_PUNCT) and (
        nxt is not None and not nxt.isspace()
    )
    closes = (prev is not None and not prev.isspace()) and (
        nxt is None or nxt.isspace() or nxt in _FOLLOWING_PUNCT
    )
    if _FAMILY[mark] == "single":
        if prev is not None and nxt is not None and prev.isalnum() and nxt.isalnum():
            return _Role.NONE  # an apostrophe inside a word
        word = _LETTERS.match(text, i + 1, hi)  # an opening single mark precedes a letter
        opens = opens and word is not None and word.group().lower() not in _ELISIONS
        return (_Role.OPEN if opens else _Role.NONE) | (_Role.CLOSE if closes else _Role.NONE)
    if mark == '"':
        if opens != closes:
            return _Role.OPEN if opens else _Role.CLOSE
        return _Role.OPEN | _Role.CLOSE
    if mark in "\u201e\u201f":
        return _Role.OPEN
    if mark in "\u201c\u00ab":  # opening marks, also written by mistake as closing ones
        return _Role.CLOSE if closes and not opens else _Role.OPEN
    return _Role.OPEN if opens and not closes else _Role.CLOSE


def _scan(text: str, lo: int, hi: int) -> list[Quote]:
    """Pair the quotation marks of one paragraph ``[lo, hi)`` with a stack of open marks."""
    quotes: list[Quote | None] = []
    stack: list[int] = []
    for m in _MARKS.finditer(text, lo, hi):
        i = m.start()
        family = _FAMILY[text[i]]
        role = _role(text, i, lo, hi)
        same = [k for k, at in enumerate(stack) if _FAMILY[text[at]] == family]
        if role & _Role.CLOSE and same:
            k = same[-1]
            quotes.extend(_unclosed(text, at, i, "next_quote") for at in reversed(stack[k + 1 :]))
            quotes.append(_closed(text, stack[k], i))
            del stack[k:]
        elif role & _Role.OPEN:
            if same:
                k = same[-1]
                quotes.extend(_unclosed(text, at, i, "next_quote") for at in reversed(stack[k:]))
                del stack[k:]
            stack.append(i)
    quotes.extend(_unclosed(text, at, hi, "paragraph") for at in reversed(stack))
    return [q for q in quotes if q is not None]


def _closed(text: str, open_at: int, close_at: int) -> Quote | None:
    start, end = strip_span(text, open_at + 1, close_at)
    if start == end:
        return None
    return Quote(start, end, open_at, close_at + 1, _MARK_NAME[text[open_at]], True, None, 0)


def _unclosed(text: str, open_at: int, limit: int, bound: str) -> Quote | None:
    start = open_at + 1
    citation = _CITATION.search(text, start, limit)
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
    return Quote(start, end, open_at, end, _MARK_NAME[text[open_at]], False, bound, 0)


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
