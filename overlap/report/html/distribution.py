"""The overview's picture of the batch: how similarity spreads over it, outliers named.

A histogram of the submissions' similarity drawn as inline SVG (no script; the page's
stylesheet draws it), with the submissions far above the rest of the batch named on lanes
above it and linked to their pages. It reads without colour (bars above the fence are
hatched, counts are written on the bars) and to screen readers (``role="img"``, an
``aria-label`` that says what it shows, the outliers again as a list of links below it and
the counts as a table).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from overlap.model import SubmissionSummary
from overlap.report.html.markup import attrs, esc
from overlap.report.html.page import percent
from overlap.report.html.svg import cut, el, text, tip

#: Bins of the histogram above "none": 5 percentage points each.
BINS = 20
#: Outliers named on the chart, most similar first; the rest are counted.
NAMED = 10
#: With fewer submissions with some similarity there is no fence: the quartiles of a handful
#: of posts say nothing.
FENCE_MIN = 8
#: Characters of a name on the chart (cut in the middle); the list below has them whole.
NAME_CHARS = 36

_W, _LEFT, _RIGHT = 960, 56, 24
_X0, _X1 = 136, _W - _RIGHT  # the similarity axis; the "none" bar stands left of it
_ROW, _PLOT, _TOP = 18, 150, 8
_DASH = "\u2013"


@dataclass(frozen=True)
class Spread:
    """How similarity spreads over a batch.

    ``none`` counts submissions whose similarity is 0; ``bins`` the others by 5 percentage
    points (the last bin holds 100%). ``fence`` is Tukey's upper fence (the third quartile
    plus 1.5 times the interquartile range) of the similarity of the submissions that have
    some, None when too few have some; ``outliers`` are the submissions above it, most
    similar first.

    Submissions with no similarity are left out of the quartiles: in most batches most posts
    copy nothing, which would put the fence at 0 and make every post with a finding an
    outlier. The fence tells which of the posts with findings stand far above the others.
    """

    total: int
    none: int
    bins: tuple[int, ...]
    fence: float | None
    outliers: tuple[SubmissionSummary, ...]


def spread(submissions: Sequence[SubmissionSummary]) -> Spread:
    """Count a batch's submissions by similarity and find those far above the rest."""
    bins = [0] * BINS
    none = 0
    for s in submissions:
        if s.similarity <= 0:
            none += 1
        else:
            bins[min(BINS - 1, math.floor(s.similarity * BINS))] += 1
    fence = None
    outliers: tuple[SubmissionSummary, ...] = ()
    some = [s.similarity for s in submissions if s.similarity > 0]
    if len(some) >= FENCE_MIN:
        q1, _, q3 = statistics.quantiles(some, n=4)
        fence = q3 + 1.5 * (q3 - q1)
        above = [s for s in submissions if s.similarity > fence]
        outliers = tuple(sorted(above, key=lambda s: (-s.similarity, -s.overlap, s.path)))
    return Spread(len(submissions), none, tuple(bins), fence, outliers)


def _bin_words(i: int) -> str:
    return f"{5 * i}{_DASH}{5 * i + 5}%"


def _x(similarity: float) -> float:
    return _X0 + max(0.0, min(similarity, 1.0)) * (_X1 - _X0)


def _ticks(top: int) -> list[int]:
    """Round numbers from 0 to at least ``top``: four steps at most, of 1, 2 or 5 times 10**n."""
    step = 1
    while math.ceil(top / step) > 4:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return list(range(0, step * math.ceil(max(top, 1) / step) + 1, step))


def _label(spread: Spread, names: dict[str, str]) -> str:
    """What the chart shows, in words, for its ``aria-label``."""
    some = spread.total - spread.none
    words = [
        f"Histogram of similarity across {spread.total} submissions: {spread.none} with "
        f"none, {some} with some"
    ]
    if some:
        highest = max(i for i, n in enumerate(spread.bins) if n)
        words.append(f"the highest at {_bin_words(highest)}")
    if spread.fence is not None:
        named = ", ".join(f"{names[s.id]} {percent(s.similarity)}" for s in spread.outliers[:NAMED])
        words.append(
            f"{len(spread.outliers)} above the upper fence of {percent(spread.fence)}"
            + (f"; the most similar: {named}" if named else "")
        )
    return "; ".join(words) + "."


