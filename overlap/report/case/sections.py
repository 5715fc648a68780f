"""A case file's findings: a table of them all, then one section each with its history."""

from __future__ import annotations

from collections.abc import Sequence

from overlap.model import Document, Finding, FindingDecision
from overlap.report.case.header import code, facts, moment
from overlap.report.html.cards import card, source_label
from overlap.report.html.legend import colour_class, kind_label, marker
from overlap.report.html.markup import attrs, css_class, esc
from overlap.report.html.page import span
from overlap.report.html.site import Site
from overlap.review.decisions import Action, Decision
from overlap.review.rules import Review

#: An action as the history names it.
ACTIONS = {
    "dismiss": "dismissed",
    "confirm": "confirmed",
    "reopen": "reopened",
    "exclude_source": "source excluded",
    "allow_passage": "passage allowed",
}


def _standing(decision: FindingDecision | None) -> str:
    if decision is None:
        return "none (undecided when the report was written)"
    note = f": “{esc(decision.note)}”" if decision.note else ""
    return (
        f"<b>{esc(decision.decision.value)}</b> by {esc(decision.by or 'unknown')}, "
        f"{moment(decision.at)}{note}"
    )


def history_table(decisions: Sequence[Decision]) -> str:
    """Decisions about one finding, oldest first: when, what, who, why."""
    if not decisions:
        return '<p class="empty">No decision recorded about this finding.</p>'
    rows = "".join(
        f"<tr><td>{moment(d.at, stacked=True)}</td>"
        f"<td>{esc(ACTIONS.get(d.action.value, d.action.value))}</td>"
        f"<td>{esc(d.by)}</td><td>{esc(d.note) if d.note else '—'}</td>"
        f'<td class="nowrap">{code(d.id)}</td></tr>'
        for d in decisions
    )
    return (
        '<table class="history"><thead><tr><th>When</th><th>Action</th><th>By</th>'
        f"<th>Note</th><th>Decision id</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def overview(findings: Sequence[Finding], site: Site) -> str:
    """One row per finding: number, kind, severity, where, words, what it matches, decision."""
    if not findings:
        return '<p class="empty">No passage of this submission matches another text.</p>'
    rows = []
    for n, f in enumerate(findings, start=1):
        decided = f.decision.decision.value if f.decision else "—"
        chip = f"<a{attrs(class_=f'chip {colour_class(f.kind)}', href=f'#f{n}')}>"
        rows.append(
            f"<tr><td>{chip}{esc(marker(n, f))}</a></td>"
            f'<td><span class="sev sev-{css_class(f.severity.value)}">'
            f"{esc(f.severity.value)}</span></td>"
            f'<td class="num nowrap">{esc(span(f.start, f.end))}</td>'
            f'<td class="num">{f.words}</td>'
            f"<td>{esc(source_label(site.document(f.source), f, site.names))}</td>"
            f"<td>{esc(decided)}</td></tr>"
        )
    return (
        '<table class="overview"><thead><tr><th>Finding</th><th>Severity</th>'
        '<th class="num">Characters</th><th class="num">Words</th><th>Matches</th>'
        f"<th>Decision</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def finding_section(
    f: Finding, number: int, total: int, site: Site, history: Sequence[Decision]
) -> str:
    """One finding on a page of its own in print: its card, then the review decisions."""
    about = facts(
        [
            ("Finding id", code(f.id)),
            ("Kind", f"{esc(kind_label(f))} ({code(f.kind.value)})"),
            ("Severity", esc(f.severity.value)),
            ("Evidence", esc(f.evidence.value if f.evidence else "none (no other text)")),
        ]
    )
    return (
        f"<section{attrs(class_='case-finding', id=f'c{number}')}>"
        f"<h2>Finding {number} of {total}: {esc(kind_label(f))}</h2>{about}"
        f"{card(f, number, site)}"
        '<div class="review"><h3>Review</h3>'
        f'<p class="standing">Standing decision recorded in the report: {_standing(f.decision)}'
        f"</p><h4>Decision history</h4>{history_table(history)}</div></section>"
    )


def other_decisions(decisions: Sequence[Decision], me: Document | None, shown: set[str]) -> str:
    """Decisions about findings of this submission that the report does not hold."""
    if me is None:
        return ""
    rest = [d for d in decisions if d.submission == me.id and d.target and d.target not in shown]
    if not rest:
        return ""
    rows = "".join(
        f"<tr><td>{code(d.target)}</td><td>{esc(d.kind or '')}</td>"
        f"<td>{moment(d.at, stacked=True)}</td>"
        f"<td>{esc(ACTIONS.get(d.action.value, d.action.value))}</td>"
        f"<td>{esc(d.by)}</td><td>{esc(d.note) if d.note else '—'}</td></tr>"
        for d in rest
    )
    return (
        "<section><h2>Decisions about findings not in this report</h2>"
        '<p class="note">Recorded about this submission in other scans (a passage that has '
        "changed since, or a finding an exclusion now hides).</p>"
        '<table class="history"><thead><tr><th>Finding id</th><th>Kind then</th><th>When</th>'
        "<th>Action</th><th>By</th><th>Note</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def rules_in_force(decisions: Sequence[Decision], me: Document | None) -> str:
    """The rules that bear on this submission: excluded sources and allowed passages."""
    rules = [r for r in Review.of(decisions).rules if _applies(r, me)]
    if not rules:
        return ""
    rows = []
    for r in rules:
        if r.action is Action.EXCLUDE_SOURCE:
            scope = "this submission" if r.submission else f"term {r.term}" if r.term else "all"
            what = f"matches against {code(r.source_path or r.other or '')} not reported ({scope})"
        else:
            passage = " ".join((r.passage or "").split())
            shown = passage if len(passage) <= 300 else passage[:299] + "…"
            what = f"allowed passage, never reported: “{esc(shown)}”"
        rows.append(
            f"<tr><td>{code(r.id)}</td><td>{what}</td><td>{moment(r.at, stacked=True)}</td>"
            f"<td>{esc(r.by)}</td><td>{esc(r.note) if r.note else '—'}</td></tr>"
        )
    return (
        "<section><h2>Rules in force</h2>"
        '<p class="note">Recorded in the corpus store with <code>overlap review</code>; they '
        "apply to every scan, so what they cover is not among the findings above.</p>"
        '<table class="history"><thead><tr><th>Rule id</th><th>What</th><th>When</th>'
        f"<th>By</th><th>Note</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _applies(rule: Decision, me: Document | None) -> bool:
    if rule.action is not Action.EXCLUDE_SOURCE:
        return True
    if rule.submission is not None:
        return me is not None and rule.submission == me.id
    return rule.term is None or (me is not None and rule.term == me.term)
