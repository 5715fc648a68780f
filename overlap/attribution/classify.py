"""Classification of aligned passages into finding kinds from their quotes and citations."""

from __future__ import annotations

from dataclasses import dataclass

from overlap.attribution.citation_names import corporate_initials
from overlap.attribution.citations import Citation, surname_key
from overlap.attribution.context import Attribution
from overlap.attribution.quotes import Quote
from overlap.model import Document, Evidence, FindingCitation, FindingQuote, Kind, Role

#: Kind of a match by the role of the other document, before quotes and citations are read.
KIND_OF_ROLE: dict[Role, Kind] = {
    Role.SOURCE: Kind.UNATTRIBUTED_COPY,
    Role.PRIOR: Kind.PRIOR_OVERLAP,
    Role.SUBMISSION: Kind.PEER_OVERLAP,
}


#: An unquoted verbatim copy at least this long with a correct citation lacks quotation marks;
#: a shorter one is a phrase inside a cited paraphrase.
MISSING_MARKS_WORDS = 12


@dataclass(frozen=True)
class Verdict:
    """How a passage is attributed."""

    kind: Kind
    quote: Quote | None
    citation: Citation | None


def first_author_key(source: Document) -> str | None:
    """Comparison key of a source's first author's surname (or corporate name)."""
    if not source.authors:
        return None
    return surname_key(source.authors[0].split(",")[0])


def names_source(citation: Citation, source: Document) -> bool:
    """True if the citation names the source's first author.

    A group author may be named by its initials (``ACA`` for the American Counseling
    Association) when the text never spells the abbreviation out.
    """
    key = first_author_key(source)
    if key is None:
        return False
    short = corporate_initials(source.authors[0])
    return any(surname_key(a) == key or a == short for a in citation.authors)


def year_agrees(citation: Citation, source: Document) -> bool:
    """True if the citation has no year, ``n.d.``, or the source's year (letter suffix allowed)."""
    year = citation.year
    if year is None or year.replace(" ", "").lower() == "n.d." or not source.year:
        return True
    return year.rstrip("abcdefghijklmnopqrstuvwxyz") == source.year.rstrip(
        "abcdefghijklmnopqrstuvwxyz"
    )


def judge_citations(
    context: Attribution, start: int, end: int, source: Document, *, inner: bool = False
) -> tuple[Citation | None, Citation | None]:
    """Return (correct citation, wrong citation) nearest to a passage, either may be None.

    A correct one names the source's first author with its year or none; it wins wherever it
    is in the window (previous, same and next sentence). Otherwise the nearest citation that
    names another work is the wrong one; a tentative one (``As CBT suggests``) is never wrong.
    With ``inner``, citations inside the passage count too (see
    :meth:`~overlap.attribution.context.Attribution.citations_near`).
    """
    rings = context.citations_near(start, end, inner=inner)
    for ring in rings:
        for c in ring:
            if names_source(c, source) and year_agrees(c, source):
                return c, None
    for ring in rings:
        wrong = [c for c in ring if not c.tentative]
        if wrong:
            return None, wrong[0]
    return None, None


def classify(
    context: Attribution,
    start: int,
    end: int,
    words: int,
    source: Document,
    evidence: Evidence = Evidence.EXACT,
) -> Verdict:
    """Kind of a passage ``[start, end)`` of a submission matched to ``source``.

    A copy (``exact`` or ``edited`` evidence) is judged by its quotation marks and citation.
    A passage resting on paraphrase evidence alone is not a quotation: it is an
    ``attributed_paraphrase`` when a citation nearby names the source, else an
    ``uncited_paraphrase`` (with the wrong citation, if one is near, for a reader to see).
    """
    if source.role is not Role.SOURCE:
        return Verdict(KIND_OF_ROLE[source.role], None, None)
    quote = context.quote_over(start, end)
    span = (quote.start, quote.end) if quote else (start, end)
    reworded = evidence is Evidence.PARAPHRASE and quote is None
    correct, wrong = judge_citations(context, *span, source, inner=reworded)
    if reworded:
        if correct:
            return Verdict(Kind.ATTRIBUTED_PARAPHRASE, None, correct)
        return Verdict(Kind.UNCITED_PARAPHRASE, None, wrong)
    if quote is not None:
        if correct:
            return Verdict(Kind.ATTRIBUTED_QUOTE, quote, correct)
        if wrong:
            return Verdict(Kind.MISCITED, quote, wrong)
        return Verdict(Kind.MISSING_CITATION, quote, None)
    if correct:
        kind = (
            Kind.MISSING_QUOTATION_MARKS
            if words >= MISSING_MARKS_WORDS
            else Kind.ATTRIBUTED_PARAPHRASE
        )
        return Verdict(kind, None, correct)
    if wrong:
        return Verdict(Kind.MISCITED, None, wrong)
    return Verdict(Kind.UNATTRIBUTED_COPY, None, None)


def finding_quote(quote: Quote | None) -> FindingQuote | None:
    """A quote as a finding holds it (the parts the findings contract gives)."""
    if quote is None:
        return None
    return FindingQuote(quote.start, quote.end, quote.mark, quote.closed, quote.bound)


def finding_citation(citation: Citation | None) -> FindingCitation | None:
    """A citation as a finding holds it (the parts the findings contract gives).

    ``start``/``end`` hold the cited work (``Pincus & Cain, 2008, p. 113``); ``group_start``/
    ``group_end`` the whole citation it stands in, parentheses included (``(Anchin, 1982a;
    Pincus & Cain, 2008, p. 113)``, ``(Hale, 2018)``, or the narrative ``Hale (2018)``).
    """
    if citation is None:
        return None
    return FindingCitation(
        start=citation.start,
        end=citation.end,
        group_start=citation.group_start,
        group_end=citation.group_end,
        authors=citation.authors,
        et_al=citation.et_al,
        year=citation.year,
        locator=citation.locator,
        narrative=citation.narrative,
        problems=citation.problems,
    )
