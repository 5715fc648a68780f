"""Tokenise original text into normalised words that keep their character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from overlap.text.normalise import INVISIBLE, has_homoglyphs, has_invisible, normalise

_PART = rf"[\w\u0300-\u036f{INVISIBLE}]+"
#: A word: letters, digits, combining marks and invisible characters, with inner apostrophes.
WORD = re.compile(rf"{_PART}(?:['\u2019]{_PART})*")
_ASCII_WORD = re.compile(r"\w+(?:'\w+)*", re.ASCII)


@dataclass(frozen=True)
class Tokens:
    """Normalised words of a text with half-open ``[start, end)`` offsets into that text."""

    norms: tuple[str, ...]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    #: What alignment derives from the words (their stems, the sentences), kept on first use:
    #: a submission is aligned with many documents.
    memo: dict[object, Any] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.norms)

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Character range covering tokens ``first`` .. ``last`` inclusive."""
        return int(self.starts[first]), int(self.ends[last])


def tokenise(text: str) -> Tokens:
    """Split ``text`` into normalised words, keeping each word's offsets into ``text``."""
    if text.isascii():
        # Same words as below (on ASCII, \w is ASCII and normalising is lowering), found
        # without a Python call per word.
        from overlap.text.token_loops import ascii_spans

        starts, ends = ascii_spans(np.frombuffer(text.encode("ascii"), dtype=np.uint8))
        norms_ascii = tuple(_ASCII_WORD.findall(text.lower()))
        return Tokens(norms_ascii, starts, ends)
    return _tokenise_unicode(text)


def _tokenise_unicode(text: str) -> Tokens:
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in WORD.finditer(text):
        norm = normalise(m.group())
        if norm:
            norms.append(norm)
            starts.append(m.start())
            ends.append(m.end())
    return Tokens(tuple(norms), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


def normalised_words(text: str) -> list[str]:
    """Return the same words as :func:`tokenise`, faster, without offsets."""
    if text.isascii():
        return _ASCII_WORD.findall(text.lower())
    words = (normalise(w) for w in WORD.findall(text))
    return [w for w in words if w]


def text_flags(text: str) -> tuple[str, ...]:
    """Return document flags for disguised copying: ``homoglyphs``, ``invisible_characters``."""
    if text.isascii():
        return ()
    flags: list[str] = []
    words = WORD.findall(text)
    if any(has_homoglyphs(w) for w in words):
        flags.append("homoglyphs")
    if any(has_invisible(w) for w in words):
        flags.append("invisible_characters")
    return tuple(flags)
