"""The overview page (index.html): the batch pictured, every submission, shared passages, errors."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from overlap.model import Severity, Verdict
from overlap.report.html.cluster_map import ROWS, cluster_anchor, cluster_map
from overlap.report.html.clusters import Cluster, Member, common_clusters, peer_clusters
from overlap.report.html.distribution import spread_section
from overlap.report.html.figure_style import OVERVIEW_CSS
from overlap.report.html.filters import FILTER_SCRIPT, filter_controls
from overlap.report.html.legend import legend
from overlap.report.html.listing import naming_note, submissions_table
from overlap.report.html.markup import attrs, esc
from overlap.report.html.page import page, when
from overlap.report.html.site import Site
from overlap.report.html.style import SORT_SCRIPT

#: The overview's one script: sorting by any column, then the filter.
OVERVIEW_SCRIPT = SORT_SCRIPT + FILTER_SCRIPT
#: Characters of a shared passage quoted in the overview.
QUOTED_CHARS = 400


def _quoted(site: Site, member: Member) -> str:
    """A cluster's passage as its member wrote it, cut at ``QUOTED_CHARS``."""
    doc = site.document(member.submission)
    if doc is None:
        return ""
    text = doc.text[member.start : member.end]
    cut = text[:QUOTED_CHARS] + ("…" if len(text) > QUOTED_CHARS else "")
    return f"<blockquote>“{esc(cut)}”</blockquote>"


def _member_href(site: Site) -> Callable[[Member], str | None]:
    """Where a cluster member's passage is: its finding on its submission's page."""

    def href(m: Member) -> str | None:
        if m.submission not in site.pages:
            return None
        return site.href(m.submission, site.number(m.finding))

    return href


def _cluster(site: Site, number: int, cluster: Cluster) -> str:
    """A shared passage: who shares it, oldest first (who submitted first), and the passage."""
    items = []
    href = _member_href(site)
    for i, m in enumerate(cluster.members):
        name = esc(site.names.get(m.submission, m.submission))
        at = f"submitted {esc(when(m.submitted_at))}" if m.submitted_at else "time unknown"
        first = ' — <span class="first">first to submit</span>' if i == 0 and cluster.first else ""
        link = href(m)
        label = f"<a{attrs(href=link)}>{name}</a>" if link else name
        items.append(f"<li>{label} — {at}{first}</li>")
    quote = _quoted(site, cluster.members[0])
    return (
        f'<div class="cluster"{attrs(id=cluster_anchor(number))}><h3>Passage {number}: '
        f"{len(cluster.members)} submissions share {cluster.words} words</h3>"
        f"<ol>{''.join(items)}</ol>{quote}</div>"
    )


def _paraphrase_note(settings: dict[str, object]) -> str:
    """Whether the scan looked for restatements in other words, and with which model."""
    model = settings.get("paraphrase_model")
    if isinstance(model, dict):
        return (
            f'<p class="note">Paraphrase checking was on: sentences restating a source in '
            f"other words were looked for with {esc(model.get('name'))} (SHA-256 "
            f"{esc(str(model.get('sha256'))[:12])}…).</p>"
        )
    return (
        '<p class="note">Paraphrase checking was off: sentences restating a source in other '
        "words were not looked for (install the model with make install-paraphrase).</p>"
    )


def _bar(settings: dict[str, object]) -> str:
    """The common-phrasing bar of a scan's settings, in words."""
    share, posts = settings.get("common_share"), settings.get("common_posts")
    if isinstance(share, int | float) and share > 0:
        return f"shared by more than {share:.0%} of the submissions"
    return f"shared by more than {posts} submissions"


#: Members of a common-phrasing cluster named before the rest are folded away.
NAMED_MEMBERS = 5


def _common(site: Site, cluster: Cluster) -> str:
    """A passage of common phrasing: how many share it, the passage once, who (folded).

    Members are named as the report names them, in that name's order.
    """
    named = [(site.names.get(m.submission, m.submission), m) for m in cluster.members]
    items = []
    for name, m in sorted(named, key=lambda nm: nm[0]):
        number = site.number(m.finding)
        link = site.href(m.submission, number) if m.submission in site.pages else None
        label = esc(name)
        items.append(f"<li><a{attrs(href=link)}>{label}</a></li>" if link else f"<li>{label}</li>")
    quote = _quoted(site, cluster.members[0])
    first, rest = items[:NAMED_MEMBERS], items[NAMED_MEMBERS:]
    more = (
        f"<details><summary>and {len(rest)} more</summary><ol>{''.join(rest)}</ol></details>"
        if rest
        else ""
    )
    return (
        f'<div class="cluster"><h3>{len(cluster.members)} submissions share '
        f"{cluster.words} words</h3>{quote}<ol>{''.join(first)}</ol>{more}</div>"
    )


