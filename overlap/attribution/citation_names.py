"""Author names in citations: comparison keys, words that are not names, names read backwards."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_H = r"[^\S\n]"
#: One word of a name: letters, with inner apostrophes or hyphens (O'Brien, Ferreira-Lund).
WORD = r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*"
_BACK_TOKEN = re.compile(rf"et\.?{_H}+al\b\.?|\[[A-Z][A-Z&\-]*[A-Z]s?\]|{WORD}|&|\S")
_PARTICLE_WORDS = "van von der den de del della da di du la le dos das ten ter"
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
_CONNECTORS = frozenset(("of", "for"))
_FRAMES = frozenset(("as", "to", "by", "per", "see"))
#: Reporting verbs that follow a narrative citation: "As marlowe (2014) put it".
_VERB_WORDS = (
    "add adds added argue argues argued assert asserts asserted caution cautions cautioned "
    "claim claims claimed conclude concludes concluded contend contends contended define defines "
    "defined demonstrate demonstrates demonstrated describe describes described discuss discusses "
    "discussed emphasize emphasizes emphasized emphasise emphasises emphasised explain explains "
    "explained find finds found give gives gave highlight highlights highlighted identify "
    "identifies identified indicate indicates indicated make makes made mention mentions "
    "mentioned note notes noted observe observes observed offer offers offered point points "
    "pointed propose proposes proposed put puts recommend recommends recommended remind reminds "
    "reminded report reports reported say says said show shows showed state states stated "
    "suggest suggests suggested warn warns warned write writes wrote"
)
_VERBS = frozenset(_VERB_WORDS.split())
#: Capitalised words that start sentences or label things, never a cited author on their own.
_NOT_NAME_WORDS = (
    "about according additionally after also although an and another appendix around as at "
    "author authors autumn because before between both but by ca chapter chap ch circa class "
    "copyright course day during eg edition ed eds est even example experiment fall figure fig "
    "following for founded from furthermore group hence her here his however ie if in "
    "indeed instance it its item january february march april june july august september "
    "october november december jan feb mar apr jun jul aug sep sept oct nov dec last lecture "
    "lesson level like likewise module moreover my next no note notes now of on once or our "
    "page pages para paragraph part per phase professor prof dr doctor published question "
    "reading research researcher researchers retrieved revised room section see semester session "
    "similarly since so spring stage step still study summer table term that the their then "
    "there therefore these they this those though thus to type under unit unlike until updated "
    "version vol volume we week weeks what when where which while who whose winter with within "
    "without year years yet you"
)
_NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
#: Head words of a group author: "American Counseling Association", "Office of ...".
_HEAD_WORDS = (
    "Academy Administration Agency Alliance Association Associations Authority Board Bureau "
    "Center Centers Centre Centres Clinic Coalition College Commission Committee Consortium "
    "Corporation Council Department Division Federation Foundation Hospital Institute "
    "Institutes League Ministry Network Office Organization Organisation Organizations "
    "Organisations Panel Partnership School Service Services Society Trust Union University"
)
HEAD_WORDS = frozenset(_HEAD_WORDS.split())
#: Words that join the parts of a group author's name ("Centers for Disease Control and ...").
JOINERS = frozenset(("of", "for", "on", "and", "the", "in", "&"))
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})


def surname_key(name: str) -> str:
    """Return a key for comparing author names: case-folded, accents and punctuation dropped.

    Args:
        name: A surname or corporate name as written, e.g. ``"Ferreira-Lund"`` or ``"Núñez"``.

    Returns:
        Letters and digits only, e.g. ``"ferreiralund"``, ``"nunez"``.
    """
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def initials(name: str) -> str:
    """The initials of a name's capitalised words, joiners left out: ``APA``, ``NIMH``."""
    return "".join(w[0] for w in name.split() if w not in JOINERS and w[:1].isupper())


def is_corporate(name: str) -> bool:
    """Whether ``name`` reads as a group author: two capitalised words or more, one a head word.

    ``American Counseling Association`` and ``National Institute of Mental Health`` are;
    ``Cognitive Behavioral Therapy`` and ``Beck Depression Inventory`` are not.
    """
    words = name.split()
    return len(initials(name)) >= 2 and any(w in HEAD_WORDS for w in words)


def corporate_initials(name: str) -> str | None:
    """The abbreviation a group author is known by (``ACA``), or None for a personal name.

    Args:
        name: An author as listed in a source's metadata: ``American Counseling Association``
            or ``Marlowe, T.`` (a personal name, written with a comma).
    """
    if "," in name or not is_corporate(name):
        return None
    return initials(name)


def group_author(name: str) -> str | None:
    """The group author of a work named in its author's place, or None.

    ``ACA Code of Ethics`` gives ``ACA``; ``American Counseling Association Code of Ethics``
    gives ``American Counseling Association`` (the title starts where a capitalised word
    follows the last head word without a joiner). A plain name gives None.
    """
    words = name.split()
    acronym = len(words) > 1 and is_all_caps(words[0]) and words[0].replace("&", "").isalpha()
    if acronym and words[1][:1].isupper():
        return words[0]
    heads = [k for k, w in enumerate(words) if w in HEAD_WORDS]
    if not heads or heads[-1] == len(words) - 1 or not is_corporate(name):
        return None
    follows = words[heads[-1] + 1]
    if follows in JOINERS or not follows[:1].isupper():
        return None
    return " ".join(words[: heads[-1] + 1])


