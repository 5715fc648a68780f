"""What a format reader returns, and the signature every reader has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from overlap.ingest.limits import IngestLimits

#: Flag of a document that holds text a reader would not see (white, tiny or hidden runs).
HIDDEN_TEXT = "hidden_text"


@dataclass(frozen=True)
class Extracted:
    """The text of one file, and flags the format itself revealed (``hidden_text``)."""

    text: str
    flags: tuple[str, ...] = ()


#: ``reader(data, shown, limits)``: raises ``ExtractError`` naming ``shown`` when it cannot read.
Reader = Callable[[bytes, str, IngestLimits], Extracted]


def join_paragraphs(paragraphs: list[str]) -> str:
    """Join paragraphs with a blank line, dropping blank ones and trailing spaces."""
    kept = (p.rstrip() for p in paragraphs)
    return "\n\n".join(p for p in kept if p.strip())


#: What a reader writes before each line of a paragraph set off as a quotation (indented, in a
#: quotation style, a ``<blockquote>``): the indent a student types in plain text.
SET_OFF_INDENT = "    "


def set_off(paragraph: str) -> str:
    """``paragraph`` with ``SET_OFF_INDENT`` before each of its lines that holds text."""
    return "\n".join(
        SET_OFF_INDENT + line if line.strip() else line for line in paragraph.split("\n")
    )
