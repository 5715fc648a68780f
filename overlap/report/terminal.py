"""The terminal summary of a scan: rich tables sorted by similarity and by severity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import PurePosixPath

from rich.table import Table

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
    """The findings with character ranges on both sides, most severe and longest first."""
    names = short_names(
        [s.path for s in result.submissions]
        + [f.source_path for f in result.findings if f.source_path]
    )
    paths = {s.id: s.path for s in result.submissions}
    table = Table(title="Overlapping passages", title_justify="left")
    table.add_column("submission", no_wrap=True)
    table.add_column("chars", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("source", no_wrap=True)
    table.add_column("chars", no_wrap=True)
    table.add_column("words", justify="right")
    table.add_column("tfidf", justify="right")
    table.add_column("contain.", justify="right")
    ordered = sorted(result.findings, key=lambda f: (-f.severity.rank, -f.words))
    for f in ordered[:limit]:
        table.add_row(
            names[paths[f.submission]],
            f"{f.start}-{f.end}",
            str(f.kind),
            names[f.source_path] if f.source_path else "(no source found)",
            f"{f.source_start}-{f.source_end}" if f.source_path else "",
            str(f.words),
            f"{f.tfidf:.2f}",
            f"{f.containment:.2f}",
        )
    if len(ordered) > limit:
        table.caption = f"{len(ordered) - limit} more in findings.json"
    return table
