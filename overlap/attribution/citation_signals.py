"""Narrative citations without a year, read from the signal phrase around an author's name.

``As the American Counseling Association points out, "..." (para. 5)``, ``According to the
ACA, ...`` and ``Marlowe notes that ...`` name an author but give no year. A name counts only
in a signal phrase (``according to``, ``in the words of``, ``as noted by`` before it, or a
reporting verb after it: ``... states``, ``as ... points out``), and only when it is plainly an
author: a group author (capitalised words with a head word such as ``Association``), an
abbreviation, or a surname the text cites or lists elsewhere.

An abbreviation the text never spells out (``As CBT suggests``, ``According to the DSM``)
cannot be told from the name of a therapy or a manual. Its citation reports
``undefined_abbreviation`` and is tentative (see ``Citation.tentative``): it can match a
source whose group author it abbreviates, never stand as a wrong citation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from overlap.attribution.citation_names import (
    HEAD_WORDS,
    JOINERS,
    WORD,
    Name,
    is_all_caps,
    is_corporate,
    not_a_name,
    surname_key,
)
from overlap.attribution.citation_phrases import signalled
from overlap.attribution.citation_shapes import Element, Group

__all__ = ["find_signal_citations"]

_H = r"[^\S\n]"
_TOKEN = re.compile(rf"(?<![\w\-])(?:(?:[A-Z]\.){{2,}}|{WORD})|&")
_GAP = re.compile(rf"{_H}+")
_POSSESSIVE = re.compile(r"['\u2019]s$")
#: A stretch without white space that holds a capital or a letter outside ASCII (of which
#: some are capitals): the only stretches where a run can start.
_MAY_START = re.compile(r"(?<!\S)[^\sA-Z\x80-\U0010ffff]*[A-Z\x80-\U0010ffff]\S*")
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
#: Joiners that never join a run here: "the" alone ("Today the ACA"), "in" ("... Center in
#: Miami").
_NOT_JOINING = frozenset(("the", "in"))
#: Joiners that "the" may follow inside a name: "Society for the Advancement of ...".
_BEFORE_THE = frozenset(("of", "for", "on"))
_ET_AL = re.compile(rf"{_H}*,?{_H}*et\.?{_H}+al\b\.?")
_ALIAS_DEF = re.compile(rf"{_H}*[\[(]{_H}*(?P<alias>[A-Z][A-Z&]*[A-Z])s?{_H}*[\])]")

Token = tuple[str, int, int]


def find_signal_citations(
    text: str,
    limit: int,
    cited: frozenset[str],
    aliases: Mapping[str, str],
    taken: Sequence[Group],
) -> list[Group]:
    """Find names cited by a signal phrase without a year, outside the citations already found.

    Args:
        text: The post; offsets refer to it unchanged.
        limit: Where the reference list starts (or the length of the text).
        cited: Surname keys the text cites with a year or lists as references; a personal
            name counts only when it is one of them.
        aliases: Abbreviation -> name the text spells out (``ACA`` -> ``American Counseling
            Association``).
        taken: Citations found by their parentheses; a name inside one is not read again.

    Returns:
        One narrative Group per signal phrase, with one Element without years.
    """
    found: list[Group] = []
    for run in _runs(text, limit):
        group = _signal(text, run, cited, aliases)
        if group is not None and not any(
            g.start < group.end and group.start < g.end for g in taken
        ):
            found.append(group)
    return found


def _capital(text: str, tok: Token) -> bool:
    word, _, end = tok
    follows = text[end : end + 1]
    long_enough = len(word) > 1  # "I" and "A" are no names here
    return long_enough and word[:1].isupper() and follows != "-" and not follows.isdigit()


def _joined(text: str, a: Token, b: Token) -> bool:
    gap = _GAP.fullmatch(text, a[2], b[1])
    return gap is not None


def _runs(text: str, limit: int) -> Iterator[list[Token]]:
    """Runs of capitalised words on one line, joined by ``of``/``for``/``and``/``&``/...

    A possessive (``ACA's``) ends its run; ``the`` joins only after ``of``/``for``/``on``
    (``Society for the Advancement``), so ``Today the ACA`` is two runs.

    A post has hundreds of words and a few capitalised ones. No token holds white space, so
    the tokens read from just after white space are those read from the start of the text:
    only the stretches without white space that hold a capital (or a letter outside ASCII)
    are read for the start of a run, and the words after a start only as far as its run goes.
    """
    taken = 0  # where the last run ended: a capital before it starts none
    for stretch in _MAY_START.finditer(text, 0, limit):
        for m in _TOKEN.finditer(text, stretch.start(), stretch.end()):
            if m.start() < taken or not m.group()[:1].isupper():
                continue
            first = (m.group(), m.start(), m.end())
            if not _capital(text, first):
                continue
            run = _run(text, first, _TOKEN.finditer(text, m.end(), limit))
            yield run
            taken = run[-1][2]


def _run(text: str, first: Token, after: Iterator[re.Match[str]]) -> list[Token]:
    """The run that starts with ``first``; ``after`` reads the tokens that follow it."""
    following: list[Token] = []

    def tok(k: int) -> Token | None:  # the k-th token after ``first``
        while len(following) <= k:
            m = next(after, None)
            if m is None:
                return None
            following.append((m.group(), m.start(), m.end()))
        return following[k]

    run = [first]
    while not _POSSESSIVE.search(run[-1][0]):
        k, prev = len(run) - 1, run[-1]
        joiners: list[Token] = []
        while len(joiners) < 2:
            t = tok(k)
            if t is None or t[0] not in JOINERS or not _joined(text, prev, t):
                break
            joiners.append(t)
            prev, k = t, k + 1
        t = tok(k)
        if t is None or not _joined(text, prev, t):
            break
        if not _capital(text, t) or not _joins(joiners):
            break
        run += [*joiners, t]
    return run


def _joins(joiners: list[Token]) -> bool:
    words = [w for w, _, _ in joiners]
    if not words or words[0] in _NOT_JOINING:
        return not words
    return words[1:] in ([], ["the"]) and (len(words) == 1 or words[0] in _BEFORE_THE)


def _bare(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _strip(run: list[Token]) -> list[Token]:
    """Drop the words that open a sentence or a phrase: ``As``, ``The``, ``However``."""
    i = 0
    while i < len(run) and (run[i][0] in JOINERS or not_a_name(_bare(run[i][0]))):
        i += 1
    return run[i:]


def _name(text: str, first: Token, last: Token) -> Name:
    words = text[first[1] : last[2]]
    bare = _bare(words)
    return Name(bare, first[1], first[1] + len(bare))


def _corporate(text: str, run: list[Token]) -> tuple[Name, int] | None:
    """The group author opening ``run``, and how many of its words it takes.

    The name ends where, just after its last head word, a capitalised word that is not one
    starts the title of a work (``American Counseling Association Code of Ethics``); words
    joined by ``of``/``for``/``and`` still belong to it (``Institute of Mental Health``). A name
    before ``of`` without a head word is a person or a work of the group (``Hopewell of the
    General Hospital``, ``Journal of the American Medical Association``), not the group.
    """
    heads = [k for k, t in enumerate(run) if _bare(t[0]) in HEAD_WORDS]
    joiners = [k for k, t in enumerate(run) if t[0] in JOINERS]
    if not heads or (joiners and run[joiners[0]][0] == "of" and heads[0] > joiners[0]):
        return None
    end = heads[-1]
    for k in range(heads[-1] + 1, len(run)):
        word = _bare(run[k][0])
        if word in JOINERS:
            continue
        if _bare(run[k - 1][0]) in HEAD_WORDS and word not in HEAD_WORDS:
            break
        end = k
    name = _name(text, run[0], run[end])
    return (name, end + 1) if is_corporate(name.text) else None


def _people(
    text: str, run: list[Token], cited: frozenset[str], et_al: bool
) -> tuple[Name, ...] | None:
    """``Marlowe``, ``Marlowe and Okafor``, ``Aaron Beck``: surnames the text cites elsewhere.

    With ``et al.`` after them, the names are an author group whether cited elsewhere or not.
    """
    parts: list[list[Token]] = [[]]
    for tok in run:
        if tok[0] in ("and", "&"):
            parts.append([])
        elif tok[0] in JOINERS:
            return None
        else:
            parts[-1].append(tok)
    names: list[Name] = []
    for part in parts:
        if not part:
            return None
        whole = _name(text, part[0], part[-1])
        last = _name(text, part[-1], part[-1])
        if surname_key(whole.text) in cited:
            names.append(whole)
        elif surname_key(last.text) in cited or et_al:
            names.append(last)
        else:
            return None
    return tuple(names)


def _author(
    text: str, run: list[Token], cited: frozenset[str], aliases: Mapping[str, str], et_al: bool
) -> tuple[tuple[Name, ...], int, tuple[str, ...]] | None:
    """The author(s) a run opens with, how many words they take, and their problems."""
    word, start, _ = run[0]
    short = _bare(word)
    if is_all_caps(short) and _ACRONYM.fullmatch(short):
        name = Name(short, start, start + len(short))
        spelled = aliases.get(short)
        if spelled is None:
            return (name,), 1, ("undefined_abbreviation",)
        if is_corporate(spelled) or surname_key(spelled) in cited:
            return (name,), 1, ()
        return None  # the text spells it out as something else: a therapy, a test
    corporate = _corporate(text, run)
    if corporate is not None:
        return (corporate[0],), corporate[1], ()
    people = _people(text, run, cited, et_al)
    return (people, len(run), ()) if people else None


def _signal(
    text: str, run: list[Token], cited: frozenset[str], aliases: Mapping[str, str]
) -> Group | None:
    run = _strip(run)
    if not run:
        return None
    after = run[-1][2] - (2 if _POSSESSIVE.search(run[-1][0]) else 0)
    author = _author(text, run, cited, aliases, _ET_AL.match(text, after) is not None)
    if author is None:
        return None
    names, taken, problems = author
    end = names[-1].end
    et_al = _ET_AL.match(text, end) if taken == len(run) else None
    alias = _ALIAS_DEF.match(text, end) if taken == len(run) and not et_al else None
    extra = et_al or alias
    plural = len(names) > 1 or et_al is not None
    if not signalled(text, names[0].start, extra.end() if extra else after, plural):
        return None
    el = Element(
        names[0].start,
        extra.end() if extra else end,
        names,
        alias.group("alias") if alias else None,
        et_al is not None,
        (),
        None,
        problems,
    )
    return Group(el.start, el.end, True, (el,), ())
