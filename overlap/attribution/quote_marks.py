"""Pair quotation marks: within a paragraph by their context, and over several paragraphs.

A quotation over several paragraphs is written two ways. The usual convention opens each
paragraph with a quotation mark and closes only the last one; some students wrap the
paragraphs in one pair of marks. Both are one quotation when the marks leave no doubt.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import Flag, auto

from overlap.attribution.paragraphs import Span, strip_span

#: Most paragraphs after an unclosed mark that may hold its closing mark, and most words
#: between them, when no quotation mark opens the paragraphs in between.
MAX_WRAPPED_PARAGRAPHS = 4
MAX_WRAPPED_WORDS = 500


class _Role(Flag):
    NONE = 0
    OPEN = auto()
    CLOSE = auto()


MARKS = re.compile("[\"'\u2018\u2019\u201c\u201d\u201e\u201f\u00ab\u00bb]")
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
MARK_NAME = {
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
#: What may stand before a closing mark that closes a quotation paragraphs after its opening:
#: a letter or punctuation, never a digit (``5"`` is inches), and for a single mark
#: punctuation only (``students'`` is a possessive).
_WRAP_CLOSERS = frozenset(".,;:!?\u2026)]")
#: Words that start with an apostrophe standing for dropped letters, never an opening mark.
_ELISIONS = frozenset({"n", "em", "tis", "twas", "til", "cause", "cos", "cuz", "bout", "nuff"})
_LETTERS = re.compile(r"[^\W\d_]+")
#: A parenthetical that starts with a capitalised name and holds a year or n.d.
CITATION = re.compile(r"\(\s*[A-Z][^)]{0,160}?(?:\b\d{4}[a-z]?\b|\bn\.\s?d\.)")


@dataclass(frozen=True)
class Pair:
    """An opening mark and the closing mark paired with it, if any.

    Attributes:
        open_at: The opening mark.
        close_at: The closing mark; None when unclosed.
        limit: For an unclosed mark, where its paragraph or the next quote bounds it; for a
            closed one, the end of its closing mark.
        bound: ``paragraph`` or ``next_quote`` for an unclosed mark; None when closed.
    """

    open_at: int
    close_at: int | None
    limit: int
    bound: str | None


def pair_marks(text: str, paragraphs: list[list[Span]], set_off: list[Span]) -> list[Pair]:
    """Pair the quotation marks of ``text``, joining quotations over several paragraphs.

    Args:
        text: The original text.
        paragraphs: Its paragraphs (see :func:`~overlap.attribution.paragraphs.paragraphs`).
        set_off: ``(first line, end)`` of the set-off quotations, which a quotation over
            several paragraphs never crosses.

    Returns:
        Pairs in no particular order.
    """
    spans = [(lines[0][0], lines[-1][1]) for lines in paragraphs]
    return _Joiner(text, spans, set_off).pairs()


def _family(text: str, i: int) -> str:
    return _FAMILY[text[i]]


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


def _scan(text: str, lo: int, hi: int) -> list[Pair]:
    """Pair the quotation marks of one paragraph ``[lo, hi)`` with a stack of open marks."""
    pairs: list[Pair] = []
    stack: list[int] = []
    for m in MARKS.finditer(text, lo, hi):
        i = m.start()
        family = _FAMILY[text[i]]
        role = _role(text, i, lo, hi)
        same = [k for k, at in enumerate(stack) if _FAMILY[text[at]] == family]
        if role & _Role.CLOSE and same:
            k = same[-1]
            pairs.extend(Pair(at, None, i, "next_quote") for at in reversed(stack[k + 1 :]))
            pairs.append(Pair(stack[k], i, i + 1, None))
            del stack[k:]
        elif role & _Role.OPEN:
            if same:
                k = same[-1]
                pairs.extend(Pair(at, None, i, "next_quote") for at in reversed(stack[k:]))
                del stack[k:]
            stack.append(i)
    pairs.extend(Pair(at, None, hi, "paragraph") for at in reversed(stack))
    return pairs


class _Joiner:
    """Joins the pairs of consecutive paragraphs into quotations over several paragraphs.

    An unclosed mark continues (1) into the next paragraph, or the next line of its own,
    when that opens with a mark of its family, as the convention of opening each paragraph
    and closing only the last has it; or (2) over paragraphs holding no mark of its family,
    up to a closing mark that closes nothing in its own paragraph, at most
    ``MAX_WRAPPED_PARAGRAPHS`` paragraphs and ``MAX_WRAPPED_WORDS`` words on. A chain that
    never reaches a closing mark, or that would cross another quotation, is left as it was:
    one unclosed quotation per paragraph.
    """

    def __init__(self, text: str, spans: list[Span], set_off: list[Span]) -> None:
        self.text = text
        self.spans = spans
        self.starts = [lo for lo, _ in spans]
        self.set_off = set_off
        self.found = [_scan(text, lo, hi) for lo, hi in spans]
        self.by_open = {p.open_at: p for pairs in self.found for p in pairs}

    def pairs(self) -> list[Pair]:
        joined: list[Pair] = []
        members: set[int] = set()
        unclosed = sorted(
            (p for pairs in self.found for p in pairs if p.close_at is None),
            key=lambda p: p.open_at,
        )
        for first in unclosed:
            if first.open_at in members:
                continue
            chain = self._chain(first, joined)
            if chain is not None:
                links, close_at = chain
                members.update(p.open_at for p in links)
                joined.append(Pair(first.open_at, close_at, close_at + 1, None))
        rest = [p for pairs in self.found for p in pairs if p.open_at not in members]
        return rest + joined

    def _paragraph(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def _chain(self, first: Pair, joined: list[Pair]) -> tuple[list[Pair], int] | None:
        """The pairs a quotation over several paragraphs joins, and its closing mark."""
        links = [first]
        current = first
        while True:
            if CITATION.search(self.text, current.open_at + 1, current.limit):
                return None  # a citation ends the quotation where it stands
            step = self._continuation(current)
            if step is None:
                wrapped = self._wrapped_close(current)
                if wrapped is None:
                    return None
                close_at = wrapped
                break
            links.append(step)
            if step.close_at is not None:
                close_at = step.close_at
                break
            current = step
        if self._crosses(links, joined, first.open_at, close_at + 1):
            return None
        return links, close_at

    def _continuation(self, current: Pair) -> Pair | None:
        """The pair that continues ``current``: its mark opens the next line or paragraph."""
        text = self.text
        if current.bound == "next_quote":
            at = current.limit
            line = text.rfind("\n", current.open_at, at)
            if line < 0 or text[line + 1 : at].strip():
                return None
        elif current.bound == "paragraph":
            k = self._paragraph(current.open_at) + 1
            if k >= len(self.spans):
                return None
            at = strip_span(text, *self.spans[k])[0]
        else:
            return None
        nxt = self.by_open.get(at)
        if nxt is None or _family(text, at) != _family(text, current.open_at):
            return None
        return nxt

    def _wrapped_close(self, current: Pair) -> int | None:
        """A closing mark of ``current``'s family a few paragraphs on that closes nothing."""
        if current.bound != "paragraph":
            return None
        text = self.text
        family = _family(text, current.open_at)
        k = self._paragraph(current.open_at)
        for lo, hi in self.spans[k + 1 : k + 1 + MAX_WRAPPED_PARAGRAPHS]:
            marks = (m.start() for m in MARKS.finditer(text, lo, hi))
            mine = (i for i in marks if _family(text, i) == family and _role(text, i, lo, hi))
            first = next(mine, None)
            if first is None:
                continue
            before = text[first - 1]
            fits = before in _WRAP_CLOSERS or (family != "single" and before.isalpha())
            if (
                _role(text, first, lo, hi) != _Role.CLOSE
                or not fits
                or len(text[current.open_at : first].split()) > MAX_WRAPPED_WORDS
                or CITATION.search(text, current.limit, first)
            ):
                return None
            return first
        return None

    def _crosses(self, links: list[Pair], joined: list[Pair], start: int, end: int) -> bool:
        """Whether ``[start, end)`` would cross a set-off quote or another pair."""
        first, last = self._paragraph(start), self._paragraph(end - 1)
        chained = {p.open_at for p in links}
        others = [p for pairs in self.found[first : last + 1] for p in pairs] + joined
        spans = [(p.open_at, p.limit) for p in others if p.open_at not in chained]
        for lo, hi in [*spans, *self.set_off]:
            inside = start <= lo and hi <= end
            apart = hi <= start or lo >= end
            around = lo <= start and hi >= end
            if not (inside or apart or around):
                return True
        return False
