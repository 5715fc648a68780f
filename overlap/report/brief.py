"""The terminal summary of a scan that fits a screen: the most similar submissions, the counts.

``overlap scan`` prints it by default; ``--all`` prints every submission and every finding
(:mod:`overlap.report.terminal`). Each submission takes one line, its name shortened in the
middle where the column is too narrow, so the summary of any batch is as long as its top
rows and a few lines of counts: 500 posts fit in 40 lines of an 80-column terminal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from overlap.model import Kind, ScanResult, Severity
from overlap.report.names import submission_names
from overlap.report.terminal import SEVERITY_STYLE, Fitted, by_similarity, plain_table

#: Submissions the summary lists by default.
TOP = 20
#: The narrowest a name gets before the other columns give way.
NAME_MIN = 16
_SEVERITIES = (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
_FLAG_WORDS = {"invisible_characters": "invisible", "hidden_text": "hidden"}


def middle_cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut in the middle (``week7/stu…t_0400.txt``).

    Both ends of a name tell names apart: a folder and a file number, a first name and a
    surname.
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head, tail, room = "", "", width - 1
    left, right = 0, len(text)
    while left < right:
        take_head = cell_len(head) <= cell_len(tail)
        char = text[left] if take_head else text[right - 1]
        if cell_len(head) + cell_len(tail) + cell_len(char) > room:
            break
        if take_head:
            head, left = head + char, left + 1
        else:
            tail, right = char + tail, right - 1
    return f"{head}…{tail}"


@dataclass(frozen=True)
class OneLine:
    """A name that keeps to one line, cut in the middle where its column is too narrow."""

    text: str

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As narrow as :data:`NAME_MIN` cells, as wide as the whole name."""
        whole = cell_len(self.text)
        return Measurement(min(whole, NAME_MIN), whole)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The name, cut to the column's width."""
        yield Text(middle_cut(self.text, options.max_width), no_wrap=True, overflow="crop")


def _flags(flags: tuple[str, ...]) -> str:
    return ", ".join(_FLAG_WORDS.get(f, f.replace("_", " ")) for f in flags)


def _top_table(result: ScanResult, top: int) -> Fitted:
    """The ``top`` most similar submissions, one line each: similarity and counts per severity.

    The flags column is left out when none of them has a flag. In a terminal too narrow for
    the table, each submission is one line of words, folded where it must be.
    """
    names = submission_names(result.submissions)
    per: dict[str, Counter[Severity]] = {}
    for f in result.findings:
        if not f.dismissed:
            per.setdefault(f.submission, Counter())[f.severity] += 1
    shown = by_similarity(result)[:top]
    title = (
        f"The {len(shown)} most similar of {len(result.submissions)} submissions"
        if len(shown) < len(result.submissions)
        else "Submissions by similarity"
    )
    flags = any(s.flags for s in shown)
    blocks: list[RenderableType] = []
    for s in shown:
        counts = per.get(s.id, Counter())
        found = ", ".join(f"{counts[sev]} {sev.value}" for sev in _SEVERITIES if counts[sev])
        words = [f"{percent(s.similarity):>4}", names[s.id], found or "no findings"]
        if s.flags:
            words.append(f"flags: {_flags(s.flags)}")
        blocks.append(Text("  ".join(words), overflow="fold"))

    def build(compact: bool) -> Table:
        table = plain_table(title)
        table.add_column("submission", ratio=1)
        for head in ("similarity", "high", "medium", "low", "info"):
            table.add_column(head, justify="right", no_wrap=True)
        if flags:  # narrower than the names, which tell the rows apart
            table.add_column("flags", no_wrap=True, overflow="ellipsis", max_width=16)
        for s in shown:
            counts = per.get(s.id, Counter())
            cells = [str(counts[sev]) if counts[sev] else "-" for sev in _SEVERITIES]
            table.add_row(
                OneLine(names[s.id]),
                percent(s.similarity),
                *cells,
                *([_flags(s.flags)] if flags else []),
            )
        return table

    return Fitted(build, blocks)


def percent(share: float) -> str:
    """A share as a whole percentage, as the report's pages show it (``<1%`` above 0)."""
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def _counts(result: ScanResult) -> list[RenderableType]:
    """The findings counted by severity, each severity with its kinds; dismissed ones apart.

    A grid of one row per severity (``high  110  88 unattributed copy, 22 peer overlap``),
    whose kinds wrap in their own column.
    """
    by_severity: dict[Severity, Counter[Kind]] = {}
    dismissed = 0
    for f in result.findings:
        if f.dismissed:
            dismissed += 1
        else:
            by_severity.setdefault(f.severity, Counter())[f.kind] += 1
    total = {s: sum(by_severity.get(s, Counter()).values()) for s in _SEVERITIES}
    head = (
        f"Findings: {sum(total[s] for s in _SEVERITIES[:3])} to review, {total[Severity.INFO]} info"
    )
    if dismissed:
        head += f", {dismissed} dismissed (counted apart)"
    grid = Table.grid(padding=(0, 2), pad_edge=False)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for s in _SEVERITIES:
        if total[s]:
            kinds = ", ".join(
                f"{n} {k.value.replace('_', ' ')}" for k, n in by_severity[s].most_common()
            )
            grid.add_row(
                Text(f"  {s.value}", style=SEVERITY_STYLE.get(s, "")), str(total[s]), kinds
            )
    return [Text(head), grid] if grid.row_count else [Text(head)]


def _more(result: ScanResult, top: int) -> Text:
    """How many more submissions and findings there are, and how to see them."""
    subs = len(result.submissions)
    found = {f.submission for f in result.findings if f.counts}
    left = by_similarity(result)[top:]
    with_findings = sum(s.id in found for s in left)
    parts = []
    if left:
        parts.append(
            f"{len(left)} more submissions ({with_findings} with findings to review) are in "
            "the report"
        )
    if result.findings:
        parts.append(f"overlap scan --all prints all {subs} and every finding")
    return Text("; ".join(parts) + "." if parts else "")


def brief(result: ScanResult, top: int = TOP) -> RenderableType:
    """The summary ``overlap scan`` prints by default.

    Args:
        result: A scan result.
        top: How many submissions to list, most similar first.

    Returns:
        A renderable: a line of totals, the ``top`` most similar submissions one line each,
        the findings counted by severity and kind (dismissed ones apart) and how many more
        submissions the report holds.
    """
    if top < 1:
        raise ValueError(f"top must be >= 1, got {top}")
    subs = len(result.submissions)
    with_findings = len({f.submission for f in result.findings if f.counts})
    totals = Text(
        f"{subs} submissions scanned: {with_findings} with findings to review, "
        f"{subs - with_findings} with nothing to review."
    )
    parts: list[RenderableType] = [totals]
    if result.submissions:
        parts.append(_top_table(result, top))
    parts += _counts(result)
    more = _more(result, top)
    if more.plain:
        parts.append(more)
    return Group(*parts)
