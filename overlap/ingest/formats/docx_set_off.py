"""Tell which .docx paragraphs are set off as quotations: indented, or in a quotation style.

The extracted text marks such a paragraph by indenting its lines (``set_off``), as a
student sets off a block quote in plain text, so that attribution reads every format alike.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from xml.etree.ElementTree import Element

from overlap.ingest.formats.base import style_chain
from overlap.ingest.formats.docx_styles import attr, child
from overlap.ingest.formats.package import local

#: Left indentation, in twentieths of a point, from which a paragraph is set off: a quarter
#: inch (APA indents block quotes half an inch, Word's indent button too).
MIN_INDENT = 360
#: Built-in quotation styles, by name or id, compared without case or spaces.
_QUOTE_STYLES = frozenset({"quote", "intensequote", "blocktext"})


@dataclass(frozen=True)
class _Paragraph:
    """The paragraph properties that decide a set-off; None when unset.

    Attributes:
        start: ``w:ind/@w:start`` (or ``@w:left``): the indentation of every line.
        hanging: ``w:ind/@w:hanging``: how much less the first line is indented.
        first_line: ``w:ind/@w:firstLine``: how much more the first line is indented.
        listed: Whether the paragraph is numbered or bulleted (``w:numPr``), or in a list
            style.
        quote: Whether it is in a quotation style.
    """

    start: int | None = None
    hanging: int | None = None
    first_line: int | None = None
    listed: bool | None = None
    quote: bool | None = None

    def over(self, base: _Paragraph) -> _Paragraph:
        """These properties where set, ``base``'s elsewhere."""
        mine = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(base, **{k: v for k, v in mine.items() if v is not None})


def _twips(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _read(ppr: Element | None, name: str = "") -> _Paragraph:
    """Properties of one ``w:pPr``; ``name`` is the style's name or id, if it is a style."""
    ind = child(ppr, "ind")
    num = child(ppr, "numPr")
    listed = None
    if num is not None:
        listed = attr(child(num, "numId"), "val") != "0"  # numId 0 takes numbering away
    key = name.replace(" ", "").lower()
    if key.startswith("list"):
        listed = True
    return _Paragraph(
        start=_twips(attr(ind, "start") or attr(ind, "left")),
        hanging=_twips(attr(ind, "hanging")),
        first_line=_twips(attr(ind, "firstLine")),
        listed=listed,
        quote=True if key in _QUOTE_STYLES else None,
    )


class SetOffStyles:
    """Paragraph styles with their ``basedOn`` chains, read for indentation and quotation."""

    def __init__(self, root: Element | None) -> None:
        default = child(child(child(root, "docDefaults"), "pPrDefault"), "pPr")
        self._default = _read(default)
        self._raw: dict[str, tuple[str | None, _Paragraph]] = {}
        for style in root if root is not None else ():
            style_id = attr(style, "styleId")
            if local(style.tag) != "style" or not style_id or attr(style, "type") == "character":
                continue
            name = attr(child(style, "name"), "val") or ""
            props = _read(child(style, "pPr"), name).over(_read(None, style_id))
            self._raw[style_id] = (attr(child(style, "basedOn"), "val"), props)

    def _style(self, style_id: str | None) -> _Paragraph:
        resolved = self._default
        for props in reversed(style_chain(self._raw, style_id)):
            resolved = props.over(resolved)
        return resolved

    def set_off(self, ppr: Element | None, style_id: str | None) -> bool:
        """Whether a paragraph with properties ``ppr`` in style ``style_id`` is set off.

        It is when its style is a quotation style (``Quote``, ``Intense Quote``,
        ``Block Text``, or one based on them) or when all its lines, the first one too, are
        indented at least ``MIN_INDENT``; never when it is numbered or bulleted.
        """
        props = _read(ppr).over(self._style(style_id))
        if props.listed:
            return False
        if props.quote:
            return True
        start = props.start or 0
        first = start - (props.hanging or 0) + (props.first_line or 0)
        return start >= MIN_INDENT and first >= MIN_INDENT
