"""The overview's picture of who shares passages with whom: one row per shared passage.

Each passage students share (:func:`~overlap.report.html.clusters.peer_clusters`) is a row
of inline SVG: its number and size on the left, linked to the passage in the list below,
then its submissions oldest first, joined by arrows in the order they were submitted, each
linked to the passage on its page. Shapes carry the meaning without colour: a square for the
first to submit, a circle for the others, a dashed circle where the time is unknown and a
double ring for a submission that shares other passages too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise

from overlap.report.html.clusters import Cluster, Member
from overlap.report.html.page import when
from overlap.report.html.svg import cut, el, text, tip

#: Rows drawn; the list below the picture has every passage.
ROWS = 12
#: Submissions drawn in a row; the rest are counted (``+3 more``).
PER_ROW = 6
#: Characters of a name under its node (cut in the middle).
NAME_CHARS = 16

_W, _LABEL, _RIGHT = 960, 176, 16
_STEP = (_W - _LABEL - _RIGHT) / PER_ROW
_ROW, _KEY = 58, 30

#: The passage a row stands for in the list below (an id on the overview).
Anchor = Callable[[int], str]
#: A member's passage on its page, or None when the report has no page for it.
MemberHref = Callable[[Member], str | None]


def cluster_anchor(number: int) -> str:
    """The id of passage ``number`` (from 1) in the overview's list of shared passages."""
    return f"passage-{number}"


def _key() -> str:
    """The legend across the top of the picture: what each shape means."""
    items = [
        (el("rect", class_="node first", x=2, y=8, width=12, height=12), "first to submit"),
        (el("circle", class_="node", cx=8, cy=14, r=6), "submitted later"),
        (el("circle", class_="node unknown", cx=8, cy=14, r=6), "submission time unknown"),
        (
            el("circle", class_="node", cx=8, cy=14, r=6)
            + el("circle", class_="ring", cx=8, cy=14, r=9),
            "shares other passages too",
        ),
    ]
    out, x = [], 0.0
    for shape, words in items:
        out.append(el("g", shape + text(words, class_="key", x=22, y=18),
                      transform=f"translate({x:.0f} 0)"))  # fmt: skip
        x += 44 + 6.6 * len(words)
    return el("g", "".join(out), class_="legend-key")


def _node(m: Member, x: float, y: float, *, first: bool, shared: int, name: str) -> str:
    """One submission of a row: its shape, its name and when it was submitted."""
    shape = (
        el("rect", class_="node first", x=x - 7, y=y - 7, width=14, height=14)
        if first
        else el("circle", class_="node" if m.submitted_at else "node unknown", cx=x, cy=y, r=7)
    )
    if shared > 1:
        shape += el("circle", class_="ring", cx=x, cy=y, r=10.5)
    at = when(m.submitted_at) if m.submitted_at else "time unknown"
    others = f"; shares {shared} passages" if shared > 1 else ""
    return (
        tip(f"{name}: submitted {at}{others}" if m.submitted_at else f"{name}: {at}{others}")
        + shape
        + text(cut(name, NAME_CHARS), class_="who", x=x, y=y + 24)
        + text(at, class_="when", x=x, y=y + 37)
    )


def _row(
    number: int,
    cluster: Cluster,
    y: float,
    names: dict[str, str],
    shared: Counter[str],
    href: MemberHref,
) -> str:
    """A passage's row: its label, then its submissions oldest first, joined by arrows."""
    size = len(cluster.members)
    label = el(
        "a",
        text(f"Passage {number}", class_="passage", x=0, y=y + 4)
        + text(f"{size} share {cluster.words} words", class_="size", x=0, y=y + 20),
        href=f"#{cluster_anchor(number)}",
    )
    shown = cluster.members[:PER_ROW] if size <= PER_ROW else cluster.members[: PER_ROW - 1]
    xs = [_LABEL + _STEP * (k + 0.5) for k in range(len(shown) + (size > len(shown)))]
    joins = "".join(
        el("line", class_="join", x1=a + 12, x2=b - 14, y1=y, y2=y) for a, b in pairwise(xs)
    )
    nodes = []
    for k, m in enumerate(shown):
        name = names.get(m.submission, m.submission)
        first = k == 0 and cluster.first
        body = _node(m, xs[k], y, first=first, shared=shared[m.submission], name=name)
        link = href(m)
        nodes.append(el("a", body, href=link, class_="member") if link else el("g", body))
    if size > len(shown):
        more = f"+{size - len(shown)} more"
        more_text = text(more, class_="more", x=xs[-1], y=y + 4)
        nodes.append(el("a", more_text, href=f"#{cluster_anchor(number)}"))
    return el("g", label + joins + "".join(nodes), class_="passage-row")


def _label(clusters: Sequence[Cluster], names: dict[str, str]) -> str:
    """What the picture shows, in words, for its ``aria-label``."""
    rows = []
    for number, c in enumerate(clusters[:ROWS], start=1):
        who = [names.get(m.submission, m.submission) for m in c.members]
        if c.first:
            who[0] += " (first to submit)"
        rows.append(
            f"passage {number}, {len(who)} submissions share {c.words} words: " + ", ".join(who)
        )
    more = (
        f"; {len(clusters) - ROWS} more passages are listed below" if len(clusters) > ROWS else ""
    )
    return (
        f"{len(clusters)} passages shared between submissions, each a row, oldest submission "
        "first: " + "; ".join(rows) + more + "."
    )


def cluster_map(clusters: Sequence[Cluster], names: dict[str, str], href: MemberHref) -> str:
    """The picture as an inline ``<svg role="img">``, or ``""`` when no passage is shared.

    Args:
        clusters: The batch's shared passages, largest first (numbered from 1 in this order).
        names: Each submission's name (by id), as the report names it.
        href: Where a member's passage is on its page.
    """
    if not clusters:
        return ""
    shared: Counter[str] = Counter(m.submission for c in clusters for m in c.members)
    rows = [
        _row(number, c, _KEY + 22 + (number - 1) * _ROW, names, shared, href)
        for number, c in enumerate(clusters[:ROWS], start=1)
    ]
    height = _KEY + (len(rows)) * _ROW + 4
    marker = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path class="arrow" d="M0 0 L10 5 L0 10 z"/>'
        "</marker></defs>"
    )
    return el(
        "svg",
        marker + _key() + "".join(rows),
        class_="chart clusters",
        viewBox=f"0 0 {_W} {height:.0f}",
        role="img",
        aria_label=_label(clusters, names),
        xmlns="http://www.w3.org/2000/svg",
    )
