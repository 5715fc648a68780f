"""The terminal summary of a scan: rich tables sorted by similarity and by severity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from overlap.model import ScanResult


def short_names(paths: Iterable[str]) -> dict[str, str]:
    """Map each path to its shortest trailing part that is still unique among ``paths``."""
    paths = sorted(set(paths))
    parts = {p: PurePosixPath(p.replace("\\", "/")).parts for p in paths}
    names: dict[str, str] = {}
    for p in paths:
        for depth in range(1, len(parts[p]) + 1):
            tail = parts[p][-depth:]
            if sum(1 for q in paths if parts[q][-depth:] == tail) == 1:
                names[p] = "/".join(tail)
                break
        else:
            names[p] = p
    return names


@dataclass(frozen=True)
class CharRange:
    """A character range shown as ``start-end``, broken after the dash in a narrow column.

    A narrow column would otherwise fold the numbers themselves (``98765-999`` / ``99``).
    """

    start: int | None
    end: int | None

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """At least as wide as the longer half, at most the whole range on one line."""
        head, tail = f"{self.start}-", str(self.end)
        return Measurement(max(len(head), len(tail)), len(head) + len(tail))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One line where it fits, else the start and the end on lines of their own."""
        whole = f"{self.start}-{self.end}"
        yield Text(whole if len(whole) <= options.max_width else f"{self.start}-\n{self.end}")


def summary_table(result: ScanResult) -> Table:
    """One row per submission, most similar first, with counts per finding kind."""
    kinds: dict[str, Counter[str]] = {}
    for f in result.findings:
        kinds.setdefault(f.submission, Counter())[str(f.kind)] += 1
    names = short_names(s.path for s in result.submissions)
    table = Table(title="Submissions by similarity", title_justify="left")
    table.add_column("submission", no_wrap=True)
    table.add_column("student")
    table.add_column("words", justify="right")
    table.add_column("similarity", justify="right")
    table.add_column("overlap", justify="right")
    table.add_column("findings")
    table.add_column("flags")
    for s in sorted(result.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path)):
        counts = kinds.get(s.id, Counter())
        table.add_row(
            names[s.path],
            s.student or "",
            str(s.words),
            f"{s.similarity:.0%}",
            f"{s.overlap:.0%}",
            "\n".join(f"{n} {k}" for k, n in sorted(counts.items())) or "-",
            "\n".join(s.flags),
        )
    return table


def findings_table(result: ScanResult, limit: int = 50) -> Table:
    """The findings, most severe and longest first: where, what kind, what it rests on, scores.

    Each passage's character range stands under its document's name, kinds are in words
    (``unattributed copy``) and long names fold rather than being cut, so the table reads in
    an 80-column terminal.
    """
    names = short_names(
        [s.path for s in result.submissions]
        + [f.source_path for f in result.findings if f.source_path]
    )
    paths = {s.id: s.path for s in result.submissions}
    table = Table(title="Overlapping passages", title_justify="left")
    table.add_column("submission\nchars", overflow="fold")
    table.add_column("kind", width=12)
    table.add_column("evidence", no_wrap=True)
    table.add_column("source\nchars", overflow="fold")
    table.add_column("words", justify="right", no_wrap=True)
    table.add_column("tfidf", justify="right", no_wrap=True)
    table.add_column("contain.", justify="right", no_wrap=True)
    ordered = sorted(result.findings, key=lambda f: (-f.severity.rank, -f.words))
    for f in ordered[:limit]:
        source: Text | Group = Text("(no source found)")
        if f.source_path:
            source = Group(Text(names[f.source_path]), CharRange(f.source_start, f.source_end))
        table.add_row(
            Group(Text(names[paths[f.submission]]), CharRange(f.start, f.end)),
            str(f.kind).replace("_", " "),
            str(f.evidence or ""),
            source,
            str(f.words),
            f"{f.tfidf:.2f}",
            f"{f.containment:.2f}",
        )
    if len(ordered) > limit:
        table.caption = f"{len(ordered) - limit} more in findings.json"
    return table
