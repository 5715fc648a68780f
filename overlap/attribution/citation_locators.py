"""Locators inside citations (``p. 113``, ``pp. 4-5``, ``Para. 2``, ``¶ 3``): read, normalised."""

from __future__ import annotations

import re

_H = r"[^\S\n]"
#: White space that may wrap onto the next line but never crosses a blank line.
WS = rf"{_H}*(?:\n{_H}*)?"
#: One locator: a kind (p., pp., para., paragraph, ¶, ch., sec. ...) and a number or range.
LOCATOR = re.compile(
    r"(?:(?P<kind>pp|pgs?|p|pages?|paras?|paragraphs?|par|chap|ch|chapters?|secs?|sections?"
    rf"|slides?|lines?)\b(?:{_H}?\.)?|(?P<pilcrow>¶¶?))"
    rf"{_H}*(?P<a>\d+|[ivxlc]+\b)(?:{_H}*[-\u2013\u2014]{_H}*(?P<b>\d+|[ivxlc]+\b))?",
    re.IGNORECASE,
)
_KINDS = {
    "p": "p.",
    "pg": "p.",
    "page": "p.",
    "ch": "ch.",
    "chap": "ch.",
    "chapter": "ch.",
    "sec": "sec.",
    "section": "sec.",
    "slide": "slide",
    "line": "line",
}
_LOCATOR_SEP = re.compile(rf"{WS}(?P<sep>[,.:]?){WS}")


def locator_text(m: re.Match[str]) -> str:
    """Normalise a :data:`LOCATOR` match: ``Para. 2`` is ``para. 2``, ``p. 4-5`` is ``pp. 4-5``.

    Args:
        m: A match of :data:`LOCATOR`.

    Returns:
        The kind (``p.``, ``pp.``, ``para.``, ``ch.``, ``sec.``, ``slide``, ``line``) and number.
    """
    if m.group("pilcrow"):
        kind = "para."
    else:
        word = m.group("kind").lower().rstrip("s")
        kind = "para." if word.startswith("par") else _KINDS.get(word, "p.")
    if kind == "p." and (m.group("b") or m.group("kind").lower() in ("pp", "pages", "pgs")):
        kind = "pp."
    return f"{kind} {m.group('a')}" + (f"-{m.group('b')}" if m.group("b") else "")


def read_locators(text: str, pos: int) -> tuple[list[str], int, bool]:
    """Read the locators that follow ``pos``, separated by commas (or, wrongly, periods).

    Args:
        text: The whole text.
        pos: Where to start reading.

    Returns:
        The normalised locators, the offset after the last one, and whether a period separated
        any of them (``p. 113. Para. 2``).
    """
    found: list[str] = []
    stray = False
    while (sep := _LOCATOR_SEP.match(text, pos)) and (m := LOCATOR.match(text, sep.end())):
        stray = stray or sep.group("sep") == "."
        found.append(locator_text(m))
        pos = m.end()
    return found, pos, stray
