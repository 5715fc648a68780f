"""In-text citations of a post: where they are, which authors and years a reader sees in them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from overlap.attribution.citation_names import group_author, initials, is_all_caps, surname_key
from overlap.attribution.citation_shapes import (
    Element,
    Group,
    parse_locator_only,
    parse_narrative,
    parse_parenthetical,
)
from overlap.attribution.citation_signals import find_signal_citations
from overlap.attribution.references import parse_references, reference_list_span

__all__ = ["Citation", "find_citations", "surname_key"]

_OPEN = re.compile(r"\(")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_ABBREVIATION = re.compile(r"[\[(][^\S\n]*([A-Z][A-Z&]{1,7})s?[^\S\n]*[\])]")
_CAPITAL_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")
#: Problems of the names and year a lone locator copies from the citation it completes.
_INHERITED = ("missing_year", "lower_case", "undefined_abbreviation")
#: How far a lone ``(p. 74)`` may sit from the citation it completes.
_CONTINUATION_REACH = 2000


@dataclass(frozen=True)
class Citation:
    """One cited (author group, year) pair, with ``[start, end)`` offsets into the original text.

    Attributes:
        start: Start of this citation; inside a parenthesis with several sources or years, the
            start of this element (``Anchin, 1982a`` then ``1982b``).
        end: End of this citation.
        group_start: Start of the whole citation (the parenthesis, or the narrative name).
        group_end: End of the whole citation.
        authors: Surnames or corporate names as a reader reads them, ``et al.`` dropped; an
            abbreviation is resolved to its corporate name when the text defines it.
        et_al: Whether ``et al.`` was written.
        year: ``"2008"``, ``"1982a"``, ``"n.d."``, or None when no year is given.
        locator: ``"p. 113"``, ``"pp. 4-5"``, ``"para. 2"`` (several joined by ``", "``) or None.
        narrative: Whether the names stand in the sentence, as in ``Author (2008)``.
        problems: Malformations a marker would notice: ``unclosed_parenthesis``,
            ``reference_entry_inline``, ``missing_year``, ``lower_case``, ``stray_period``,
            ``missing_comma``, ``undefined_abbreviation`` (``According to the ACA`` in a text
            that never spells the name out).
        alias: The abbreviation written for a corporate author (``"APA"``), else None.
        continues: True for a lone locator such as ``(p. 74)`` after a quotation; its authors and
            year are copied from the citation it completes.
    """

    start: int
    end: int
    group_start: int
    group_end: int
    authors: tuple[str, ...]
    et_al: bool
    year: str | None
    locator: str | None
    narrative: bool
    problems: tuple[str, ...]
    alias: str | None = None
    continues: bool = False

    @property
    def tentative(self) -> bool:
        """Whether only an undefined abbreviation without a year makes this a citation.

        ``As CBT suggests`` reads like ``As the ACA suggests``: the abbreviation may name a
        therapy or a manual rather than an author, so it can confirm a source whose group
        author it abbreviates but is no evidence of a wrong citation.
        """
        return self.year is None and "undefined_abbreviation" in self.problems


def find_citations(text: str) -> list[Citation]:
    """Find the in-text citations of a post, outside its reference list.

    Ordinary parentheses (``(CBT)``, ``(e.g., grief)``, ``(Week 5)``, ``(p < .05)``) yield
    nothing. Names written in lower case, or without a year, count only when the text cites or
    lists the same name elsewhere, or when the shape leaves no doubt (``(marlowe & okafor, 2014)``,
    ``"..." (Marlowe)``).

    Args:
        text: The post as extracted; offsets refer to it unchanged.

    Returns:
        One Citation per cited author group and year, sorted by offset. A parenthesis citing
        ``(Anchin, 1982a, 1982b; Pincus & Cain, 2008)`` yields three.
    """
    span = reference_list_span(text)
    limit = span[0] if span else len(text)
    first_pass = _groups(text, limit, frozenset())
    aliases = _aliases(text, first_pass)
    cited = _cited(text, first_pass)
    known = cited | frozenset(surname_key(n) for n in [*aliases, *aliases.values()])
    groups = _groups(text, limit, known)
    groups += find_signal_citations(text, limit, cited, aliases, groups)
    return _citations(text, sorted(groups, key=lambda g: g.start), aliases)


def _groups(text: str, limit: int, known: frozenset[str]) -> list[Group]:
    groups: list[Group] = []
    floor = 0
    for m in _OPEN.finditer(text, 0, limit):
        pos = m.start()
        if pos < floor:
            continue
        group = (
            parse_locator_only(text, pos)
            or parse_narrative(text, pos, known, floor)
            or parse_parenthetical(text, pos, known)
        )
        if group is not None:
            groups.append(group)
            floor = group.end
    return groups


def _spelled_out(text: str, end: int, abbreviation: str) -> str | None:
    """The capitalised words just before ``end`` whose initials spell ``abbreviation``."""
    words = list(_CAPITAL_WORD.finditer(text, max(0, end - 120), end))
    for i in range(len(words) - 1, -1, -1):
        candidate = text[words[i].start() : end].strip(" \t,")
        if "\n" in candidate or len(initials(candidate)) > len(abbreviation):
            return None
        if words[i].group()[0].isupper() and initials(candidate) == abbreviation:
            return candidate
    return None


def _aliases(text: str, groups: Iterable[Group]) -> dict[str, str]:
    """Abbreviation -> corporate name: ``[APA]`` after a name, or initials of a cited name."""
    aliases: dict[str, str] = {}
    for m in _ABBREVIATION.finditer(text):
        name = _spelled_out(text, m.start(), m.group(1))
        if name is not None:
            aliases.setdefault(m.group(1), name)
    for group in groups:
        for el in group.elements:
            if el.alias and el.names:
                aliases.setdefault(el.alias, el.names[0].text)
            for written in el.names:
                if len(written.text.split()) > 1 and len(initials(written.text)) > 1:
                    aliases.setdefault(initials(written.text), written.text)
    return aliases


def _cited(text: str, groups: Iterable[Group]) -> frozenset[str]:
    """Surname keys the text cites in parentheses or lists as references."""
    names = [n.text for g in groups for el in g.elements for n in el.names]
    names += [a for ref in parse_references(text) for a in ref.authors]
    return frozenset(surname_key(n) for n in names)


def _resolve(el: Element, aliases: dict[str, str]) -> tuple[tuple[str, ...], str | None]:
    """Authors as a reader reads them, and the abbreviation used for a corporate author."""
    authors: list[str] = []
    alias = el.alias
    for name in el.names:
        written = group_author(name.text) or name.text  # "ACA Code of Ethics": by the ACA
        if is_all_caps(written) and written in aliases:
            authors.append(aliases[written])
            alias = written
        else:
            authors.append(written)
    return tuple(authors), alias


def _antecedent(text: str, done: list[Citation], group: Group) -> Citation | None:
    """The citation a lone locator completes: the last one before it in the same paragraph."""
    if not done:
        return None
    prev = done[-1]
    between = text[prev.group_end : group.start]
    if len(between) > _CONTINUATION_REACH or _BLANK_LINE.search(between):
        return None
    return prev


def _expand(el: Element, group: Group, aliases: dict[str, str]) -> list[Citation]:
    """One Citation per year of an element (one with ``year=None`` when it has none)."""
    authors, alias = _resolve(el, aliases)
    problems = [*el.problems, *group.problems]
    if any(n.lower for n in el.names):
        problems.append("lower_case")
    years: list[tuple[str | None, int, int]] = [*el.years] or [(None, el.start, el.end)]
    found = []
    for k, (year, y_start, y_end) in enumerate(years):
        last = k == len(years) - 1
        found.append(
            Citation(
                start=el.start if k == 0 else y_start,
                end=el.end if last else y_end,
                group_start=group.start,
                group_end=group.end,
                authors=authors,
                et_al=el.et_al,
                year=year,
                locator=el.locator if last else None,
                narrative=group.narrative,
                problems=tuple(dict.fromkeys(problems + ["missing_year"] * (year is None))),
                alias=alias,
            )
        )
    return found


def _citations(text: str, groups: list[Group], aliases: dict[str, str]) -> list[Citation]:
    found: list[Citation] = []
    for group in groups:
        for el in group.elements:
            if el.names:
                found.extend(_expand(el, group, aliases))
            elif prev := _antecedent(text, found, group):
                found.append(
                    Citation(
                        el.start,
                        el.end,
                        group.start,
                        group.end,
                        prev.authors,
                        prev.et_al,
                        prev.year,
                        el.locator,
                        prev.narrative,
                        (*group.problems, *(p for p in prev.problems if p in _INHERITED)),
                        prev.alias,
                        continues=True,
                    )
                )
    return sorted(found, key=lambda c: (c.start, c.end))
