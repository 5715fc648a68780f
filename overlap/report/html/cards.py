"""A finding's card: the passage beside the text it matches, its scores, quote and citation."""

from __future__ import annotations

from collections.abc import Mapping

from overlap.model import Document, Evidence, Finding, FindingQuote, Kind, Role
from overlap.report.html.characters import disguises
from overlap.report.html.citing import citation_ranges, citation_words
from overlap.report.html.diff import WordDiff, diff_html, word_diff
from overlap.report.html.legend import decision_class, diff_key, finding_help, kind_class, marker
from overlap.report.html.markup import attrs, css_class, esc, page_href
from overlap.report.html.page import span, when
from overlap.report.html.review import decision_line, review_section
from overlap.report.html.site import Site
from overlap.report.html.text import Marked, excerpt
from overlap.report.kinds import also_wrong

_MARKS = {
    "double": "double quotation marks",
    "single": "single quotation marks",
    "curly_double": "curly double quotation marks",
    "curly_single": "curly single quotation marks",
    "low_high": "low-high quotation marks („…“)",
    "guillemets": "guillemets («…»)",
    "block": "a block quote (set off by indentation, without quotation marks)",
    "markdown": "a block quote (lines starting with >)",
}


#: Kinds of a copy standing outside quotation marks.
_COPIES = (Kind.UNATTRIBUTED_COPY, Kind.MISSING_QUOTATION_MARKS)

_HEADINGS = {Role.SOURCE: "Source", Role.PRIOR: "Prior-term post", Role.SUBMISSION: "Other student"}
#: The other side of a finding as the word-by-word comparison names it.
_OTHER = {
    Role.SOURCE: "the source",
    Role.PRIOR: "the prior-term post",
    Role.SUBMISSION: "the other submission",
}


def _authors(doc: Document) -> str:
    names = list(doc.authors)
    if len(names) > 1:
        return "; ".join(names[:-1]) + " & " + names[-1]
    return names[0] if names else ""


def describe(doc: Document | None, f: Finding, site: Site, me: Document | None) -> str:
    """Who or what the other side of a finding is, as HTML: a source, a prior post, a peer."""
    if doc is None:
        return f'<p class="meta"><span class="path">{esc(f.source_path or "")}</span></p>'
    path = f'<span class="path">{esc(doc.path)}</span>'
    if doc.role is Role.SOURCE:
        title = f"<cite>{esc(doc.title or doc.path)}</cite>"
        by = esc(" ".join(x for x in [_authors(doc), f"({doc.year})" if doc.year else ""] if x))
        return f'<p class="meta"><span class="who">{title}</span><br>{by}<br>{path}</p>'
    name = esc(site.names.get(doc.id) or doc.student or "unknown student")
    if doc.role is Role.PRIOR:
        term = f", {esc(doc.term)}" if doc.term else ""
        at = f", submitted {esc(when(doc.submitted_at))}" if doc.submitted_at else ""
        return f'<p class="meta">Post by <span class="who">{name}</span>{term}{at}<br>{path}</p>'
    order = ""
    if doc.submitted_at and me and me.submitted_at:
        if doc.submitted_at < me.submitted_at:
            order = ' — <span class="first">submitted before this one</span>'
        elif doc.submitted_at > me.submitted_at:
            order = " — submitted after this one"
    at = (
        f"submitted {esc(when(doc.submitted_at))}"
        if doc.submitted_at
        else "submission time unknown"
    )
    link = site.mirror(f)
    if link:
        href = page_href(link[0], fragment=f"f{link[1]}")
        name = f"<a{attrs(href=href)}>{name}</a>"
    many = ""
    if f.shared_by and f.shared_by > 2:
        many = (
            f"<br>One of {f.shared_by} submissions that share this passage, compared here with "
            "the earliest of the others; the overview lists them all."
        )
    return f'<p class="meta"><span class="who">{name}</span>, {at}{order}<br>{path}{many}</p>'


