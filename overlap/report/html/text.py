"""A text with its findings highlighted: colour, underline by severity and numbered markers."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import NamedTuple

from overlap.model import Finding
from overlap.report.html.characters import show
from overlap.report.html.legend import decision_class, kind_class, kind_label, marker
from overlap.report.html.markup import attrs, esc
from overlap.report.html.segments import Close, Open, clamp, split
from overlap.report.kinds import decided


def _most_severe(findings: Sequence[Finding], active: tuple[int, ...]) -> int:
    """The finding whose colour text inside several takes: one not dismissed, if any."""
    return min(active, key=lambda i: (findings[i].dismissed, -findings[i].severity.rank, i))


def _classes(f: Finding, *extra: str) -> str:
    return " ".join(c for c in (*extra, kind_class(f.kind), decision_class(f)) if c)


def highlighted(text: str, findings: Sequence[Finding], marks: dict[int, str]) -> str:
    """HTML of ``text`` with every finding highlighted and linked to its card.

    Finding ``i`` (numbered ``i + 1``) opens with a link ``[n kind]`` to ``#f<n>`` that has
    the id ``m<n>``, and closes with ``[end n]``. Text inside several findings takes the
    colour of the most severe and an outline; its tooltip names them all. A dismissed
    finding's marker says so and its text is greyed, unless a finding not dismissed covers it.

    Args:
        text: The submission's text.
        findings: Its findings, in the order they are numbered.
        marks: Disguising characters to make visible (see ``characters.disguises``).
    """
    out = []
    pieces = split(len(text), [(f.start, f.end) for f in findings])
    for piece in pieces:
        if isinstance(piece, Open):
            f, n = findings[piece.index], piece.index + 1
            tip = f"{kind_label(f)} ({f.severity.value}), {f.words} words{decided(f)}"
            link = attrs(class_=_classes(f, "tag"), id=f"m{n}", href=f"#f{n}", title=tip)
            out.append(f"<a{link}>{esc(marker(n, f))}</a>")
        elif isinstance(piece, Close):
            f, n = findings[piece.index], piece.index + 1
            out.append(f"<span{attrs(class_=_classes(f, 'tag', 'end'))}>[end {n}]</span>")
        elif not piece.active:
            out.append(show(text, piece.start, piece.end, marks))
        else:
            top = findings[_most_severe(findings, piece.active)]
            names = "; ".join(
                f"{i + 1} {kind_label(findings[i])}{decided(findings[i])}" for i in piece.active
            )
            multi = " multi" if len(piece.active) > 1 else ""
            numbers = " ".join(str(i + 1) for i in piece.active)
            classes = _classes(top, "hl") + multi
            mark = attrs(class_=classes, title=names, data_findings=numbers)
            out.append(f"<mark{mark}>{show(text, piece.start, piece.end, marks)}</mark>")
    return "".join(out)


class Marked(NamedTuple):
    """A range of an excerpt to mark, with its CSS classes and what screen readers hear of it.

    The label is read out around the marked words (``[label: words]``) and shown nowhere.
    """

    start: int
    end: int
    classes: str
    label: str = ""


def _nested(spans: Sequence[tuple[int, int]]) -> bool:
    """True if any two ranges are apart or one holds the other, so marks can nest."""
    return all(
        a1 <= b0 or b1 <= a0 or (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)
        for (a0, a1), (b0, b1) in combinations(spans, 2)
    )


def _said(label: str, opening: bool) -> str:
    if not label:
        return ""
    return f'<span class="vh">[{esc(label)}: </span>' if opening else '<span class="vh">]</span>'


def excerpt(
    text: str,
    ranges: Sequence[tuple[int, int, str] | Marked],
    marks: dict[int, str],
    *,
    context: int = 160,
) -> str:
    """A passage with some context on each side, its ranges marked with their classes.

    Ranges that nest (a citation's work inside the whole citation) are marked inside one
    another, so a mark outlining a range goes round the whole of it; ranges that cross are
    marked piece by piece.

    Args:
        text: The whole text.
        ranges: ``(start, end, css classes)`` or :class:`Marked` with a label for screen
            readers; the first is the passage, the others (such as a citation) are shown when
            they fall inside the context.
        marks: Disguising characters to make visible.
        context: Characters of context on each side, cut back to a word boundary.

    Returns:
        HTML with ``…`` where the text goes on.
    """
    given = [Marked(*r) for r in ranges]
    clamped = [
        r._replace(start=a, end=b) for r in given for a, b in [clamp(r.start, r.end, len(text))]
    ]
    start, end = clamped[0].start, clamped[0].end
    near = [r for r in clamped if r.end >= start - context and r.start <= end + context]
    bottom, top = min(r.start for r in near), max(r.end for r in near)
    lo, hi = max(0, bottom - context), min(len(text), top + context)
    if lo > 0:
        while lo < bottom and not text[lo - 1].isspace():
            lo += 1
    while lo < bottom and text[lo].isspace():
        lo += 1
    if hi < len(text):
        while hi > top and not text[hi].isspace():
            hi -= 1
    while hi > top and text[hi - 1].isspace():
        hi -= 1
    inside = [r._replace(start=max(r.start, lo), end=min(r.end, hi)) for r in near]
    nest = _nested([(r.start, r.end) for r in inside])
    out = ["…" if lo > 0 else ""]
    for piece in split(hi - lo, [(r.start - lo, r.end - lo) for r in inside]):
        if isinstance(piece, Open | Close):
            r = inside[piece.index]
            if r.start == r.end:
                continue
            opening = isinstance(piece, Open)
            if nest and opening:
                out.append(f"<mark{attrs(class_=r.classes)}>{_said(r.label, True)}")
            elif nest:
                out.append(f"{_said(r.label, False)}</mark>")
            else:
                out.append(_said(r.label, opening))
            continue
        shown = show(text, piece.start + lo, piece.end + lo, marks)
        if piece.active and not nest:
            classes = " ".join(inside[i].classes for i in piece.active)
            shown = f"<mark{attrs(class_=classes)}>{shown}</mark>"
        out.append(shown)
    out.append("…" if hi < len(text) else "")
    return "".join(out)
