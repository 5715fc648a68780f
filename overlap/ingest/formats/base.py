"""What a format reader returns, and the signature every reader has."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

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


T = TypeVar("T")


def style_chain(styles: Mapping[str, tuple[str | None, T]], name: str | None) -> list[T]:
    """A style's own properties, then those of the style it is based on, and so on.

    ``styles`` maps a style's name to (the style it is based on, its own properties), as
    .docx (``w:basedOn``) and .odt (``style:parent-style-name``) define styles. A cycle or a
    style that is not defined ends the chain.
    """
    chain: list[T] = []
    seen: set[str] = set()
    while name and name in styles and name not in seen:
        seen.add(name)
        name, props = styles[name]
        chain.append(props)
    return chain
