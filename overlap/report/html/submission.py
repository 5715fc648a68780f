"""The page of one submission: its figures, its text with findings highlighted, the findings."""

from __future__ import annotations

from collections import Counter

from overlap.model import Finding, Severity, SubmissionSummary, Verdict
from overlap.report.html.cards import card, source_label
from overlap.report.html.characters import disguises
from overlap.report.html.legend import colour_class, decision_class, flag_notes, legend, marker
from overlap.report.html.markup import attrs, esc
from overlap.report.html.page import page, percent, when
from overlap.report.html.site import Site
from overlap.report.html.style import COPY_SCRIPT
from overlap.report.html.text import highlighted


def _stats(summary: SubmissionSummary, findings: list[Finding]) -> str:
    """The figures of a submission; findings dismissed are counted apart, not by severity."""
    counts = Counter(f.severity for f in findings if not f.dismissed)
    verdicts = Counter(f.decision.decision for f in findings if f.decision)
    items = [
        (percent(summary.similarity), "similarity (words in findings that are not info)"),
        (percent(summary.overlap), "overlap (words matched in another text, info included)"),
        (str(summary.words), "words"),
    ]
    items += [(str(counts[s]), f"{s.value} findings") for s in reversed(Severity) if counts[s]]
    items += [(str(verdicts[v]), v.value) for v in Verdict if verdicts[v]]
    return (
        '<ul class="stats">'
        + "".join(f"<li><b>{esc(v)}</b><span>{esc(label)}</span></li>" for v, label in items)
        + "</ul>"
    )


def _chip(f: Finding) -> str:
    return " ".join(c for c in ("chip", colour_class(f.kind), decision_class(f)) if c)


def _aside(findings: list[Finding], site: Site) -> str:
    """The column beside the text: a list of the findings to jump to, then the legend."""
    if not findings:
        return (
            '<aside class="aside"><p class="empty">No findings: no passage of this text '
            "matches a source, a prior post or another submission.</p></aside>"
        )
    items = "".join(
        f"<li><a{attrs(class_=_chip(f), href=f'#f{n}')}>{esc(marker(n, f))}</a>"
        f'<span class="what">{esc(source_label(site.document(f.source), f, site.names))} · '
        f"{f.words} words</span></li>"
        for n, f in enumerate(findings, start=1)
    )
    return (
        f'<aside class="aside"><h2>Findings in this text</h2><ol class="jump">{items}</ol>'
        f"{legend({f.kind for f in findings})}</aside>"
    )


def submission_page(summary: SubmissionSummary, site: Site) -> str:
    """The whole HTML page of one submission.

    Args:
        summary: The submission's summary.
        site: The report's shared names and numbers.

    Returns:
        A self-contained page; its one script, on a page with findings, only adds a Copy
        button to each command of a card.
    """
    doc = site.document(summary.id)
    findings = site.findings.get(summary.id, [])
    name = site.names.get(summary.id) or summary.student or summary.path
    submitted = f" · submitted {esc(when(doc.submitted_at))}" if doc and doc.submitted_at else ""
    parts = [
        '<p class="crumbs"><a href="../index.html">← All submissions</a></p>',
        f"<h1>{esc(name)}</h1>",
        f'<p class="sub"><span class="path">{esc(summary.path)}</span>{submitted}</p>',
        _stats(summary, findings),
    ]
    if summary.flags:
        parts.append(flag_notes(summary.flags))
    for error in summary.errors:
        parts.append(f'<p class="problem">Error: {esc(error)}</p>')
    parts.append("<h2>Text</h2>")
    if doc is None:
        text = '<p class="empty">The text of this submission is not in the report.</p>'
    else:
        marked = highlighted(doc.text, findings, disguises(doc.text))
        text = f'<div class="text" id="text">{marked}</div>'
    parts.append(f'<div class="reading">{text}{_aside(findings, site)}</div>')
    parts.append(f"<h2>Findings ({len(findings)})</h2>")
    if not findings:
        parts.append('<p class="empty">No passage of this submission matches another text.</p>')
    for number, f in enumerate(findings, start=1):
        parts.append(card(f, number, site))
    title = f"{name} — overlap report"
    script = COPY_SCRIPT if findings else None
    return page(title, "\n".join(parts), generated_at=site.result.generated_at, script=script)
