"""Find the reference list at the end of a post (never matched against sources) and read it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_HEADING = re.compile(
    r"^[ \t>#*_]*(references?|works cited|bibliography|sources cited|reference list)"
    r"[ \t]*:?[ \t*_]*$",
    re.IGNORECASE | re.MULTILINE,
)
#: A line shaped like an APA/MLA reference entry: "Surname, I. (2019)." or "Surname, I. 2019."
_ENTRY = re.compile(
    r"^[ \t]*(?:[-*\d.]+[ \t]+)?[A-Z][\w'\u2019\-]+(?: [\w'\u2019\-]+)?,[ \t]+(?:[A-Z]\.[ \t]?)+"
    r".*?(?:\(\s*(?:\d{4}[a-z]?|n\.\s?d\.)[^)]*\)|\b\d{4}[a-z]?\.)",
)


def reference_list_span(text: str) -> tuple[int, int] | None:
    """Return the ``[start, end)`` range of the post's reference list, or None.

    A list starts at a heading line (References, Works Cited, Bibliography, ...) in the second
    half of the text, or at the first of a trailing run of reference-shaped lines.
    """
    headings = [m for m in _HEADING.finditer(text) if m.start() >= len(text) // 3]
    if headings:
        return headings[-1].start(), len(text)
    start = None
    pos = len(text)
    for line in reversed(text.splitlines(keepends=True)):
        pos -= len(line)
        if not line.strip():
            continue
        if _ENTRY.match(line):
            start = pos
        else:
            break
    if start is None:
        return None
    return start + (len(text[start:]) - len(text[start:].lstrip())), len(text.rstrip())


#: The first line of an entry: ``Surname, I.`` / ``Surname, First`` or ``Any Name (2019)``.
_ENTRY_START = re.compile(
    r"[ \t]*(?:(?:[-*\u2022]|\d+[.)])[ \t]+)?"
    r"(?:[^\W\d_][\w'\u2019\-]*(?:[ \t]+[\w'\u2019\-]+){0,3},[ \t]+[^\W\d_]"
    r"|[^\W\d_][^()\n]{0,100}?\((?:\d{4}|n\.[ \t]?d\.))"
)
_BULLET = re.compile(r"(?:(?:[-*\u2022]|\d+[.)])[ \t]+)?")
_APA = re.compile(
    r"(?P<authors>[^()]+?)[ \t]*(?:\([^()\d]{1,25}\)\.?[ \t]*)?"
    r"\((?P<year>\d{4}[a-z]?|n\.[ \t]?d\.)(?:,[^)]*)?\)\.?\s*(?P<rest>.*)",
    re.DOTALL,
)
#: MLA: the author part ends at the first period that does not close an initial.
_MLA = re.compile(r"(?P<authors>.+?)(?<![\s.][A-Z])\.(?:\s+|$)(?P<rest>.*)", re.DOTALL)
_INITIALS_ONLY = re.compile(r"(?:[A-Z][a-z]?\.[ \t]*-?[ \t]*)+")
_ROLE = re.compile(r"\((?:[^()\d]{1,25})\)")
_ET_AL = re.compile(r",?\s*et al\.?", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_TITLE_END = re.compile(r"[.?!](?=[\"\u201d\u2019]?(?:\s|$))")
_QUOTED_TITLE = re.compile(r"[\"\u201c](?P<title>[^\"\u201d]+?)[.,]?[\"\u201d]")


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list, with ``[start, end)`` offsets into the original text.

    Attributes:
        start: Start of the entry (after any bullet or leading space).
        end: End of the entry (before trailing space), across wrapped lines.
        authors: Surnames, or a corporate name, in the order listed.
        year: ``"2019"``, ``"2019a"``, ``"n.d."`` or None when the entry gives none.
        title: The title of the work, white space collapsed, or None.
    """

    start: int
    end: int
    authors: tuple[str, ...]
    year: str | None
    title: str | None


def parse_references(text: str) -> list[Reference]:
    """Read the entries of the reference list found by :func:`reference_list_span`.

    APA (``Surname, I. I., & Other, J. (2019). Title. Journal...``), MLA (``Surname, First.
    Title. Publisher, 2019.``) and corporate authors are read; an entry wrapped over several
    lines is one entry.

    Args:
        text: The whole post.

    Returns:
        The entries in order; empty when the post has no reference list.
    """
    span = reference_list_span(text)
    if span is None:
        return []
    return [_parse_entry(text, start, end) for start, end in _entry_spans(text, *span)]


def _entry_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split the list into entries: a blank line or an entry-shaped line after a full stop."""
    current: tuple[int, int] | None = None
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        body = line.strip()
        if not body or (current is None and _HEADING.match(line)):
            if current is not None:
                yield current
            current = None
            continue
        first = line_start + len(line) - len(line.lstrip())
        last = line_start + len(line.rstrip())
        ended = (current is not None and text[current[1] - 1] in ".)") or _ends_in_link(
            text, current
        )
        if current is not None and not (ended and _ENTRY_START.match(line)):
            current = (current[0], last)
            continue
        if current is not None:
            yield current
        bullet = _BULLET.match(text, first)
        current = (bullet.end() if bullet and bullet.end() < last else first, last)
    if current is not None:
        yield current


def _ends_in_link(text: str, span: tuple[int, int] | None) -> bool:
    if span is None:
        return False
    tail = text[span[0] : span[1]].rsplit(None, 1)[-1]
    return tail.startswith(("http", "doi:", "www."))


def _has_letter(name: str) -> bool:
    return any(c.isalpha() for c in name)


def _surnames(part: str, mla: bool) -> tuple[str, ...]:
    """Surnames from an author part such as ``Marlowe, T., & Okafor, B. N.``.

    MLA parts read ``Marlowe, Tess, and Bea Okafor``; a part without commas is a corporate name.
    """
    part = _ET_AL.sub("", _ROLE.sub("", part)).strip(" \t\n,")
    segments = [s.strip() for s in part.split(",")]
    if mla:
        rest = re.split(r"\s*(?:,|\band\b|&)\s*", ",".join(segments[2:]))
        others = [r.split()[-1] for r in rest if r.split()]
        return tuple(s.rstrip(". ") for s in [segments[0], *others] if _has_letter(s))
    surnames = []
    for seg in segments:
        seg = re.sub(r"^(?:&|and\b)\s*", "", seg).strip()
        seg = re.sub(r"(?:\s+[A-Z]\.)+$", "", seg).strip()
        if _has_letter(seg) and not _INITIALS_ONLY.fullmatch(seg):
            surnames.append(" ".join(seg.rstrip(". ").split()))
    return tuple(surnames)


def _title(rest: str) -> str | None:
    quoted = _QUOTED_TITLE.match(rest.lstrip())
    if quoted:
        return " ".join(quoted.group("title").split()) or None
    end = _TITLE_END.search(rest)
    title = rest[: end.start() + (rest[end.start()] in "?!")] if end else rest
    return " ".join(title.split()) or None


def _parse_entry(text: str, start: int, end: int) -> Reference:
    entry = text[start:end]
    apa = _APA.match(entry)
    if apa:
        year = apa.group("year")
        year = "n.d." if year.startswith("n") else year
        return Reference(
            start, end, _surnames(apa.group("authors"), mla=False), year, _title(apa.group("rest"))
        )
    mla = _MLA.match(entry)
    authors_part, rest = (mla.group("authors"), mla.group("rest")) if mla else (entry, "")
    years = _YEAR.findall(rest)
    return Reference(
        start, end, _surnames(authors_part, mla=True), years[-1] if years else None, _title(rest)
    )