def source_label(doc: Document | None, f: Finding, names: Mapping[str, str] | None = None) -> str:
    """A few words naming the other side of a finding: ``Okonkwo 2022``, a student, a path.

    ``names`` gives the name the report gives each submission of the batch, by id.
    """
    if f.kind is Kind.COMMON_PHRASING:
        return f"shared by {f.shared_by} submissions"
    if f.source is None:
        return "no source found"
    if doc is None:
        return f.source_path or f.source
    if doc.role is Role.SOURCE:
        surname = doc.authors[0].split(",")[0].strip() if doc.authors else ""
        extra = (
            " et al."
            if len(doc.authors) > 2
            else f" & {doc.authors[1].split(',')[0]}"
            if len(doc.authors) == 2
            else ""
        )
        named = f"{surname}{extra} {doc.year or ''}".strip()
        return named or doc.label
    who = (names or {}).get(doc.id) or doc.student or doc.path
    return f"prior post by {who}" if doc.role is Role.PRIOR else who


def _quote(quote: FindingQuote) -> str:
    mark = _MARKS.get(quote.mark, quote.mark)
    closed = "" if quote.closed else ', <span class="problem">not closed</span>'
    return f"{esc(mark)}{closed}, characters {esc(span(quote.start, quote.end))}"


def _scores(f: Finding) -> str:
    scores = [
        ("words", str(f.words)),
        ("characters", span(f.start, f.end)),
    ]
    if f.source is not None:
        scores += [("TF-IDF cosine", f"{f.tfidf:.2f}"), ("containment", f"{f.containment:.2f}")]
        if f.semantic is not None:
            scores.append(("meaning similarity", f"{f.semantic:.2f}"))
        scores.append(("source characters", span(f.source_start, f.source_end)))
    items = "".join(f"<div><dt>{esc(n)}</dt><dd>{esc(v)}</dd></div>" for n, v in scores)
    return f'<dl class="scores">{items}</dl>'


def _mine(f: Finding, me: Document | None) -> str:
    """The left pane: the passage in its submission, with the citation if one is near."""
    if me is None:
        shown = esc(f.text)
    else:
        passage = Marked(f.start, f.end, f"hl {kind_class(f.kind)}")
        shown = excerpt(me.text, [passage, *citation_ranges(f, me.text)], disguises(me.text))
    return (
        '<section class="side mine"><h4>This submission</h4>'
        f'<p class="meta">characters {span(f.start, f.end)}</p>'
        f"<blockquote>{shown}</blockquote></section>"
    )


def _theirs(f: Finding, site: Site, me: Document | None, other: Document | None) -> str:
    """The right pane: the matched passage in its source, prior post or other submission."""
    if f.kind is Kind.COMMON_PHRASING:
        heading = "Shared by"
        body = (
            f'<p class="none">{f.shared_by} submissions of this scan share this passage: '
            "common phrasing, not counted toward similarity. The overview lists them.</p>"
        )
    elif f.source is None:
        heading = "Source"
        body = '<p class="none">No source in the corpus matches this passage.</p>'
    elif other is None:
        heading = "Source"
        body = f'{describe(other, f, site, me)}<p class="none">The text is not in the report.</p>'
    else:
        heading = _HEADINGS.get(other.role, "Source")
        ranges = [(f.source_start or 0, f.source_end or 0, f"hl {kind_class(f.kind)}")]
        shown = excerpt(other.text, ranges, disguises(other.text))
        body = f"{describe(other, f, site, me)}<blockquote>{shown}</blockquote>"
    return f'<section class="side theirs"><h4>{esc(heading)}</h4>{body}</section>'


def _attribution(f: Finding, me: Document | None, other: Document | None) -> str:
    """The parsed quotation and citation, and what is wrong with them."""
    rows = []
    if f.quote:
        rows.append(f"<dt>Quotation</dt><dd>{_quote(f.quote)}</dd>")
    elif f.kind in _COPIES or also_wrong(f):
        rows.append("<dt>Quotation</dt><dd>none: the passage is not in quotation marks</dd>")
    if f.citation:
        cited = citation_words(f, me.text if me else "", source_label(other, f))
        rows.append(f"<dt>Citation</dt><dd>{cited}</dd>")
    elif f.kind not in (Kind.PEER_OVERLAP, Kind.PRIOR_OVERLAP):
        rows.append("<dt>Citation</dt><dd>none found near the passage</dd>")
    return f'<dl class="attribution">{"".join(rows)}</dl>' if rows else ""


