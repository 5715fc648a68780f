"""A text with its findings highlighted: colour, underline by severity and numbered markers."""

from __future__ import annotations

from collections.abc import Sequence

from overlap.model import Finding
from overlap.report.html.characters import show
from overlap.report.html.legend import KIND_LABEL, kind_class, marker
from overlap.report.html.markup import attrs, esc
from overlap.report.html.segments import Close, Open, clamp, split


def _most_severe(findings: Sequence[Finding], active: tuple[int, ...]) -> int:
    return min(active, key=lambda i: (-findings[i].severity.rank, i))


def highlighted(text: str, findings: Sequence[Finding], marks: dict[int, str]) -> str:
    """HTML of ``text`` with every finding highlighted and linked to its card.

    Finding ``i`` (numbered ``i + 1``) opens with a link ``[n kind]`` to ``#f<n>`` that has
    the id ``m<n>``, and closes with ``[end n]``. Text inside several findings takes the
    colour of the most severe and an outline; its tooltip names them all.

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
            tip = f"{KIND_LABEL[f.kind]} ({f.severity.value}), {f.words} words"
            link = attrs(class_=f"tag {kind_class(f.kind)}", id=f"m{n}", href=f"#f{n}", title=tip)
            out.append(f"<a{link}>{esc(marker(n, f.kind))}</a>")
        elif isinstance(piece, Close):
            f, n = findings[piece.index], piece.index + 1
            out.append(f'<span class="tag end {kind_class(f.kind)}">[end {n}]</span>')
        elif not piece.active:
            out.append(show(text, piece.start, piece.end, marks))
        else:
            top = findings[_most_severe(findings, piece.active)]
            names = "; ".join(f"{i + 1} {KIND_LABEL[findings[i].kind]}" for i in piece.active)
            multi = " multi" if len(piece.active) > 1 else ""
            numbers = " ".join(str(i + 1) for i in piece.active)
            classes = f"hl {kind_class(top.kind)}{multi}"
            mark = attrs(class_=classes, title=names, data_findings=numbers)
            out.append(f"<mark{mark}>{show(text, piece.start, piece.end, marks)}</mark>")
    return "".join(out)


def excerpt(
    text: str,
    ranges: Sequence[tuple[int, int, str]],
    marks: dict[int, str],
    *,
    context: int = 160,
) -> str:
    """A passage with some context on each side, its ranges marked with their classes.

    Args:
        text: The whole text.
        ranges: ``(start, end, css classes)``; the first is the passage, the others (such as
            a citation) are shown when they fall inside the context.
        marks: Disguising characters to make visible.
        context: Characters of context on each side, cut back to a word boundary.

    Returns:
        HTML with ``…`` where the text goes on.
    """
    ranges = [(*clamp(s, e, len(text)), c) for s, e, c in ranges]
    start, end = ranges[0][0], ranges[0][1]
    near = [r for r in ranges if r[1] >= start - context and r[0] <= end + context]
    bottom, top = min(r[0] for r in near), max(r[1] for r in near)
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
    inside = [(max(s, lo), min(e, hi), c) for s, e, c in near]
    out = ["…" if lo > 0 else ""]
    for piece in split(hi - lo, [(s - lo, e - lo) for s, e, _ in inside]):
        if isinstance(piece, Open | Close):
            continue
        a, b = piece.start + lo, piece.end + lo
        shown = show(text, a, b, marks)
        if piece.active:
            classes = " ".join(inside[i][2] for i in piece.active)
            shown = f"<mark{attrs(class_=classes)}>{shown}</mark>"
        out.append(shown)
    out.append("…" if hi < len(text) else "")
    return "".join(out)
