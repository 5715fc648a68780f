"""Read .html/.htm (LMS discussion exports) with the stdlib html.parser: no dependency needed.

html.parser is lenient with the fragments LMSs export, never fetches anything and decodes
entities itself; a full HTML5 tree (selectolax, lxml) buys nothing for plain text.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from overlap.ingest.decode import decode_bytes
from overlap.ingest.formats.base import HIDDEN_TEXT, Extracted, join_paragraphs, set_off
from overlap.ingest.limits import IngestLimits

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip
#: Elements whose content is never text for a reader.
_SKIP = frozenset(
    {"script", "style", "noscript", "template", "title", "svg", "object", "iframe", "select"}
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
_SPACE = re.compile(r"[ \t\n\r\f]+")
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0*(?:\.\d+)?(?:px|pt|em)?\s*(?:;|$)"
    r"|(?<![-\w])color\s*:\s*(?:white|#fff\b|#ffffff\b)",
    re.IGNORECASE,
)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([-\w]+)", re.IGNORECASE)
#: A left margin or padding, as LMS editors write an indented paragraph (``padding-left: 40px``).
_LEFT = re.compile(
    r"(?<![-\w])(?:margin|padding)-left\s*:\s*(\d*\.?\d+)\s*(px|pt|em|rem|in|cm|mm)?",
    re.IGNORECASE,
)
_PX = {"px": 1, "pt": 4 / 3, "em": 16, "rem": 16, "in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4}
#: Left indent, in CSS pixels, from which a block is set off: about a quarter inch.
_MIN_INDENT_PX = 20
_LISTS = frozenset({"ul", "ol", "dl"})


class _Text(HTMLParser):
    """Collects paragraphs of text; block elements end a paragraph, ``<br>`` a line.

    Paragraphs inside a ``<blockquote>`` or a block indented by its style are set off
    (indented by four spaces), except list items.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.hidden_text = False
        self._parts: list[str] = []
        self._skip = 0
        self._in_head = False
        self._pre = 0
        self._hidden: list[str] = []  # tags opened hidden, innermost last
        self._set_off: list[str] = []  # tags that set their content off, innermost last
        self._lists = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        if tag in _SKIP:
            self._skip += 1
            return
        if tag in _BLOCK:
            self._flush()
            if self._set_off and self._set_off[-1] == "p":
                self._set_off.pop()  # a block element ends an open <p>
            if tag == "blockquote" or _indented(attrs):
                self._set_off.append(tag)
        if tag == "br":
            self._parts.append("\n")
        elif tag == "pre":
            self._pre += 1
        elif tag in _LISTS:
            self._lists += 1
        if tag not in _VOID and _is_hidden(attrs):
            self._hidden.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._parts.append("\n")
        elif tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCK:
            self._flush()
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag in _LISTS:
            self._lists = max(0, self._lists - 1)
        for opened in (self._hidden, self._set_off):
            if tag in opened:
                del opened[len(opened) - 1 - opened[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._skip or self._in_head:
            return
        if self._hidden and data.strip():
            self.hidden_text = True
        self._parts.append(data if self._pre else _SPACE.sub(" ", data))

    def _flush(self) -> None:
        text = "".join(self._parts)
        self._parts = []
        if not self._pre:
            text = "\n".join(line.strip() for line in text.split("\n"))
        text = text.strip("\n") if self._pre else text.strip()
        self.paragraphs.append(set_off(text) if self._set_off and not self._lists else text)

    def close(self) -> None:
        super().close()
        self._flush()


def _is_hidden(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "hidden" or (name == "style" and value and _HIDDEN_STYLE.search(value)):
            return True
    return False


def _indented(attrs: list[tuple[str, str | None]]) -> bool:
    """Whether a block's style indents it from the left by ``_MIN_INDENT_PX`` or more."""
    style = next((v for k, v in attrs if k == "style" and v), "")
    for m in _LEFT.finditer(style):
        if float(m.group(1)) * _PX[(m.group(2) or "px").lower()] >= _MIN_INDENT_PX:
            return True
    return False


def html_to_text(markup: str) -> Extracted:
    """Strip markup: paragraphs blank-line separated, scripts and styles dropped, entities decoded.

    Text styled invisible (``display:none``, white, zero size) is kept and flags the result
    ``hidden_text``. Paragraphs of a ``<blockquote>`` or of a block indented by its style
    (``padding-left: 40px``) are indented by four spaces, as a block quote in plain text.
    """
    parser = _Text()
    parser.feed(markup)
    parser.close()
    flags = (HIDDEN_TEXT,) if parser.hidden_text else ()
    return Extracted(join_paragraphs(parser.paragraphs), flags)


def looks_like_html(text: str) -> bool:
    """Whether a field of an export holds markup rather than plain text."""
    return (
        re.search(r"<(?:p|div|br|span|a|b|i|em|strong|ul|ol|li|h[1-6])\b[^>]*>", text, re.I)
        is not None
    )


def decode_html(data: bytes, shown: str) -> str:
    """Decode HTML bytes: a BOM wins, then a ``<meta charset>``, then the usual guessing."""
    match = _CHARSET.search(data[:4096])
    if match and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            codec = codecs.lookup(match.group(1).decode("ascii")).name
            if codec not in ("utf-16", "utf-32"):
                return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(data, shown)


def read_html(data: bytes, shown: str, limits: IngestLimits) -> Extracted:
    """Read an HTML page or fragment (an LMS online-text or discussion export).

    Raises:
        DecodeError: The bytes are binary.
    """
    return html_to_text(decode_html(data, shown))
