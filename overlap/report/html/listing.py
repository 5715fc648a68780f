"""The overview's table of submissions: one row each, most similar first.

Each row names its submission as the whole report does, gives its figures and counts per
severity and links each kind to its first finding; it carries what the overview's filter
reads (:mod:`overlap.report.html.filters`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from overlap.model import Finding, Kind, Severity, SubmissionSummary
from overlap.report.html.filters import row_data
from overlap.report.html.legend import KIND_LABEL, colour_class, flag_list
from overlap.report.html.markup import attrs, esc
from overlap.report.html.page import bar, percent, when
from overlap.report.html.site import Site
from overlap.report.names import common_folder, relative_names

_COLUMNS = [
    ("Submission", "text", ""),
    ("Submitted", "text", ""),
    ("Words", "number", "num"),
    ("Similarity", "number", "num"),
    ("Overlap", "number", "num"),
    ("High", "number", "num"),
    ("Medium", "number", "num"),
    ("Low", "number", "num"),
    ("Info", "number", "num"),
    ("Findings by kind", "", ""),
]


def _kinds(site: Site, s: SubmissionSummary, findings: list[Finding]) -> str:
    """One chip per kind present, most severe first, linking to the first such finding.

    Dismissed findings are left out of the kinds and get a grey chip of their own.
    """
    first: dict[Kind, int] = {}
    counts: Counter[Kind] = Counter()
    dismissed: list[int] = []
    for n, f in enumerate(findings, start=1):
        if f.dismissed:
            dismissed.append(n)
            continue
        first.setdefault(f.kind, n)
        counts[f.kind] += 1
    order = sorted(counts, key=lambda k: (-findings[first[k] - 1].severity.rank, k.value))
    chips = [
        f"<a{attrs(class_=f'chip {colour_class(k)}', href=site.href(s.id, first[k]))}>"
        f"{counts[k]} {esc(KIND_LABEL[k])}</a>"
        for k in order
    ]
    if dismissed:
        href = site.href(s.id, dismissed[0])
        chips.append(
            f"<a{attrs(class_='chip dismissed', href=href)}>{len(dismissed)} dismissed</a>"
        )
    return (
        f'<div class="chips">{"".join(chips)}</div>' if chips else '<span class="zero">none</span>'
    )


def _flags(s: SubmissionSummary) -> str:
    """Flags and errors of a submission, under its name."""
    errors = "".join(f'<div class="problem">{esc(e)}</div>' for e in s.errors)
    flags = f'<div class="flags">{flag_list(s.flags)}</div>' if s.flags else ""
    return flags + errors


def _row(site: Site, s: SubmissionSummary, relative: str) -> str:
    """A submission's row: its name, its figures, counts per severity and kinds.

    Under a student's name stands the file; the row carries what the filter reads.
    """
    doc = site.document(s.id)
    findings = site.findings.get(s.id, [])
    per = Counter(f.severity for f in findings if not f.dismissed)
    name = site.names[s.id]
    file = (
        f"<br><span{attrs(class_='path', title=s.path)}>{esc(relative)}</span>"
        if name != relative
        else ""
    )
    submitted = doc.submitted_at if doc and doc.submitted_at else ""
    cells = [
        f"<td{attrs(class_='name', data_value=name.lower())}>"
        f'<a class="who"{attrs(href=site.href(s.id), title=s.path)}>{esc(name)}</a>'
        f"{file}{_flags(s)}</td>",
        f'<td class="nowrap"{attrs(data_value=submitted)}>{esc(when(submitted))}</td>',
        f'<td class="num"{attrs(data_value=s.words)}>{s.words}</td>',
        f'<td class="num nowrap"{attrs(data_value=s.similarity)}>{bar(s.similarity)}'
        f'<span class="pct">{esc(percent(s.similarity))}</span></td>',
        f'<td class="num"{attrs(data_value=s.overlap)}>{esc(percent(s.overlap))}</td>',
    ]
    for sev in (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO):
        n = per[sev]
        cells.append(f"<td{attrs(class_='num' if n else 'num zero', data_value=n)}>{n}</td>")
    cells.append(f"<td>{_kinds(site, s, findings)}</td>")
    return f"<tr{attrs(**row_data(s, findings, name, relative))}>{''.join(cells)}</tr>"


def relative_paths(site: Site) -> dict[str, str]:
    """Each submission's path relative to the folder all of them lie in."""
    return relative_names(s.path for s in site.result.submissions)


def submission_rows(
    site: Site, summaries: Iterable[SubmissionSummary], relative: dict[str, str]
) -> dict[str, str]:
    """The table rows of some of the report's submissions, by id (a worker's share).

    ``relative`` is :func:`relative_paths` of the site, made once for every share.
    """
    return {s.id: _row(site, s, relative[s.path]) for s in summaries}


def submissions_table(site: Site, rows: dict[str, str] | None = None) -> str:
    """The table, sorted by similarity (the page's script sorts it by any column).

    ``rows`` are the rows already made (:func:`submission_rows`), by submission id; the
    others are made here.
    """
    heads = []
    for label, sort, cls in _COLUMNS:
        sort_attr = sort or None
        aria = "descending" if label == "Similarity" else None
        heads.append(
            f"<th{attrs(class_=cls or None, data_sort=sort_attr, aria_sort=aria)}>{esc(label)}</th>"
        )
    subs = sorted(site.result.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path))
    made = rows or {}
    todo = [s for s in subs if s.id not in made]
    missing = submission_rows(site, todo, relative_paths(site)) if todo else {}
    body = "".join(made.get(s.id) or missing[s.id] for s in subs)
    return (
        f'<table id="submissions"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def naming_note(site: Site) -> str:
    """How the report names submissions: by student, else by path below their common folder."""
    folder = common_folder(s.path for s in site.result.submissions)
    where = (
        f'relative to <span class="path">{esc(folder)}</span>, the folder they all lie in'
        if folder
        else "as the scan was given them"
    )
    return (
        "Submissions are named by student where the metadata gives one (with the file when "
        f"a student has several), else by their path {where}."
    )
