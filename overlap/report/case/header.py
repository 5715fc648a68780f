"""The head of a case file: the submission, the scan, its settings and the store it read."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from overlap.model import Document, Finding, Severity, SubmissionSummary
from overlap.report.case.history import HistorySource
from overlap.report.html.legend import flag_notes
from overlap.report.html.markup import esc
from overlap.report.html.page import percent, when
from overlap.report.reading import ReportFolder

#: What the store digest covers, in words.
COVERS = (
    "the store manifest's lists of part, ledger and decision files and its index settings "
    "(SHA-256 of their canonical JSON)"
)


#: Settings whose value is longer than this many characters get a row of their own.
LONG_SETTING = 24


def facts(rows: Sequence[tuple[str, str]], cls: str = "facts") -> str:
    """A definition list of ``(name, HTML value)`` rows; names are escaped here."""
    items = "".join(f"<div><dt>{esc(name)}</dt><dd>{value}</dd></div>" for name, value in rows)
    return f'<dl class="{cls}">{items}</dl>'


def moment(iso: str | None, *, stacked: bool = False) -> str:
    """A time as HTML: readable, with the ISO 8601 form as recorded beside it (or below)."""
    if not iso:
        return '<span class="empty">unknown</span>'
    shown = when(iso)
    gap = "<br>" if stacked else " "
    raw = f'{gap}<span class="raw">({esc(iso)})</span>' if shown != iso else ""
    return f"{esc(shown)}{raw}"


def code(value: object) -> str:
    """A digest or an id: monospace, breaking anywhere."""
    return f'<span class="code">{esc(value)}</span>'


def _setting(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _counts(findings: Sequence[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s.value}" for s in reversed(Severity) if counts[s]]
    return esc(f"{len(findings)} ({', '.join(parts)})" if parts else "none")


def submission_facts(
    summary: SubmissionSummary, doc: Document | None, findings: Sequence[Finding]
) -> str:
    """The submission: student, path, id, words, shares of words in findings, flags."""
    rows = [
        ("Student", esc(summary.student or "unknown")),
        ("File", f'<span class="path">{esc(summary.path)}</span>'),
        ("Submission id", code(summary.id)),
    ]
    if doc is not None and doc.term:
        rows.append(("Term", esc(doc.term)))
    rows += [
        ("Submitted", moment(doc.submitted_at if doc else None)),
        ("Words", esc(summary.words)),
        (
            "Similarity",
            esc(f"{percent(summary.similarity)} of words in findings that are not info"),
        ),
        ("Overlap", esc(f"{percent(summary.overlap)} of words matched in another text")),
        ("Findings", _counts(findings)),
        ("Flags", flag_notes(summary.flags) if summary.flags else "none"),
    ]
    rows += [("Error", f'<span class="problem">{esc(e)}</span>') for e in summary.errors]
    return facts(rows)


def _store_rows(report: ReportFolder) -> list[tuple[str, str]]:
    store = report.store
    if store is None:
        return [("Corpus store", '<span class="empty">not recorded by this report</span>')]
    return [
        ("Corpus store", f'<span class="path">{esc(store.get("path") or "unknown")}</span>'),
        ("Store state", code(store.get("state") or "not recorded")),
        ("Store updated", moment(store.get("updated_at"))),
        ("State covers", esc(COVERS)),
    ]


def _history_rows(source: HistorySource | None, report: ReportFolder, n: int) -> list[Any]:
    if source is None:
        return [("Decisions", esc(f"{n} given to the case file (not read from a store)"))]
    where = f'<span class="path">{esc(source.store)}</span>'
    if not source.found:
        return [
            (
                "Decisions",
                f"no corpus store at {where}: no decision history; each finding shows the "
                "standing decision the report recorded",
            )
        ]
    rows = [("Decisions", f"{n} read from the corpus store {where}")]
    state = source.state or {}
    then = (report.store or {}).get("state")
    if then is None:
        said = "the report does not record the state the scan read"
    elif state.get("state") == then:
        said = "the same as the scan read"
    else:
        said = (
            "changed since the scan: decisions recorded since are in the histories below, "
            "not in the standing decisions the report recorded"
        )
    rows.append(("Store state now", f"{code(state.get('state', ''))}<br>{esc(said)}"))
    return rows


def scan_facts(
    report: ReportFolder, source: HistorySource | None, decisions: int, written_at: str
) -> str:
    """When the scan ran and the case file was written, the store read, the decisions' origin."""
    rows = [
        ("Report folder", f'<span class="path">{esc(report.root)}</span>'),
        ("Scan ran", moment(report.generated_at)),
        ("Case file written", moment(written_at)),
        *_store_rows(report),
        *_history_rows(source, report, decisions),
    ]
    return facts(rows)


def settings_list(settings: dict[str, Any]) -> str:
    """Every setting of the scan as findings.json records it; long values on rows of their own."""
    if not settings:
        return '<p class="empty">The report records no settings.</p>'
    shown = [(str(k), _setting(v)) for k, v in settings.items()]
    short = [(k, code(v)) for k, v in shown if len(v) <= LONG_SETTING]
    long = [(k, code(v)) for k, v in shown if len(v) > LONG_SETTING]
    return facts(short, "settings") + (facts(long) if long else "")