def _bars(spread: Spread, top: int, axis: float) -> list[str]:
    """The "none" bar (broken when it would dwarf the others) and one bar per bin."""
    scale = _PLOT / top
    clipped = spread.none > top
    height = _PLOT + 12 if clipped else spread.none * scale
    none = [
        tip(f"{spread.none} submissions with no similarity"),
        el("rect", x=_LEFT + 14, y=axis - height, width=44, height=height),
        text(str(spread.none), class_="count", x=_LEFT + 36, y=axis - height - 4),
    ]
    if clipped:  # a break across the bar: it is taller than drawn
        y = axis - _PLOT + 20
        none.append(el("path", class_="break", d=f"M{_LEFT + 8} {y} l56 -10 m-56 18 l56 -10"))
    out = [el("g", "".join(none), class_="none")]
    width = (_X1 - _X0) / BINS
    for i, n in enumerate(spread.bins):
        if not n:
            continue
        h = max(n * scale, 2.0)
        x = _X0 + i * width + 1
        above = spread.fence is not None and i / BINS >= spread.fence
        body = (
            tip(f"{n} submission{'s' * (n != 1)} at {_bin_words(i)} similarity")
            + el("rect", x=x, y=axis - h, width=width - 2, height=h)
            + text(str(n), class_="count", x=x + width / 2 - 1, y=axis - h - 4)
        )
        out.append(el("g", body, class_="bin out" if above else "bin"))
    return out


def _axes(top: int, ticks: list[int], axis: float) -> list[str]:
    """Gridlines with counts on the left, percentages under the similarity axis, titles."""
    out = []
    for t in ticks:
        y = axis - t * _PLOT / top
        out.append(el("line", class_="grid", x1=_LEFT, x2=_X1, y1=y, y2=y))
        out.append(text(str(t), class_="tick y", x=_LEFT - 6, y=y + 4))
    for p in range(0, 101, 10):
        x = _x(p / 100)
        out.append(el("line", class_="axis", x1=x, x2=x, y1=axis, y2=axis + 5))
        out.append(text(f"{p}%", class_="tick", x=x, y=axis + 18))
    out += [
        el("line", class_="axis", x1=_X0, x2=_X1, y1=axis, y2=axis),
        el("line", class_="axis", x1=_LEFT + 8, x2=_LEFT + 64, y1=axis, y2=axis),
        text("none", class_="tick", x=_LEFT + 36, y=axis + 18),
        text(
            "similarity: share of a submission\u2019s words in findings to review",
            class_="title",
            x=(_X0 + _X1) / 2,
            y=axis + 38,
        ),
        text(
            "submissions",
            class_="title",
            x=14,
            y=axis - _PLOT / 2,
            transform=f"rotate(-90 14 {axis - _PLOT / 2:.0f})",
        ),
    ]
    return out


def _fence(spread: Spread, plot_top: float, axis: float) -> list[str]:
    """The upper fence: a dashed line across the plot, labelled."""
    if spread.fence is None or spread.fence >= 1:
        return []
    x = _x(spread.fence)
    end = x > _W * 0.7
    return [
        el("line", class_="fence", x1=x, x2=x, y1=plot_top - 16, y2=axis),
        text(
            f"upper fence {percent(spread.fence)}",
            class_="fence-label end" if end else "fence-label",
            x=x - 6 if end else x + 6,
            y=plot_top - 6,
        ),
    ]


def _lanes(spread: Spread, names: dict[str, str], hrefs: dict[str, str], axis: float) -> list[str]:
    """A lane per named outlier, most similar on top, linked to its page.

    On each, a dot above the outlier's similarity with its name and similarity beside it,
    and a dotted line down to the axis.
    """
    out = []
    for row, s in enumerate(spread.outliers[:NAMED]):
        y = _TOP + row * _ROW + _ROW / 2
        x = _x(s.similarity)
        end = x > (_X0 + _X1) / 2
        name = names[s.id]
        label = esc(cut(name, NAME_CHARS)) + " " + el("tspan", esc(percent(s.similarity)))
        body = (
            tip(f"{name}: {percent(s.similarity)} similarity")
            + el("line", class_="drop", x1=x, x2=x, y1=y, y2=axis)
            + el("circle", cx=x, cy=y, r=4)
            + el(
                "text",
                label,
                class_="name end" if end else "name",
                x=x + (-8 if end else 8),
                y=y + 4,
            )
        )
        out.append(el("a", body, href=hrefs[s.id], class_="outlier"))
    return out


