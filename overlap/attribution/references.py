"""Find the reference list at the end of a post, which is never matched against sources."""

from __future__ import annotations

import re

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