def _edits(diff: WordDiff) -> str:
    """``2 words changed, 1 word dropped``: what an edited copy changed."""
    counts = {"changed": diff.changed, "inserted": diff.inserted, "dropped": diff.dropped}
    parts = [f"{n} word{'' if n == 1 else 's'} {what}" for what, n in counts.items() if n]
    return ", ".join(parts) or "no word differs"


def _evidence(f: Finding, diff: WordDiff | None, other: str) -> str:
    """What the match rests on, in words: an exact copy, an edited copy or a paraphrase."""
    if f.evidence is Evidence.EXACT:
        rests, detail = "exact copy", "the same words in the same order"
    elif f.evidence is Evidence.EDITED:
        rests, detail = "edited copy", "some words changed, inserted, dropped or moved"
        if diff is not None:
            detail = _edits(diff)
    elif f.evidence is Evidence.PARAPHRASE and f.semantic is not None:
        rests = "paraphrase"
        detail = (
            f"the sentence says what a sentence of {other} says, in other words (meaning "
            f"similarity {f.semantic:.2f} by the sentence model)"
        )
        if diff is not None:
            detail += f"; {diff.shared} of its {diff.words} words match {other} in order"
    elif f.evidence is Evidence.PARAPHRASE:
        rests, detail = "paraphrase", "sentences alike in their words, reworded"
        if diff is not None:
            detail += f"; {diff.shared} of its {diff.words} words match {other} in order"
    else:
        return ""
    return f'<p class="evidence">Evidence: <b>{esc(rests)}</b> — {esc(detail)}.</p>'


def _differences(mine: str, theirs: str, diff: WordDiff, other: str) -> str:
    """The word-by-word comparison of an edited copy or a paraphrase with the other text."""
    return (
        '<section class="side diff" aria-label="Word-by-word comparison">'
        f'<h4>Word by word</h4><p class="meta">{diff_key(other)}</p>'
        f"<blockquote>{diff_html(mine, theirs, diff, other=other)}</blockquote></section>"
    )


def card(f: Finding, number: int, site: Site) -> str:
    """The ``<article id="f<n>">`` for finding number ``number`` of its submission's page.

    Args:
        f: The finding.
        number: Its number on the page (its markers in the text link here).
        site: The report's shared names and numbers.

    Returns:
        HTML: the kind and severity, the standing decision (who, when, why), what the match
        rests on, the scores, the passage beside the text it matches (with context), for an
        edited copy or a paraphrase the two compared word by word, the parsed quotation and
        citation, and last the finding's id with the commands that decide it (unless
        ``site.review_commands`` is off).
    """
    me, other = site.document(f.submission), site.document(f.source)
    diff, compared = None, ""
    named = _OTHER.get(other.role, "the source") if other else "the source"
    if other is not None and f.evidence in (Evidence.EDITED, Evidence.PARAPHRASE):
        mine = me.text[f.start : f.end] if me else f.text
        theirs = other.text[f.source_start or 0 : f.source_end or 0]
        diff = word_diff(mine, theirs)
        compared = _differences(mine, theirs, diff, named)
    head = (
        f"<header><h3>{esc(marker(number, f))}</h3>"
        f'<span class="sev sev-{css_class(f.severity.value)}">{esc(f.severity.value)}</span>'
        f'<a class="back"{attrs(href=f"#m{number}")}>↑ back to the text</a></header>'
        f"{decision_line(f)}"
        f'<p class="help">{esc(finding_help(f))}</p>{_evidence(f, diff, named)}'
    )
    classes = " ".join(c for c in ("finding", kind_class(f.kind), decision_class(f)) if c)
    review = review_section(f, number, site) if site.review_commands else ""
    return (
        f"<article{attrs(class_=classes, id=f'f{number}')}>{head}"
        f'{_scores(f)}<div class="sides">{_mine(f, me)}{_theirs(f, site, me, other)}</div>'
        f"{compared}{_attribution(f, me, other)}{review}</article>"
    )
