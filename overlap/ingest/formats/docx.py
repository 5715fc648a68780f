"""Read .docx by walking its Office Open XML directly (zipfile + defusedxml): no extra dependency.

python-docx would bring lxml without entity protection and reaches neither footnotes nor the
style chain that tells hidden text; body, tables, text boxes and notes are a short walk.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from overlap.ingest.errors import ExtractError
from overlap.ingest.formats.base import HIDDEN_TEXT, Extracted, join_paragraphs, set_off
from overlap.ingest.formats.docx_set_off import SetOffStyles
from overlap.ingest.formats.docx_styles import (
    RunStyle,
    Styles,
    attr,
    child,
    relationships,
    run_style,
)
from overlap.ingest.formats.hidden import hex_colour, invisible
from overlap.ingest.formats.package import Package, local, open_package
from overlap.ingest.limits import IngestLimits

# Containers of block content that hold no text of their own.
_BLOCK_SKIP = frozenset({"sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "sdtPr", "sdtEndPr"})
# Inline content a reader does not see: deletions, field codes, the twin of a text box.
_INLINE_SKIP = frozenset(
    {
        "pPr",
        "rPr",
        "del",
        "moveFrom",
        "Fallback",
        "delText",
        "instrText",
        "delInstrText",
        "sdtPr",
        "sdtEndPr",
    }
)
_CHARS = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
_ROMAN = (
    ("m", 1000),
    ("cm", 900),
    ("d", 500),
    ("cd", 400),
    ("c", 100),
    ("xc", 90),
    ("l", 50),
    ("xl", 40),
    ("x", 10),
    ("ix", 9),
    ("v", 5),
    ("iv", 4),
    ("i", 1),
)


def _roman(number: int) -> str:
    out = []
    for letters, value in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


class _Walker:
    """Collects paragraphs in reading order and notices runs nobody can see."""

    def __init__(
        self,
        styles: Styles,
        set_off: SetOffStyles,
        page: str | None,
        notes: dict[tuple[str, str], Element],
    ):
        self.styles = styles
        self.set_off = set_off
        self.page = page
        self.notes = notes
        self.paragraphs: list[str] = []
        self.hidden = False
        self.order: list[tuple[str, str]] = []
        self._numbers: dict[tuple[str, str], str] = {}
        self._label = ""

    def block(self, element: Element) -> None:
        for item in element:
            name = local(item.tag)
            if name == "p":
                self.paragraph(item)
            elif name not in _BLOCK_SKIP and name != "Fallback":
                self.block(item)

    def paragraph(self, paragraph: Element) -> None:
        ppr = child(paragraph, "pPr")
        style_id = attr(child(ppr, "pStyle"), "val") or self.styles.default_paragraph
        base = self.styles.resolve(style_id).over(self.styles.default)
        fill = hex_colour(attr(child(ppr, "shd"), "fill"))
        parts: list[str] = []
        boxes: list[Element] = []
        self.inline(paragraph, base, fill, parts, boxes)
        text = "".join(parts)
        self.paragraphs.append(set_off(text) if self.set_off.set_off(ppr, style_id) else text)
        for box in boxes:
            self.block(box)

    def inline(
        self,
        element: Element,
        base: RunStyle,
        fill: str | None,
        parts: list[str],
        boxes: list[Element],
    ) -> None:
        for item in element:
            name = local(item.tag)
            if name == "r":
                self.run(item, base, fill, parts, boxes)
            elif name == "txbxContent":
                boxes.append(item)
            elif name not in _INLINE_SKIP:
                self.inline(item, base, fill, parts, boxes)

    def run(
        self,
        run: Element,
        base: RunStyle,
        fill: str | None,
        parts: list[str],
        boxes: list[Element],
    ) -> None:
        rpr = child(run, "rPr")
        character = self.styles.resolve(attr(child(rpr, "rStyle"), "val"))
        style = run_style(rpr).over(character.over(base))
        hidden = invisible(
            vanish=bool(style.vanish),
            colour=hex_colour(style.colour),
            background=hex_colour(style.fill) or fill or self.page,
            points=style.points,
        )
        for item in run:
            name = local(item.tag)
            text: str | None = None
            if name == "t":
                text = item.text or ""
            elif name in _CHARS:
                text = _CHARS[name]
            elif name in ("footnoteReference", "endnoteReference"):
                text = self.reference(name.removesuffix("Reference"), attr(item, "id") or "")
            elif name in ("footnoteRef", "endnoteRef"):
                text = self._label
            elif name not in _INLINE_SKIP:
                self.inline(item, base, fill, parts, boxes)
            if text:
                self.hidden = self.hidden or (hidden and not text.isspace())
                parts.append(text)

    def reference(self, kind: str, note_id: str) -> str:
        """The mark of a footnote (``[1]``) or endnote (``[i]``), numbered by first reference."""
        key = (kind, note_id)
        if key not in self._numbers:
            number = sum(1 for k, _ in self.order if k == kind) + 1
            self._numbers[key] = f"[{number}]" if kind == "footnote" else f"[{_roman(number)}]"
            self.order.append(key)
        return self._numbers[key]

    def notes_text(self) -> None:
        """Append the referenced notes, in order of first reference, after the body."""
        done = 0
        while done < len(self.order):  # a note may refer to another
            key = self.order[done]
            done += 1
            note = self.notes.get(key)
            if note is not None:
                self._label = self._numbers[key]
                self.block(note)
        self._label = ""


def _notes(package: Package, part: str | None, kind: str) -> dict[tuple[str, str], Element]:
    root = package.xml(part) if part else None
    found = {}
    for note in root if root is not None else ():
        if local(note.tag) == kind and attr(note, "type") in (None, "normal"):
            found[(kind, attr(note, "id") or "")] = note
    return found


def read_docx(data: bytes, shown: str, limits: IngestLimits) -> Extracted:
    """Read a Word document: body (tables and text boxes included), then footnotes and endnotes.

    Runs that are hidden (``w:vanish``), smaller than 4 pt, or coloured like what is behind
    them are extracted too, and flag the document ``hidden_text``. Paragraphs are separated
    by a blank line; a note's mark (``[1]``) stands where it is referenced and before it. A
    paragraph set off as a quotation (indented, or in a ``Quote`` style) is indented by four
    spaces, numbered and bulleted ones never.

    Raises:
        ExtractError: Password-protected, not a Word document, damaged, or over the limits.
    """
    with open_package(data, shown, limits, "a Word document") as package:
        package_rels = relationships(package.xml("_rels/.rels"), "")
        main = package_rels.get("officeDocument", "word/document.xml")
        root = package.xml(main)
        if root is None:
            raise ExtractError(shown, f"not a Word document (no {main})")
        rels_name = f"{main.rpartition('/')[0]}/_rels/{main.rpartition('/')[2]}.rels"
        rels = relationships(package.xml(rels_name), main)
        styles_part = rels.get("styles")
        styles_root = package.xml(styles_part) if styles_part else None
        styles = Styles(styles_root)
        set_off_styles = SetOffStyles(styles_root)
        notes = _notes(package, rels.get("footnotes"), "footnote")
        notes.update(_notes(package, rels.get("endnotes"), "endnote"))
    body = child(root, "body")
    if body is None:
        raise ExtractError(shown, f"not a Word document (no body in {main})")
    page = hex_colour(attr(child(root, "background"), "color"))
    walker = _Walker(styles, set_off_styles, page, notes)
    try:
        walker.block(body)
        walker.notes_text()
    except RecursionError as exc:
        raise ExtractError(shown, "refused: document nested too deeply") from exc
    flags = (HIDDEN_TEXT,) if walker.hidden else ()
    return Extracted(join_paragraphs(walker.paragraphs), flags)
