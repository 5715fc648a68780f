"""Grammar of one in-text citation: a parenthesis, a name before ``(year)``, a lone locator."""

from __future__ import annotations

import re
from dataclasses import dataclass

from overlap.attribution.citation_locators import LOCATOR, WS, locator_text, read_locators
from overlap.attribution.citation_names import (
    WORD,
    Name,
    is_all_caps,
    names_before,
    not_a_name,
    surname_key,
)

_H = r"[^\S\n]"
_WS = WS
_WORD = WORD
#: 2008, 1982a (but not 1990s), n.d., in press.
YEAR = r"(?:(?:1[5-9]|20)\d\d(?:[a-z](?<!s))?(?!\w)|n\.[^\S\n]?d\.?(?!\w)|in press\b|forthcoming\b)"
MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_PREFIX = re.compile(
    r"(?:see also|see|cf\.|compare|e\.g\.,?|i\.e\.,?|for example,?|for instance,?"
    rf"|as cited in|as quoted in|quoted in|cited in|adapted from){_H}+",
    re.IGNORECASE,
)
_PARTICLES = re.compile(
    rf"(?:(?:van|von|der|den|de|del|della|da|di|du|la|le|dos|das|ten|ter){_H}+)*"
)
_WORD_RE = re.compile(_WORD)
_NEXT_WORD = re.compile(rf"{_H}+(?:(?:of|for|on|the|in){_H}+)?(?={_WORD})")
_INITIALS = re.compile(rf",?{_H}*[A-Z]\.(?:{_H}*-?{_H}*[A-Z]\.)*(?=\s*[,&(]|\s+and\b)")
_ALIAS = re.compile(rf"{_WS}[\[(]{_H}*(?P<alias>[A-Z][A-Z&\-]*[A-Z])s?{_H}*[\])]")
_AND = re.compile(rf"{_WS},?{_WS}(?:&|and\b){_WS}")
_COMMA = re.compile(rf"{_WS},{_WS}")
_ET_AL = re.compile(rf"{_WS},?{_WS}et\.?{_H}+al\b\.?")
_NOT_AUTHOR = re.compile(rf"et\.?{_H}+al\b|{YEAR}|{LOCATOR.pattern}", re.IGNORECASE)
_ENTRY_YEAR = re.compile(
    rf"{_WS}(?:\.{_WS})?(?:\([A-Z][A-Za-z. ]{{0,24}}\)\.?{_WS})?"
    rf"\({_WS}(?P<y>{YEAR})(?:,[^()\n]{{0,20}})?{_WS}\)"
)
_COMMA_YEAR = re.compile(rf"{_WS},{_WS}(?P<y>{YEAR})")
_BARE_YEAR = re.compile(rf"{_H}+(?P<y>{YEAR})")
_DATE = re.compile(rf",{_WS}{MONTHS}\.?(?:{_H}+\d{{1,2}})?(?!\w)")
_PAGE_NUMBER = re.compile(
    rf"(?:{_H}+|,{_WS})(?P<a>\d{{1,4}})(?:[-\u2013](?P<b>\d{{1,4}}))?(?=\s*[);.])"
)
_ELEMENT_SEP = re.compile(rf"{_WS}(?:;|,?{_H}+as cited in\b){_WS}", re.IGNORECASE)
_LABEL = re.compile(rf"[^;()\n]{{1,40}};{_WS}")
_CLOSE = re.compile(rf"{_WS}(?P<dot>\.)?{_WS}\)")
_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019]?\s+(?=\S)|\n|\(")
_QUOTE_BEFORE = re.compile(r"[\"\u201d\u2019'][^\S\n]*$")
_WS_RE = re.compile(_WS)
_YEAR_FIRST = re.compile(rf"\({_WS}(?={YEAR})")
_YEAR_RE = re.compile(YEAR)


@dataclass(frozen=True)
class Element:
    """One author group with its years inside a citation, as written."""

    start: int
    end: int
    names: tuple[Name, ...]
    alias: str | None
    et_al: bool
    years: tuple[tuple[str, int, int], ...]
    locator: str | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    """A whole citation: one parenthesis (or a narrative name with its parenthesis)."""

    start: int
    end: int
    narrative: bool
    elements: tuple[Element, ...]
    problems: tuple[str, ...]


def normalise_year(raw: str) -> str:
    """Return a year as cited: ``1982a`` unchanged, ``n. d`` as ``n.d.``."""
    return "n.d." if raw[:1].lower() == "n" else raw.lower()


def _author(text: str, pos: int) -> tuple[Name, str | None, int] | None:
    """Read one author (person or corporate) from ``pos``: its name, alias and end.

    Initials after a surname (``Safran, J. D.``, a pasted reference entry) are skipped.
    """
    particles = _PARTICLES.match(text, pos)
    first = _WORD_RE.match(text, particles.end() if particles else pos)
    if first is None or _NOT_AUTHOR.match(text, pos):
        return None
    end = first.end()
    if first.group()[0].isupper():
        while (gap := _NEXT_WORD.match(text, end)) and text[gap.end()].isupper():
            nxt = _WORD_RE.match(text, gap.end())
            if nxt is None or not_a_name(nxt.group()):
                break
            end = nxt.end()
    name = Name(text[pos:end], pos, end)
    alias = _ALIAS.match(text, end)
    if alias:
        end = alias.end()
    initials = _INITIALS.match(text, end)
    return name, alias.group("alias") if alias else None, initials.end() if initials else end


def _author_group(text: str, pos: int) -> tuple[list[Name], str | None, bool, int] | None:
    """Read ``A``, ``A & B``, ``A, B, and C``, ``A et al.``: names, alias, et al., end."""
    first = _author(text, pos)
    if first is None:
        return None
    names, alias, end = [first[0]], first[1], first[2]
    while sep := (_AND.match(text, end) or _COMMA.match(text, end)):
        nxt = _author(text, sep.end())
        if nxt is None or not_a_name(nxt[0].text):
            break
        names.append(nxt[0])
        end = nxt[2]
    et_al = _ET_AL.match(text, end)
    return names, alias, et_al is not None, et_al.end() if et_al else end


def _years(text: str, pos: int) -> tuple[list[tuple[str, int, int]], int, list[str]]:
    """Read the year(s) after an author group, in any of the shapes students write."""
    problems: list[str] = []
    first = _ENTRY_YEAR.match(text, pos)
    if first:
        problems.append("reference_entry_inline")
    else:
        first = _COMMA_YEAR.match(text, pos)
    if first is None and (first := _BARE_YEAR.match(text, pos)):
        problems.append("missing_comma")
    if first is None:
        return [], pos, problems
    years = [(normalise_year(first.group("y")), first.start("y"), first.end("y"))]
    end = first.end()
    while nxt := _COMMA_YEAR.match(text, end):
        years.append((normalise_year(nxt.group("y")), nxt.start("y"), nxt.end("y")))
        end = nxt.end()
    date = _DATE.match(text, end)
    return years, date.end() if date else end, problems


def _plausible(el: Element, known: frozenset[str], after_quote: bool, pages_only: bool) -> bool:
    """Whether an element reads as a citation rather than ordinary words in parentheses."""
    if any(not_a_name(n.text) for n in el.names):
        return False
    is_known = all(surname_key(n.text) in known for n in el.names)
    plain_year = bool(el.years) and "missing_comma" not in el.problems
    if any(len(n.text) < 2 for n in el.names) and not plain_year:
        return False
    if any(n.lower for n in el.names) and not (
        is_known or el.et_al or len(el.names) > 1 or plain_year
    ):
        return False
    if el.years:
        return True
    if len(el.names) == 1 and is_all_caps(el.names[0].text):
        return is_known and after_quote  # "(WHO)" defines an abbreviation
    return is_known or el.et_al or after_quote or (el.locator is not None and not pages_only)


def _element(text: str, pos: int, known: frozenset[str], after_quote: bool) -> Element | None:
    group = _author_group(text, pos)
    if group is None:
        return None
    names, alias, et_al, end = group
    years, end, problems = _years(text, end)
    locators, end, stray = read_locators(text, end)
    pages_only = False
    if not locators and (page := _PAGE_NUMBER.match(text, end)):
        pages = page.group("a") + (f"-{page.group('b')}" if page.group("b") else "")
        locators = [("pp. " if page.group("b") else "p. ") + pages]
        end, pages_only = page.end(), not years
    if stray:
        problems.append("stray_period")
    el = Element(
        pos,
        end,
        tuple(names),
        alias,
        et_al,
        tuple(years),
        ", ".join(locators) or None,
        tuple(problems),
    )
    return el if _plausible(el, known, after_quote, pages_only) else None


def _closing(text: str, pos: int) -> tuple[int, list[str]]:
    """Find where a parenthesis closes after its last element; returns its end and problems."""
    close = _CLOSE.match(text, pos)
    if close:
        return close.end(), ["stray_period"] if close.group("dot") else []
    stop = _SENTENCE_END.search(text, pos)
    limit = stop.start() if stop else len(text)
    paren = text.find(")", pos, min(limit, pos + 150))
    if paren >= 0:
        return paren + 1, []
    return pos, ["unclosed_parenthesis"]


def parse_parenthetical(text: str, pos: int, known: frozenset[str]) -> Group | None:
    """Parse ``(Author, 2008; Other & Else, 2010, p. 4)`` and its malformed kin at ``pos``."""
    after_quote = _QUOTE_BEFORE.search(text, max(0, pos - 3), pos) is not None
    elements: list[Element] = []
    cur = pos + 1
    skipped = False
    while True:
        start = _WS_RE.match(text, cur)
        cur = start.end() if start else cur
        prefix = _PREFIX.match(text, cur)
        el = _element(text, prefix.end() if prefix else cur, known, after_quote)
        if el is None:
            # "(DBT; Linehan, 1993)": a label may precede the sources
            skip = _LABEL.match(text, cur)
            if skip is None or skipped:
                break
            cur, skipped = skip.end(), True
            continue
        elements.append(el)
        cur = el.end
        sep = _ELEMENT_SEP.match(text, cur)
        if sep is None:
            break
        cur = sep.end()
    if not elements:
        return None
    end, problems = _closing(text, elements[-1].end)
    return Group(pos, end, False, tuple(elements), tuple(problems))


def parse_narrative(text: str, pos: int, known: frozenset[str], floor: int) -> Group | None:
    """Parse ``Author (2008)``, ``Author and Other (2008, p. 4)``, ``Author's (2008)``."""
    opening = _YEAR_FIRST.match(text, pos)
    if opening is None:
        return None
    names = names_before(text, pos, floor, known)
    if names is None:
        return None
    group_names, alias, et_al, start = names
    first = _YEAR_RE.match(text, opening.end())
    if first is None:
        return None
    years = [(normalise_year(first.group()), first.start(), first.end())]
    end = first.end()
    while nxt := _COMMA_YEAR.match(text, end):
        years.append((normalise_year(nxt.group("y")), nxt.start("y"), nxt.end("y")))
        end = nxt.end()
    locators, end, stray = read_locators(text, end)
    close, problems = _closing(text, end)
    if stray or "stray_period" in problems:
        problems = [*dict.fromkeys([*problems, "stray_period"])]
    el = Element(
        start, close, group_names, alias, et_al, tuple(years), ", ".join(locators) or None, ()
    )
    return Group(start, close, True, (el,), tuple(problems))


def parse_locator_only(text: str, pos: int) -> Group | None:
    """Parse ``(p. 74)`` or ``(Para. 2)``: a locator completing an earlier citation."""
    opening = _WS_RE.match(text, pos + 1)
    first = LOCATOR.match(text, opening.end() if opening else pos + 1)
    if first is None:
        return None
    locators, end, stray = read_locators(text, first.end())
    close, problems = _closing(text, end)
    if stray:
        problems.append("stray_period")
    el = Element(pos, close, (), None, False, (), ", ".join([locator_text(first), *locators]), ())
    return Group(pos, close, False, (el,), tuple(problems))
