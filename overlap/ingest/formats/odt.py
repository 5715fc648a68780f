"""Read .odt by walking its OpenDocument XML directly (zipfile + defusedxml): no extra dependency.

odfpy is unmaintained since 2020 and parses with minidom; content.xml is a short walk.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from overlap.ingest.errors import ExtractError
from overlap.ingest.formats.base import (
    HIDDEN_TEXT,
    Extracted,
    join_paragraphs,
    set_off,
    style_chain,
)
from overlap.ingest.formats.docx_styles import RunStyle, attr, child
from overlap.ingest.formats.hidden import hex_colour, invisible
from overlap.ingest.formats.package import local, open_package
from overlap.ingest.limits import IngestLimits

_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_SKIP = frozenset(
    {
        "tracked-changes",
        "sequence-decls",
        "variable-decls",
        "user-field-decls",
        "forms",
        "annotation",
        "annotation-end",
        "soft-page-break",
        "note-citation",
        "table-columns",
        "table-column",
    }
)
_SPACE = re.compile(r"[ \t\r\n]+")
_POINTS = re.compile(r"([\d.]+)pt")
_LENGTH = re.compile(r"(-?\d*\.?\d+)(in|cm|mm|pt|pc|px)")
_PER_POINT = {"in": 72, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1, "pc": 12, "px": 0.75}
#: Left indent, in points, from which a paragraph is set off: a quarter inch.
_MIN_INDENT = 18
#: Quotation styles (LibreOffice's "Quotations", Word's "Quote" kept in an .odt), by name
#: compared without case, spaces or underscores.
_QUOTE_STYLES = frozenset({"quotations", "quote", "intensequote", "blocktext"})


def _props(style: Element) -> tuple[str | None, RunStyle]:
    text = child(style, "text-properties")
    size = _POINTS.fullmatch(attr(text, "font-size") or "")
    return attr(style, "parent-style-name"), RunStyle(
        vanish=True if attr(text, "display") == "none" else None,
        colour=attr(text, "color"),
        half_points=round(float(size.group(1)) * 2) if size else None,
        fill=attr(text, "background-color"),
    )


def _points(value: str | None) -> float | None:
    m = _LENGTH.fullmatch(value.strip()) if value else None
    return float(m.group(1)) * _PER_POINT[m.group(2)] if m else None


#: A paragraph style's indentation: left margin and first-line indent in points, and
#: whether it is a quotation style or a list style; None when unset.
_Indent = tuple[float | None, float | None, bool | None]


def _indent(style: Element) -> _Indent:
    props = child(style, "paragraph-properties")
    names = (attr(style, "name") or "", attr(style, "display-name") or "")
    keys = {n.replace(" ", "").replace("_20_", "").replace("_", "").lower() for n in names}
    kind = None
    if keys & _QUOTE_STYLES:
        kind = True
    elif any(k.startswith("list") for k in keys):
        kind = False
    return _points(attr(props, "margin-left")), _points(attr(props, "text-indent")), kind


class _Styles:
    """Named and automatic styles with their parents, and the default paragraph style."""

    def __init__(self, roots: list[Element]) -> None:
        self.raw: dict[str, tuple[str | None, RunStyle]] = {}
        self.indents: dict[str, tuple[str | None, _Indent]] = {}
        self.default = RunStyle()
        for root in roots:
            for style in root.iter():
                name = local(style.tag)
                if name == "style" and attr(style, "name"):
                    parent, props = _props(style)
                    self.raw[attr(style, "name") or ""] = (parent, props)
                    self.indents[attr(style, "name") or ""] = (parent, _indent(style))
                elif name == "default-style" and attr(style, "family") == "paragraph":
                    self.default = _props(style)[1]

    def set_off(self, name: str | None) -> bool:
        """Whether paragraphs in style ``name`` are set off as quotations.

        They are in a quotation style, or with every line indented a quarter inch or more;
        never in a list style.
        """
        left: float | None = None
        first: float | None = None
        kind: bool | None = None
        for own_left, own_first, own_kind in style_chain(self.indents, name):
            left = own_left if left is None else left
            first = own_first if first is None else first
            kind = own_kind if kind is None else kind
        if kind is not None:
            return kind
        left = left or 0
        return left >= _MIN_INDENT and left + (first or 0) >= _MIN_INDENT

    def resolve(self, name: str | None, base: RunStyle) -> RunStyle:
        for props in reversed(style_chain(self.raw, name)):
            base = props.over(base)
        return base


class _Walker:
    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.paragraphs: list[str] = []
        self.notes: list[tuple[str, Element]] = []
        self.hidden = False
        self.lists = 0

    def block(self, element: Element) -> None:
        for item in element:
            name = local(item.tag)
            if name in ("p", "h"):
                self.paragraph(item)
            elif name == "list":
                self.lists += 1
                self.block(item)
                self.lists -= 1
            elif name not in _SKIP and name != "note-body":
                self.block(item)

    def paragraph(self, paragraph: Element, label: str = "") -> None:
        style_name = attr(paragraph, "style-name")
        style = self.styles.resolve(style_name, self.styles.default)
        parts = [label]
        boxes: list[Element] = []
        self.inline(paragraph, style, parts, boxes)
        text = "".join(parts).strip(" ")
        quoted = local(paragraph.tag) == "p" and not self.lists and self.styles.set_off(style_name)
        self.paragraphs.append(set_off(text) if quoted else text)
        for box in boxes:
            self.block(box)

    def inline(
        self, element: Element, style: RunStyle, parts: list[str], boxes: list[Element]
    ) -> None:
        self.text(element.text, style, parts)
        for item in element:
            name = local(item.tag)
            if name == "span":
                self.inline(
                    item, self.styles.resolve(attr(item, "style-name"), style), parts, boxes
                )
            elif name == "s":
                count = attr(item, "c")
                parts.append(" " * (int(count) if count and count.isdigit() else 1))
            elif name == "tab":
                parts.append("\t")
            elif name == "line-break":
                parts.append("\n")
            elif name == "note":
                citation = child(item, "note-citation")
                mark = "".join(citation.itertext()) if citation is not None else "*"
                parts.append(f"[{mark}]")
                body = child(item, "note-body")
                if body is not None:
                    self.notes.append((f"[{mark}] ", body))
            elif name == "hidden-text":
                value = attr(item, "string-value") or ""
                self.hidden = self.hidden or bool(value.strip())
                parts.append(value)
            elif name == "text-box":
                boxes.append(item)
            elif name not in _SKIP:
                self.inline(item, style, parts, boxes)
            self.text(item.tail, style, parts)

    def text(self, value: str | None, style: RunStyle, parts: list[str]) -> None:
        if not value:
            return
        if value.strip() and invisible(
            vanish=bool(style.vanish),
            colour=hex_colour(style.colour),
            background=hex_colour(style.fill),
            points=style.points,
        ):
            self.hidden = True
        parts.append(_SPACE.sub(" ", value))

    def notes_text(self) -> None:
        for label, body in self.notes:
            first = True
            for item in body:
                if local(item.tag) in ("p", "h"):
                    self.paragraph(item, label if first else "")
                    first = False
                else:
                    self.block(item)


def read_odt(data: bytes, shown: str, limits: IngestLimits) -> Extracted:
    """Read an OpenDocument text: body (lists, tables, frames), then footnotes and endnotes.

    Text styled hidden, tiny (< 4 pt) or white-on-white is kept and flags ``hidden_text``.
    Paragraphs set off as quotations (indented, or in the ``Quotations`` style) are indented
    by four spaces; list items never are.

    Raises:
        ExtractError: Password-protected, not an OpenDocument text, or damaged.
    """
    with open_package(data, shown, limits, "an OpenDocument text") as package:
        mimetype = package.part("mimetype")
        if mimetype is not None and not mimetype.strip().startswith(_MIMETYPE):
            raise ExtractError(shown, "not an OpenDocument text (another OpenDocument type)")
        manifest = package.xml("META-INF/manifest.xml")
        if manifest is not None and any(local(e.tag) == "encryption-data" for e in manifest.iter()):
            raise ExtractError(shown, "password-protected")
        content = package.xml("content.xml")
        if content is None:
            raise ExtractError(shown, "not an OpenDocument text (no content.xml)")
        style_root = package.xml("styles.xml")
    roots = [r for r in (style_root, child(content, "automatic-styles")) if r is not None]
    walker = _Walker(_Styles(roots))
    text = child(child(content, "body"), "text")
    if text is None:
        raise ExtractError(shown, "not an OpenDocument text (no office:text body)")
    try:
        walker.block(text)
        walker.notes_text()
    except RecursionError as exc:
        raise ExtractError(shown, "refused: document nested too deeply") from exc
    flags = (HIDDEN_TEXT,) if walker.hidden else ()
    return Extracted(join_paragraphs(walker.paragraphs), flags)