def similarity_chart(spread: Spread, names: dict[str, str], hrefs: dict[str, str]) -> str:
    """The histogram as an inline ``<svg role="img">`` with its ``aria-label``.

    Args:
        spread: The batch's similarity, from :func:`spread`.
        names: Each submission's name (by id), as the report names it.
        hrefs: Each submission's page (by id), relative to the overview.
    """
    tallest = max(spread.bins, default=0)
    # "none" is drawn broken when it would dwarf the others, which then keep their scale
    ticks = _ticks(tallest if tallest and spread.none > 2 * tallest else max(tallest, spread.none))
    top = ticks[-1] or 1
    lanes = min(len(spread.outliers), NAMED) * _ROW
    plot_top = _TOP + lanes + (34 if spread.fence is not None and spread.fence < 1 else 14)
    axis = plot_top + _PLOT
    height = axis + 46
    pattern = (
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect class="hatch-bg" width="6" height="6"/>'
        '<line class="hatch-line" x1="1" y1="0" x2="1" y2="6"/></pattern></defs>'
    )
    body = "".join(
        [
            pattern,
            *_axes(top, ticks, axis),
            *_bars(spread, top, axis),
            *_fence(spread, plot_top, axis),
            *_lanes(spread, names, hrefs, axis),
        ]
    )
    return el(
        "svg",
        body,
        class_="chart spread",
        viewBox=f"0 0 {_W} {height:.0f}",
        role="img",
        aria_label=_label(spread, names),
        xmlns="http://www.w3.org/2000/svg",
    )


def spread_section(
    submissions: Sequence[SubmissionSummary], names: dict[str, str], hrefs: dict[str, str]
) -> str:
    """The chart with what it shows in words: the fence, the outliers as links, the counts.

    Args:
        submissions: The batch.
        names: Each submission's name (by id), as the report names it.
        hrefs: Each submission's page (by id), relative to the overview.
    """
    if not submissions:
        return '<p class="empty">No submission was read: there is no batch to picture.</p>'
    batch = spread(submissions)
    some = batch.total - batch.none
    if batch.fence is None:
        fence = (
            f"No outliers are told apart: {some} submission{'s' * (some != 1)} "
            f"{'have' if some != 1 else 'has'} some similarity, and quartiles need {FENCE_MIN} "
            "or more."
        )
    else:
        more = len(batch.outliers) > NAMED
        fence = (
            "Outliers are the submissions above the upper fence, "
            f"{esc(percent(batch.fence))}: the third quartile plus 1.5 times the "
            "interquartile range of the similarity of the submissions that have some. "
            f"{len(batch.outliers)} of {batch.total} submissions are above it"
            + (f"; the {NAMED} most similar are named." if more else ".")
        )
    items = "".join(
        f"<li><a{attrs(href=hrefs[s.id])}>{esc(names[s.id])}</a> "
        f'<span class="pct">{esc(percent(s.similarity))}</span></li>'
        for s in batch.outliers[:NAMED]
    )
    outliers = f'<ol class="outliers" aria-label="Outliers">{items}</ol>' if items else ""
    rows = [("none", batch.none)] + [(_bin_words(i), n) for i, n in enumerate(batch.bins) if n]
    table = "".join(f'<tr><td>{esc(label)}</td><td class="num">{n}</td></tr>' for label, n in rows)
    return (
        f'<figure class="figure">{similarity_chart(batch, names, hrefs)}'
        '<figcaption class="note">Each bar counts the submissions whose similarity falls in '
        + (
            "it; bars above the upper fence are hatched, and each named outlier links to its page. "
            if batch.outliers
            else "it. "
        )
        + f"{fence}</figcaption></figure>{outliers}"
        "<details><summary>The chart as a table</summary>"
        '<table class="counts"><thead><tr><th>Similarity</th><th class="num">Submissions</th>'
        f"</tr></thead><tbody>{table}</tbody></table></details>"
    )
