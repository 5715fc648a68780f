"""One submission's case file: a self-contained, printable HTML page built from a report folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from overlap.model import Document, Finding, ScanResult
from overlap.report.case.choosing import choose_submission
from overlap.report.case.documents import document_table
from overlap.report.case.header import scan_facts, settings_list, submission_facts
from overlap.report.case.history import HistorySource
from overlap.report.case.sections import (
    finding_section,
    other_decisions,
    overview,
    rules_in_force,
)
from overlap.report.case.style import CSS
from overlap.report.html.characters import disguises
from overlap.report.html.legend import legend
from overlap.report.html.markup import esc
from overlap.report.html.page import page, when
from overlap.report.html.site import Site
from overlap.report.html.text import highlighted
from overlap.report.reading import ReportFolder, read_document, read_report
from overlap.review.decisions import Decision
from overlap.review.rules import Review


def _documents(
    report: ReportFolder, me: Document | None, findings: Sequence[Finding]
) -> tuple[list[Document], list[tuple[str, str]]]:
    """The documents compared, the submission first, then in the order findings name them.

    Also the ``(id, path)`` of those a finding points to whose text the report does not keep.
    """
    docs = [me] if me is not None else []
    missing: list[tuple[str, str]] = []
    seen = {d.id for d in docs}
    for f in findings:
        if f.source is None or f.source in seen:
            continue
        seen.add(f.source)
        doc = read_document(report, f.source)
        if doc is None:
            missing.append((f.source, f.source_path or ""))
        else:
            docs.append(doc)
    return docs, missing


def _frame(title: str, body: str, *, report: ReportFolder) -> str:
    footer = (
        f"Case file written by <b>overlap</b> from the report "
        f'<span class="path">{esc(report.root)}</span> of the scan of '
        f"{esc(when(report.generated_at))}. Every passage is an exact, verified alignment; "
        "offsets are character positions in the texts whose SHA-256 the table of documents "
        "gives. This page loads nothing from the network and runs no script."
    )
    return page(title, body, generated_at=report.generated_at, style=CSS, footer=footer)


def case_file(
    report: Path,
    submission: str,
    *,
    decisions: Sequence[Decision] = (),
    source: HistorySource | None = None,
    written_at: datetime | None = None,
) -> str:
    """The case file of one submission of a report folder, as one self-contained HTML page.

    The page holds the submission (student, path, id, words, similarity, overlap, flags),
    when the scan ran, its settings, the corpus store it read (path and state digest), its
    whole text with every finding marked, one section per finding (the passage beside the
    other document's passage, scores, evidence, quotation and citation, the standing
    decision and every recorded decision about it), and a table of every document compared
    with the SHA-256 of its text. Its only style is inline and it has no script; every string
    from the report is escaped. In print each finding starts a new page.

    Args:
        report: A report folder (``overlap scan ... --out DIR``).
        submission: The submission's id, its path as findings.json names it, or the first
            six or more hexadecimal digits of its id (unique in the report).
        decisions: Recorded review decisions (:func:`~overlap.store.decisions.read_decisions`);
            those about the submission's findings make their histories.
        source: Where ``decisions`` were read, for the page to say (see
            :func:`~overlap.report.case.history.read_history`).
        written_at: When the case file is written; now by default.

    Raises:
        InputError: The report folder is missing, is not a report, or one of its files is
            unreadable or changed since the scan; or ``submission`` names no submission of
            it, or more than one.
    """
    folder = read_report(report)
    summary = choose_submission(folder.submissions, submission, report)
    me = read_document(folder, summary.id)
    mine = tuple(f for f in folder.findings if f.submission == summary.id)
    docs, missing = _documents(folder, me, mine)
    result = ScanResult(
        settings=folder.settings,
        generated_at=folder.generated_at,
        submissions=(summary,),
        findings=mine,
        documents={d.id: d for d in docs},
    )
    site = dataclasses.replace(Site.of(result), review_commands=False)
    findings = site.findings.get(summary.id, [])
    history = Review.of(decisions).history
    stamp = (written_at or datetime.now(UTC)).isoformat(timespec="seconds")
    name = summary.student or summary.path
    if me is None:
        text = '<p class="empty">The report does not keep the text of this submission.</p>'
    else:
        marked = highlighted(me.text, findings, disguises(me.text))
        text = f'<div class="text case-text">{marked}</div>'
    parts = [
        '<header class="case-head"><p class="kicker">Case file</p>',
        f"<h1>{esc(name)}</h1>",
        submission_facts(summary, me, findings),
        "<h2>Scan and store</h2>",
        scan_facts(folder, source, len(decisions), stamp),
        "<h2>Settings of the scan</h2>",
        settings_list(folder.settings),
        "</header>",
        f"<section><h2>Findings ({len(findings)})</h2>{overview(findings, site)}</section>",
        f'<section class="case-textual"><h2>Text</h2>{text}'
        f"{legend({f.kind for f in findings}, commands=False) if findings else ''}</section>",
    ]
    parts += [
        finding_section(f, n, len(findings), site, history.get(f.id, ()))
        for n, f in enumerate(findings, start=1)
    ]
    parts.append(other_decisions(decisions, me, {f.id for f in findings}))
    parts.append(rules_in_force(decisions, me))
    parts.append(
        '<section class="case-documents"><h2>Documents compared</h2>'
        f"{document_table(docs, missing)}</section>"
    )
    return _frame(f"Case file — {name}", "\n".join(p for p in parts if p), report=folder)