def _errors(site: Site) -> str:
    errors = site.result.errors
    if not errors:
        return '<p class="empty">Every file was read.</p>'
    rows = "".join(
        f'<tr><td><span class="path">{esc(e.path)}</span></td><td>{esc(e.error)}</td></tr>'
        for e in errors
    )
    head = "<thead><tr><th>File</th><th>Why it was not read</th></tr></thead>"
    return f"<table>{head}<tbody>{rows}</tbody></table>"


def _glance(site: Site) -> list[str]:
    """The pictures of the batch: similarity across it, and who shares passages with whom."""
    subs = site.result.submissions
    hrefs = {s.id: site.href(s.id) for s in subs}
    clusters = peer_clusters(site.result)
    picture = cluster_map(clusters, site.names, _member_href(site))
    drawn = (
        f" The {ROWS} largest of {len(clusters)} passages are drawn; the list below has every one."
        if len(clusters) > ROWS
        else ""
    )
    return [
        '<h2 id="similarity">Similarity across the batch</h2>',
        spread_section(subs, site.names, hrefs),
        '<h2 id="sharing">Who shares passages with whom</h2>',
        (
            f'<figure class="figure">{picture}<figcaption class="note">One row per passage '
            "that submissions share, largest first; its submissions oldest first, each "
            f"linked to the passage on its page, and the row's label to the passage below.{drawn}"
            "</figcaption></figure>"
            if picture
            else '<p class="empty">No passage is shared between submissions of this batch.</p>'
        ),
    ]


def overview_page(site: Site, rows: dict[str, str] | None = None) -> str:
    """The whole HTML of ``index.html``.

    Args:
        site: The report's shared names and numbers.
        rows: Rows of the submissions table already made, by submission id
            (:func:`~overlap.report.html.listing.submission_rows`); the rest are made here.

    Returns:
        A self-contained page. Its pictures are inline SVG; its one script adds sorting by
        other columns and the filter, and without it the table lists every submission,
        most similar first.
    """
    result = site.result
    per = Counter(f.severity for f in result.findings if not f.dismissed)
    review = sum(1 for f in result.findings if f.counts)
    verdicts = Counter(f.decision.decision for f in result.findings if f.decision)
    stats = [
        (len(result.submissions), "submissions"),
        (review, "findings to review"),
        *((per[s], f"{s.value}") for s in (Severity.HIGH, Severity.MEDIUM, Severity.LOW)),
        (per[Severity.INFO], "info"),
        *((verdicts[v], v.value) for v in Verdict if verdicts[v]),
        (len(result.errors), "files not read"),
    ]
    clusters = peer_clusters(result)
    common = common_clusters(result)
    settings = json.dumps(result.settings, indent=2, sort_keys=True)
    body = [
        "<h1>Overlap report</h1>",
        f'<p class="sub">Scan of {esc(when(result.generated_at))}</p>',
        '<ul class="stats">'
        + "".join(f"<li><b>{n}</b><span>{esc(label)}</span></li>" for n, label in stats)
        + "</ul>",
        _paraphrase_note(result.settings),
        *_glance(site),
        "<h2>Submissions, most similar first</h2>",
        '<p class="note">Similarity is the share of a submission\'s words inside findings that '
        "are not info; overlap is the share matched in another text, info findings included "
        "(an unmatched quote matches no text and counts in neither); findings a person "
        "dismissed count in neither the similarity nor the numbers by severity. Open a "
        f"submission to read its text with every passage marked and shown beside its source. "
        f"{naming_note(site)}</p>",
        filter_controls(result.submissions, site.findings),
        submissions_table(site, rows),
        f"<h2>Passages shared between students ({len(clusters)})</h2>",
        *(
            [_cluster(site, n, c) for n, c in enumerate(clusters, start=1)]
            or ['<p class="empty">No passage is shared between submissions of this batch.</p>']
        ),
        f"<h2>Common phrasing ({len(common)})</h2>",
        '<p class="note">Passages more submissions share than the scan\'s bar ('
        f"{esc(_bar(result.settings))}): stock replies and templates. "
        "Each submission reports its part once, for information; none counts toward "
        "similarity or as shared between students.</p>",
        *(
            [_common(site, c) for c in common]
            or ['<p class="empty">No passage is common to many submissions.</p>']
        ),
        f"<h2>Files not read ({len(result.errors)})</h2>",
        _errors(site),
        legend(),
        "<details><summary>Settings of this scan</summary>"
        f'<pre class="path">{esc(settings)}</pre></details>',
    ]
    return page(
        "Overlap report",
        "\n".join(body),
        generated_at=result.generated_at,
        script=OVERVIEW_SCRIPT,
        style=OVERVIEW_CSS,
    )
