"""Sentences as token ranges of a tokenised text, and the word stems paraphrase evidence uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from overlap.text.tokens import Tokens

#: Where a sentence ends: final punctuation (and closing quotes or brackets) before white space,
#: or a blank line.
_BREAK = re.compile(r"[.!?\u3002]+[\"'\u201d\u2019\u00bb)\]]*(?=\s|$)|\n[^\S\n]*\n")
#: Sentences of fewer words are joined to the next one: "Dr." or "No. 5" are not sentences.
MIN_SENTENCE_WORDS = 3
#: Longer runs without a sentence break (lists, tables, run-on text) are cut into pieces.
MAX_SENTENCE_WORDS = 60
#: Suffixes stripped by :func:`stem`, longest first.
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "ly",
    "es",
    "s",
)
#: Stems are cut to this many characters, which folds most derivations of one word.
STEM_CHARS = 6

_Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Sentences:
    """Half-open token ranges ``[starts[k], ends[k])`` of the sentences of one text."""

    starts: _Ints
    ends: _Ints

    def __len__(self) -> int:
        return len(self.starts)

    def of_tokens(self) -> _Ints:
        """Sentence index of every token."""
        if not len(self.starts):
            return np.zeros(0, dtype=np.int64)
        index = np.zeros(int(self.ends[-1]), dtype=np.int64)
        index[self.starts[1:]] = 1
        return np.cumsum(index)


def sentences_of(text: str, tokens: Tokens) -> Sentences:
    """:func:`split_sentences`, kept with the tokens (keyed by the text) once made."""
    key = ("sentences", text)
    found = tokens.memo.get(key)
    if found is None:
        found = tokens.memo[key] = split_sentences(text, tokens)
    out: Sentences = found
    return out


class _Stems(dict[str, str]):
    """Words' stems (:func:`stem`), each made on its first lookup: ``STEMS[word]``.

    Looking a known word up costs no Python call, so ``map(STEMS.__getitem__, words)``
    stems a text's words at the speed of a dict.
    """

    def __missing__(self, word: str) -> str:
        if len(self) >= STEMS_KEPT:
            self.clear()
        out = self[word] = stem(word)
        return out


#: Most words :data:`STEMS` holds before it starts again (a vocabulary; memory stays bounded).
STEMS_KEPT = 1 << 17
#: The stem of each word looked up so far.
STEMS = _Stems()


def stems_of(tokens: Tokens) -> list[str]:
    """The stem of every word of ``tokens``, kept with them once made."""
    found = tokens.memo.get("stems")
    if found is None:
        found = tokens.memo["stems"] = list(map(STEMS.__getitem__, tokens.norms))
    out: list[str] = found
    return out


def split_sentences(text: str, tokens: Tokens) -> Sentences:
    """Cut the tokens of ``text`` into sentences at final punctuation and blank lines.

    A token starts a new sentence when the characters between it and the previous token hold
    a sentence break. Sentences shorter than ``MIN_SENTENCE_WORDS`` are joined to the next;
    longer than ``MAX_SENTENCE_WORDS`` are cut into even pieces.
    """
    n = len(tokens)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Sentences(empty, empty)
    marks = np.fromiter((m.start() for m in _BREAK.finditer(text)), dtype=np.int64)
    new = np.zeros(n, dtype=bool)
    new[0] = True
    if len(marks) and n > 1:
        after = np.searchsorted(marks, tokens.ends[:-1], side="left")
        before = np.searchsorted(marks, tokens.starts[1:], side="left")
        new[1:] = before > after
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)
    starts, ends = _join_short(starts, ends)
    return _cut_long(starts, ends)


def _join_short(starts: _Ints, ends: _Ints) -> tuple[_Ints, _Ints]:
    keep_start: list[int] = []
    keep_end: list[int] = []
    pending = -1
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        first = s if pending < 0 else pending
        if e - first < MIN_SENTENCE_WORDS:
            pending = first
            continue
        keep_start.append(first)
        keep_end.append(e)
        pending = -1
    if pending >= 0:
        if keep_end:
            keep_end[-1] = int(ends[-1])
        else:
            keep_start.append(pending)
            keep_end.append(int(ends[-1]))
    return np.array(keep_start, dtype=np.int64), np.array(keep_end, dtype=np.int64)


def _cut_long(starts: _Ints, ends: _Ints) -> Sentences:
    lengths = ends - starts
    if not len(lengths) or lengths.max() <= MAX_SENTENCE_WORDS:
        return Sentences(starts, ends)
    out_s: list[int] = []
    out_e: list[int] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if e - s <= MAX_SENTENCE_WORDS:  # most are
            out_s.append(s)
            out_e.append(e)
            continue
        pieces = -(-(e - s) // MAX_SENTENCE_WORDS)
        # np.linspace(s, e, pieces + 1).round(): the same float steps, rounded half to even.
        step = (e - s) / pieces
        bounds = [round(k * step + s) for k in range(pieces)] + [e]
        out_s.extend(bounds[:-1])
        out_e.extend(bounds[1:])
    return Sentences(np.array(out_s, dtype=np.int64), np.array(out_e, dtype=np.int64))


def stem(word: str) -> str:
    """A crude stem: one common English suffix stripped, then cut to ``STEM_CHARS`` characters.

    Paraphrase evidence only compares stems with each other, so a stem need not be a word;
    it must merely map inflections ("studies", "studied") to one key more often than not.
    Made afresh on each call: :data:`STEMS` keeps them.
    """
    if not word.isalpha():
        return word  # numbers and codes ("covid19", "b12") are kept whole
    if len(word) > 4:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
    return word[:STEM_CHARS]
