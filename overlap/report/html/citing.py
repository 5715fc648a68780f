"""A finding's citation on its card: the whole citation outlined, the work that matched marked."""

from __future__ import annotations

from dataclasses import dataclass

from overlap.model import Finding, FindingCitation, Kind
from overlap.report.html.markup import esc
from overlap.report.html.text import Marked

#: Kinds whose citation names the passage's source: one work of it matched.
CITED_RIGHT = frozenset(
    (Kind.ATTRIBUTED_QUOTE, Kind.ATTRIBUTED_PARAPHRASE, Kind.MISSING_QUOTATION_MARKS)
)
#: Kinds whose citation nearby names other works only.
CITED_WRONG = frozenset((Kind.MISCITED, Kind.UNCITED_PARAPHRASE))
#: What screen readers hear around the whole citation and around the work that matched.
CITATION_LABEL = "citation"
WRONG_CITATION_LABEL = "citation of other works"
MATCHED_LABEL = "the work that matches the source"


@dataclass(frozen=True)
class Cited:
    """Where a finding's citation stands in its submission's text.

    Attributes:
        start: Start of the cited work the finding was judged by.
        end: Its end.
        group_start: Start of the whole citation (``(Anchin, 1982a; Pincus & Cain, 2008)``).
        group_end: Its end.
        several: The citation names more than that work.
    """

    start: int
    end: int
    group_start: int
    group_end: int
    several: bool


def cited(f: Finding, text: str) -> Cited | None:
    """Where ``f``'s citation stands in ``text``, or None without one inside the text.

    A citation with no group range of its own (or one that does not hold the work) is its
    own group.
    """
    citation = f.citation
    if citation is None or not 0 <= citation.start <= citation.end <= len(text):
        return None
    start, end = citation.start, citation.end
    g0, g1 = citation.group_start, citation.group_end
    if not 0 <= g0 <= start <= end <= g1:
        g0, g1 = start, end
    g1 = min(g1, len(text))
    rest = text[g0:start] + text[end:g1]
    return Cited(start, end, g0, g1, several=any(ch.isalnum() for ch in rest))


def citation_ranges(f: Finding, text: str) -> list[Marked]:
    """The ranges to mark on the card: the whole citation, and inside it the work that matched.

    The whole citation is outlined; when it names several works and one of them is the
    source, that work is marked too (bold, underlined, and labelled for screen readers).
    """
    c = cited(f, text)
    if c is None:
        return []
    label = WRONG_CITATION_LABEL if f.kind in CITED_WRONG else CITATION_LABEL
    ranges = [Marked(c.group_start, c.group_end, "cite", label)]
    if c.several and f.kind in CITED_RIGHT:
        ranges.append(Marked(c.start, c.end, "cite-work", MATCHED_LABEL))
    return ranges


def _details(citation: FindingCitation) -> list[str]:
    """The parsed work, in words: its authors, year, locator and form."""
    names = ", ".join(citation.authors)
    parts = [f"authors {esc(names + (' et al.' if citation.et_al else ''))}"]
    parts.append(f"year {esc(citation.year or 'none')}")
    if citation.locator:
        parts.append(esc(citation.locator))
    parts.append("narrative" if citation.narrative else "parenthetical")
    return parts


def citation_words(f: Finding, text: str, actual: str) -> str:
    """The citation as written and as parsed, as HTML; what is wrong with it in red.

    Args:
        f: A finding with a citation.
        text: Its submission's text.
        actual: A few words naming the passage's source, for a citation naming another work.

    Returns:
        The whole citation as written; for one of several works, which work matched the
        source (or that none did); the parsed authors, year, locator and form of the work
        the finding was judged by; its problems; and for a wrong citation where the passage
        is really from. Empty for a finding without a citation.
    """
    citation = f.citation
    if citation is None:
        return ""
    c = cited(f, text)
    written = f"“{esc(text[c.group_start : c.group_end])}”" if c else ""
    if c is not None and c.several and f.kind in CITED_RIGHT:
        work = esc(text[c.start : c.end])
        parts = [f'{esc(MATCHED_LABEL)}: <b class="cite-work">“{work}”</b>', *_details(citation)]
    elif c is not None and c.several:
        parts = ["none of the works it names is the source"] if f.kind in CITED_WRONG else []
    else:
        parts = _details(citation)
    if citation.problems:
        listed = ", ".join(p.replace("_", " ") for p in citation.problems)
        parts.append(f'<span class="problem">problems: {esc(listed)}</span>')
    shown = " — ".join(x for x in (written, "; ".join(parts)) if x)
    if f.kind in CITED_WRONG:
        shown += f'<br><span class="problem">but the passage is from {esc(actual)}</span>'
    return shown
