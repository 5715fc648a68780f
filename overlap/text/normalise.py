"""Token normalisation: NFKC, look-alike letters, quotes, dashes, invisible characters, case."""

from __future__ import annotations

import unicodedata

#: Characters ignored inside words: zero-width space/joiners, word joiner, soft hyphen, BOM.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

#: Cyrillic and Greek letters that look like Latin ones, folded to the Latin letter they mimic.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "У": "Y", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D",
    "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Ӏ": "I",
    # Cyrillic small letters
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
    "і": "i", "ј": "j", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Greek small letters
    "α": "a", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "υ": "u", "χ": "x",
}  # fmt: skip

#: Quotation marks and dashes unified to their ASCII forms.
PUNCTUATION: dict[str, str] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
}  # fmt: skip

_TABLE: dict[int, str | None] = {ord(k): v for k, v in {**HOMOGLYPHS, **PUNCTUATION}.items()}
_TABLE.update({ord(c): None for c in INVISIBLE})
_HOMOGLYPH_SET = frozenset(HOMOGLYPHS)
_INVISIBLE_SET = frozenset(INVISIBLE)


def normalise(token: str) -> str:
    """Return the comparison form of a token; the text it came from is never changed.

    NFKC first (ligatures, full-width forms), then look-alikes, quotes, dashes and invisible
    characters are folded, then case. The result is idempotent under this function.
    """
    if token.isascii():
        return token.lower()
    # Case folding and NFKC can each produce letters the other or the table changes again
    # (U+0345 folds to Greek iota, a look-alike): repeat until nothing changes.
    current = token
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", current).translate(_TABLE).casefold()
        if folded == current:
            break
        current = folded
    return current


def has_homoglyphs(token: str) -> bool:
    """Return True if a word mixes ASCII Latin letters with Cyrillic/Greek look-alikes."""
    if token.isascii():
        return False
    return any(c in _HOMOGLYPH_SET for c in token) and any(
        c.isascii() and c.isalpha() for c in token
    )


def has_invisible(token: str) -> bool:
    """Return True if invisible characters sit inside a word."""
    if token.isascii():
        return False
    inner = token.strip(INVISIBLE)
    return any(c in _INVISIBLE_SET for c in inner)
