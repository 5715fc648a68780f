"""Split a post into sentences, keeping citations, quotations and abbreviations whole."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from overlap.attribution.quotes import find_quotes, strip_span


@dataclass(frozen=True)
class Sentence:
    """A sentence from its first to its last non-space character, half-open ``[start, end)``."""

    start: int
    end: int


_CLOSERS = "\"'\u2019\u201d\u00bb)\\]"
_TERMINALS = ".!?\u2026"
#: Sentence-final punctuation with any closing quotes or brackets around or after it.
_END = re.compile(f"[{_TERMINALS}]+(?:[{_CLOSERS}]+[{_TERMINALS}]+)*[{_CLOSERS}]*")
_CLOSER_THEN_TERMINAL = re.compile(f"[{_CLOSERS}][{_TERMINALS}]")
_NON_SPACE = re.compile(r"\S")
#: Characters that may open a sentence besides capitals and digits: quotation marks.
_STARTERS = frozenset("\"'\u2018\u201c\u201e\u00ab")
_ABBREVIATIONS = frozenset(
    {"al", "vs", "v", "cf", "ca", "approx", "esp", "viz", "ed", "eds", "Ed", "Eds"}
    | {"Dr", "Mr", "Ms", "Mrs", "Mx", "Prof", "St", "Jr", "Sr"}
)
#: Abbreviations that stand before a number: ``p. 117``, ``Para. 2``, ``No. 3``.
_LOCATORS = frozenset(
    {"p", "pp", "pg", "para", "paras", "Para", "Paras", "no", "No", "vol", "Vol"}
    | {"ch", "Ch", "fig", "Fig", "sec", "Sec"}
)
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # e.g, i.e, U.S, n.d, B.N
_LOCATOR_AHEAD = re.compile(r"(?:pp?|pg|[Pp]aras?)\.\s*\d")
_OPENING_PUNCT = "([{\"'\u2018\u201c\u201e\u00ab"
_BLANK = re.compile(r"\n[^\S\n]*\n")
_PARENS = re.compile(r"[()]|\n[^\S\n]*\n")
#: Longest parenthetical that keeps its periods from ending a sentence.
_MAX_PARENTHETICAL = 250
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+\u2022\u2013]|\d{1,3}[.)]|\([a-z0-9]\))[ \t]+\S")
_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")
_HEADING_WORDS = 10


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences that cover every non-space character, in order.

    A sentence ends at ``.``, ``!``, ``?`` or an ellipsis (with any closing quotes or
    brackets) followed by space and a capital, digit or quotation mark; at a blank line; and
    at the line break after a heading or list item. Periods of abbreviations (``et al.``,
    ``e.g.``, ``p. 12``, ``Dr.``, initials, ``n.d.``), of parentheticals such as
    ``(Anchin, 1982. p. 117. Para. 2)`` and inside closed quotations do not end sentences,
    so a quoted sentence keeps the citation that follows it.

    Args:
        text: The original text.

    Returns:
        Non-overlapping sentences sorted by start.
    """
    breaks = {m.start() for m in _BLANK.finditer(text)}
    breaks.update(_line_breaks(text))
    breaks.update(_punctuation_breaks(text))
    sentences = []
    previous = 0
    for cut in [*sorted(breaks), len(text)]:
        start, end = strip_span(text, previous, cut)
        if start < end:
            sentences.append(Sentence(start, end))
        previous = cut
    return sentences


def sentence_index(sentences: Sequence[Sentence], offset: int) -> int:
    """Index of the sentence containing ``offset``, or of the nearest one before it.

    Args:
        sentences: Sentences sorted by start, as ``split_sentences`` returns them.
        offset: A character offset into the text the sentences were split from.

    Returns:
        The index; 0 when ``offset`` lies before the first sentence.

    Raises:
        ValueError: If ``sentences`` is empty or ``offset`` is negative.
    """
    if not sentences:
        raise ValueError("sentences must not be empty")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    return max(bisect.bisect_right(sentences, offset, key=lambda s: s.start) - 1, 0)


def _punctuation_breaks(text: str) -> list[int]:
    protected = _Interiors(_parentheticals(text) + _quotations(text))
    breaks = []
    for m in _END.finditer(text):
        cut = m.end()
        if cut == len(text) or not text[cut].isspace():
            continue
        following = _NON_SPACE.search(text, cut)
        if following is None:
            continue
        after = following.start()
        first = text[after]
        if not (first.isupper() or first.isdigit() or first in _STARTERS):
            continue
        if protected.inside(cut) or _LOCATOR_AHEAD.match(text, after):
            continue
        if not _is_abbreviation(text, m, first):
            breaks.append(cut)
    return breaks


def _is_abbreviation(text: str, end: re.Match[str], following: str) -> bool:
    """Whether the period that ``end`` starts with closes an abbreviation, not a sentence."""
    if end.group()[0] != "." or _CLOSER_THEN_TERMINAL.search(end.group()):
        return False  # "...(n.d.). Next" ends a sentence after the bracket
    start = end.start()
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    token = text[start : end.start()].lstrip(_OPENING_PUNCT)
    if token in _ABBREVIATIONS:
        return True
    if token.isdigit() and len(token) <= 3:
        return _starts_line(text, start)  # a numbered list item: "2. Walk"
    if token in _LOCATORS:
        return following.isdigit()
    if len(token) == 1:
        return token.isupper() and token != "I"  # an initial, as in "J. D. Safran"
    return _DOTTED.fullmatch(token) is not None


def _starts_line(text: str, pos: int) -> bool:
    while pos > 0 and text[pos - 1] in " \t":
        pos -= 1
    return pos == 0 or text[pos - 1] == "\n"


def _parentheticals(text: str) -> list[tuple[int, int]]:
    """Matched, short parentheses within one paragraph."""
    spans = []
    stack: list[int] = []
    for m in _PARENS.finditer(text):
        if m.group() == "(":
            stack.append(m.start())
        elif m.group() == ")":
            if stack:
                start = stack.pop()
                if m.end() - start <= _MAX_PARENTHETICAL:
                    spans.append((start, m.end()))
        else:
            stack.clear()
    return spans


def _quotations(text: str) -> list[tuple[int, int]]:
    return [(q.start, q.end) for q in find_quotes(text) if q.closed and q.open_at < q.start]


class _Interiors:
    """Union of the open intervals ``(start, end)`` of some spans, queried by position."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def inside(self, pos: int) -> bool:
        k = bisect.bisect_left(self._starts, pos) - 1
        return k >= 0 and pos < self._ends[k]


def _line_breaks(text: str) -> list[int]:
    """Line breaks that end a heading or list item, or that start a list item."""
    breaks = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    blank_before = True
    for (s1, e1), (s2, e2) in pairwise(lines):
        first, second = text[s1:e1], text[s2:e2]
        if not first.strip() or not second.strip():
            blank_before = not first.strip()
            continue
        ends_item = _LIST_ITEM.match(first) or _is_heading(first, blank_before)
        if _LIST_ITEM.match(second) or (ends_item and _opens_line(second)):
            breaks.append(e1)
        blank_before = False
    return breaks


def _is_heading(line: str, blank_before: bool) -> bool:
    if _HEADING.match(line):
        return True
    words = line.split()
    return blank_before and len(words) <= _HEADING_WORDS and line.rstrip()[-1] not in ",;-"


def _opens_line(line: str) -> bool:
    first = line[0]
    return not first.isspace() and (
        first.isupper() or first.isdigit() or first in _STARTERS or first in "#*"
    )
