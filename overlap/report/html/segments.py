"""Split a text at every finding boundary, so overlapping and nested findings render flat.

Highlights cannot nest arbitrarily in HTML (two findings may overlap without either holding
the other), so the text is cut at every start and end into runs, each knowing which findings
cover it, with an event where each finding opens and closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """Text ``[start, end)`` covered by the findings ``active`` (indices into the ranges)."""

    start: int
    end: int
    active: tuple[int, ...]


@dataclass(frozen=True)
class Open:
    """Finding ``index`` starts here."""

    index: int


@dataclass(frozen=True)
class Close:
    """Finding ``index`` ends here."""

    index: int


Piece = Run | Open | Close


def clamp(start: int, end: int, length: int) -> tuple[int, int]:
    """A range forced inside ``[0, length]`` with ``start <= end``."""
    s = min(max(start, 0), length)
    return s, min(max(end, s), length)


def _events_at(p: int, spans: list[tuple[int, int]]) -> list[Piece]:
    """Closes, then empty ranges, then opens at position ``p``, nested as well as they can be.

    Ranges closing here close innermost (latest start) first; ranges opening here open
    outermost (latest end) first; of identical ranges, the last opened closes first.
    """
    closing = sorted(
        (i for i, (s, e) in enumerate(spans) if e == p and s < e), key=lambda i: (-spans[i][0], -i)
    )
    empty = [i for i, (s, e) in enumerate(spans) if s == e == p]
    opening = sorted(
        (i for i, (s, e) in enumerate(spans) if s == p and s < e), key=lambda i: (-spans[i][1], i)
    )
    return [
        *(Close(i) for i in closing),
        *(piece for i in empty for piece in (Open(i), Close(i))),
        *(Open(i) for i in opening),
    ]


def split(length: int, ranges: Sequence[tuple[int, int]]) -> list[Piece]:
    """Cut ``[0, length)`` into runs at every range boundary, with open and close events.

    Args:
        length: Length of the text.
        ranges: Half-open ``(start, end)`` ranges, possibly overlapping, nested or empty;
            ranges outside the text are clamped to it.

    Returns:
        Runs covering the text exactly, in order, and around them one :class:`Open` and one
        :class:`Close` per range, the open before the first run the range covers and the
        close after the last.
    """
    spans = [clamp(s, e, length) for s, e in ranges]
    cuts = sorted({0, length, *(p for span in spans for p in span)})
    pieces: list[Piece] = []
    for a, b in zip(cuts, [*cuts[1:], None], strict=True):
        pieces.extend(_events_at(a, spans))
        if b is not None:
            covers = tuple(i for i, (s, e) in enumerate(spans) if s <= a and b <= e)
            pieces.append(Run(a, b, covers))
    return pieces
