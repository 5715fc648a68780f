"""Make disguises visible: invisible characters and look-alike letters inside Latin words.

A copy disguised with zero-width spaces or Cyrillic letters looks like ordinary text in a
browser; the report shows each invisible character as a visible symbol and boxes each
look-alike letter, with the code point in a tooltip.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from overlap.report.html.markup import attrs, esc
from overlap.text.normalise import HOMOGLYPHS, INVISIBLE

#: What an invisible character is shown as.
INVISIBLE_SYMBOL = "◆"
_WORD = re.compile(r"[^\W\d_]+(?:[" + INVISIBLE + r"][^\W\d_]*)*")
_LATIN = re.compile(r"[A-Za-z]")
#: Any character that :func:`disguises` could report: most texts hold none.
_SUSPECT = re.compile("[" + re.escape(INVISIBLE + "".join(HOMOGLYPHS)) + "]")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "unnamed character")
    return f"U+{ord(char):04X} {name}"


@lru_cache(maxsize=32)
def disguises(text: str) -> dict[int, str]:
    """Positions of disguising characters in ``text`` and their tooltip.

    Args:
        text: A document's text.

    Returns:
        ``{offset: description}`` for every invisible character, and for every look-alike
        letter in a word that also has Latin letters (a Russian or Greek word is left alone).
        The dictionary is cached per text: do not change it.
    """
    if not _SUSPECT.search(text):
        return {}
    found = {i: f"invisible: {_describe(c)}" for i, c in enumerate(text) if c in INVISIBLE}
    for word in _WORD.finditer(text):
        if not _LATIN.search(word.group()):
            continue
        for i, c in enumerate(word.group(), start=word.start()):
            if c in HOMOGLYPHS:
                found[i] = f"looks like Latin '{HOMOGLYPHS[c]}': {_describe(c)}"
    return found


def show(text: str, start: int, end: int, marks: dict[int, str]) -> str:
    """``text[start:end]`` escaped, with the characters in ``marks`` made visible."""
    inside = sorted(i for i in marks if start <= i < end) if marks else []
    out, pos = [], start
    for i in inside:
        out.append(esc(text[pos:i]))
        char = text[i]
        if char in INVISIBLE:
            out.append(f"<span{attrs(class_='invis', title=marks[i])}>{INVISIBLE_SYMBOL}</span>")
        else:
            out.append(f"<span{attrs(class_='glyph', title=marks[i])}>{esc(char)}</span>")
        pos = i + 1
    out.append(esc(text[pos:end]))
    return "".join(out)