def not_a_name(name: str) -> bool:
    """Whether ``name`` (or its first word) is an ordinary word like ``Week`` or ``See``."""
    words = name.split()
    if not words:
        return True
    if is_all_caps(name):  # an abbreviation such as WHO is not the word "who"
        return False
    return surname_key(words[0]) in _NOT_NAMES or surname_key(name) in _NOT_NAMES


def is_all_caps(name: str) -> bool:
    """Whether ``name`` is one all-capitals word such as ``APA`` (maybe an alias)."""
    return len(name) >= 2 and " " not in name and name.isupper()


@dataclass(frozen=True)
class Name:
    """One author as written in the text, with its offsets."""

    text: str
    start: int
    end: int

    @property
    def lower(self) -> bool:
        """Whether the name is written in lower case (ignoring particles such as ``van``)."""
        words = [w for w in self.text.split() if w not in _PARTICLES] or self.text.split()
        return bool(words) and not words[0][:1].isupper()


Token = tuple[str, int, int]


def _strip_possessive(word: str) -> str:
    return word[:-2] if word[-2:] in ("'s", "\u2019s") else word


def _run_back(text: str, toks: list[Token], i: int) -> int:
    """Index of the first token of the capitalised run (with of/for inside) ending at ``i``."""
    j = i
    while j > 0 and i - j < 6 and "\n" not in text[toks[j - 1][2] : toks[j][1]]:
        prev = toks[j - 1][0]
        if prev[:1].isupper() and prev[0].isalpha():
            j -= 1
        elif prev in _CONNECTORS and j > 1 and toks[j - 2][0][:1].isupper():
            j -= 2
        else:
            break
    while j < i and (toks[j][0] in _CONNECTORS or not_a_name(toks[j][0])):
        j += 1
    return j


def _name_back(text: str, toks: list[Token], i: int, allow_lower: bool) -> tuple[Name, int] | None:
    """Read one author ending at token ``i``; returns it and the index of the token before it."""
    if i < 0 or not toks[i][0][0].isalpha() or toks[i][0].startswith("et"):
        return None
    word, start, end = toks[i]
    word = _strip_possessive(word)
    if len(word) < 2:
        return None
    if not word[0].isupper():
        if not allow_lower or not_a_name(word) or word in _PARTICLES:
            return None
        return Name(word, start, start + len(word)), i - 1
    j = _run_back(text, toks, i)
    if j == i or (j == i - 1 and toks[i - 1][0] not in _CONNECTORS):
        name = Name(word, start, start + len(word))
        first = j
    else:
        name = Name(_strip_possessive(text[toks[j][1] : end]), toks[j][1], end)
        first = j
    if not_a_name(name.text):
        return None
    return Name(name.text, toks[first][1], name.start + len(name.text)), first - 1


def _verb_after(text: str, pos: int) -> bool:
    m = re.compile(r"\([^()\n]{0,40}\)[^\S\n]*,?[^\S\n]*(?:also[^\S\n]+)?([^\W\d_]+)").match(
        text, pos
    )
    return m is not None and m.group(1).casefold() in _VERBS


def names_before(
    text: str, pos: int, floor: int, known: frozenset[str]
) -> tuple[tuple[Name, ...], str | None, bool, int] | None:
    """Read the author names of a narrative citation that end just before ``text[pos]``.

    Args:
        text: The whole text.
        pos: Offset of the ``(`` that opens the year.
        floor: Names may not start before this offset (the end of the previous citation).
        known: Surname keys cited elsewhere in the text; lower-case names must be known or framed
            ("As marlowe (2014) put it").

    Returns:
        The names, an alias in brackets, whether ``et al.`` was written, and where the names start;
        None when no name stands there.
    """
    toks: list[Token] = [
        (m.group(), m.start(), m.end())
        for m in _BACK_TOKEN.finditer(text, max(floor, pos - 200), pos)
    ]
    i = len(toks) - 1
    alias = None
    if i >= 0 and toks[i][0].startswith("["):
        alias, i = toks[i][0][1:-1], i - 1
    if i >= 1 and toks[i][0] in ("'", "\u2019"):
        i -= 1
    et_al = i >= 0 and toks[i][0].startswith("et") and toks[i][0] != "et"
    i -= et_al
    last = _name_back(text, toks, i, allow_lower=True)
    if last is None:
        return None
    names, i = [last[0]], last[1]
    lower = last[0].lower
    if i >= 0 and toks[i][0] in ("and", "&"):
        j = i - 1 - (i >= 1 and toks[i - 1][0] == ",")
        while (got := _name_back(text, toks, j, lower)) is not None and got[0].lower == lower:
            names.insert(0, got[0])
            i = got[1]
            if i < 1 or toks[i][0] != ",":
                break
            j = i - 1
    if lower:
        framed = i >= 0 and toks[i][0].casefold() in _FRAMES
        known_names = all(surname_key(n.text) in known for n in names)
        if not (known_names or framed or _verb_after(text, pos)):
            return None
    return tuple(names), alias, et_al, names[0].start
