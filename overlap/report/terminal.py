"""The terminal summary of a scan: a rich table sorted by similarity."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from overlap.model import ScanResult


def summary_table(result: ScanResult) -> Table:
    """One row per submission, most similar first, with counts per finding kind."""
    kinds: dict[str, Counter[str]] = {}
    for f in result.findings:
        kinds.setdefault(f.submission, Counter())[str(f.kind)] += 1
    table = Table(title="overlap: submissions by similarity")
    for name, justify in [
        ("submission", "left"), ("student", "left"), ("words", "right"),
        ("similarity", "right"), ("overlap", "right"), ("findings", "left"), ("flags", "left"),
    ]:  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in sorted(result.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path)):
        counts = kinds.get(s.id, Counter())
        table.add_row(
            s.path,
            s.student or "",
            str(s.words),
            f"{s.similarity:.0%}",
            f"{s.overlap:.0%}",
            ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "-",
            ", ".join(s.flags),
        )
    return table


def findings_table(result: ScanResult, limit: int = 50) -> Table:
    """The findings with offsets on both sides, most severe and longest first."""
    paths = {s.id: s.path for s in result.submissions}
    table = Table(title="overlapping passages")
    for name in ("submission", "kind", "chars", "source", "source chars", "words", "tfidf",
                 "containment"):  # fmt: skip
        table.add_column(name)
    ordered = sorted(result.findings, key=lambda f: (-f.severity.rank, -f.words))
    for f in ordered[:limit]:
        table.add_row(
            paths.get(f.submission, f.submission),
            str(f.kind),
            f"{f.start}-{f.end}",
            f.source_path,
            f"{f.source_start}-{f.source_end}",
            str(f.words),
            f"{f.tfidf:.2f}",
            f"{f.containment:.2f}",
        )
    if len(ordered) > limit:
        table.caption = f"{len(ordered) - limit} more in findings.json"
    return table
