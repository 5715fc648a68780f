"""The terminal summary of a scan: tables by similarity and by severity, 80 columns first."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from overlap.model import Finding, Kind, ScanResult, Severity, SubmissionSummary
from overlap.report.kinds import decided, kind_words
from overlap.report.names import submission_names
from overlap.review.decisions import Action, Decision


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


@dataclass(frozen=True)
class Name:
    """A file or student name that folds in a narrow column rather than widening it.

    Rich sizes a column at least as wide as its longest word, and a path is one long word;
    a table of long paths would then squeeze the other columns to nothing.
    """

    text: str

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """Folds down to :data:`NAME_WIDTH` characters, at most the whole name."""
        return Measurement(min(len(self.text), NAME_WIDTH), len(self.text))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The name, folded where the column is narrower than a word of it."""
        yield Text(self.text, overflow="fold")


#: The narrowest a name column gets before names fold (the width of its header).
NAME_WIDTH = len("submission")
#: Terminal styles of the severities; a terminal without colour shows the word alone.
SEVERITY_STYLE = {Severity.HIGH: "bold red", Severity.MEDIUM: "yellow", Severity.INFO: "dim"}


@dataclass(frozen=True)
class Fitted:
    """A table laid out for the width it is printed in.

    ``build(False)`` is the table at its natural widths, used where it fits. ``build(True)``
    fixes the width of every column whose words wrap and leaves only the names to fold:
    Rich narrows a table by shrinking its widest wrapping columns alike, below their
    longest word if need be, which would cut kinds and scores. Narrower still, each row is a
    block of lines (``blocks``) that wraps at any width.
    """

    build: Callable[[bool], Table]
    blocks: list[RenderableType]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The first layout that fits ``options.max_width``."""
        unbounded = options.update_width(10_000)  # Measurement.get would clip to the width
        for compact in (False, True):
            table = self.build(compact)
            least, natural = table.__rich_measure__(console, unbounded)
            if (least if compact else natural) <= options.max_width:
                yield table
                return
        yield Text(str(table.title), style="table.title")
        yield from self.blocks
        if table.caption:
            yield Text(str(table.caption), style="table.caption")


def _words(name: str) -> str:
    return name.replace("_", " ")


def _block(head: Text, lines: list[str]) -> Group:
    """A row for a narrow terminal: its head, then its values indented, wrapped lines too."""
    return Group(head, Padding(Text("\n".join(lines), overflow="fold"), (0, 0, 0, 2), expand=False))


def plain_table(title: str) -> Table:
    """A table with a rule under its header and no outer edges (room for eight columns)."""
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        collapse_padding=True,
        pad_edge=False,
    )


def summary_table(result: ScanResult) -> Fitted:
    """One row per submission, most similar first: counts per finding kind, then its flags.

    Each submission is named as every report names it (:mod:`overlap.report.names`).
    Findings a person dismissed are counted apart (``2 dismissed``), not by kind.
    """
    kinds: dict[str, Counter[str]] = {}
    dismissed: Counter[str] = Counter()
    for f in result.findings:
        if f.dismissed:
            dismissed[f.submission] += 1
        else:
            kinds.setdefault(f.submission, Counter())[_words(f.kind)] += 1
    names = submission_names(result.submissions)
    rows: list[tuple[str, tuple[str, str, str], list[str]]] = []
    blocks: list[RenderableType] = []
    for s in by_similarity(result):
        found = [f"{n} {k}" for k, n in sorted(kinds.get(s.id, Counter()).items())]
        if dismissed[s.id]:
            found.append(f"{dismissed[s.id]} dismissed")
        found = found or ["-"]
        found += [f"flag: {_words(flag)}" for flag in s.flags]
        figures = (str(s.words), f"{s.similarity:.0%}", f"{s.overlap:.0%}")
        rows.append((names[s.id], figures, found))
        lines = [
            f"{s.words} words, similarity {figures[1]}, overlap {figures[2]}",
            f"findings: {', '.join(found)}",
        ]
        blocks.append(_block(Text(names[s.id], overflow="fold"), lines))

    def build(compact: bool) -> Table:
        table = plain_table("Submissions by similarity")
        table.add_column("submission")
        table.add_column("words", justify="right", no_wrap=True)
        table.add_column("similarity", justify="right", no_wrap=True)
        table.add_column("overlap", justify="right", no_wrap=True)
        # as wide as "1 missing quotation marks" and "flag: invisible characters"
        table.add_column("findings", width=26 if compact else None)
        for name, figures, found in rows:
            table.add_row(Name(name), *figures, "\n".join(found))
        return table

    return Fitted(build, blocks)


def by_similarity(result: ScanResult) -> list[SubmissionSummary]:
    """The submissions, most similar first (then most overlap, then by path)."""
    return sorted(result.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path))


def other_name(f: Finding, names: dict[str, str], short: dict[str, str]) -> str | None:
    """What a finding points to, in words.

    Another submission by its report name (``names``), a stored document by the shortest end
    of its path that tells it from the others (``short``).
    """
    if f.source in names:
        return names[f.source]
    return short[f.source_path] if f.source_path else None


def _unsourced(f: Finding, otherwise: str) -> str:
    """What stands in a finding's source column when it has no other document."""
    if f.kind is Kind.COMMON_PHRASING:
        return f"shared by {f.shared_by} submissions"
    return otherwise


def findings_table(result: ScanResult, limit: int = 50) -> Fitted:
    """The findings, most severe and longest first: how bad, what kind, where, what it rests on.

    Each passage's character range stands under its document's name, kinds are in words
    (``unattributed copy``) and long names fold rather than being cut, so the table reads in
    an 80-column terminal; in a narrower one each finding is a block of lines. A finding a
    person decided about says so under its kind (``— dismissed``); the dismissed ones come
    last, dimmed.
    """
    names = submission_names(result.submissions)
    short = short_names(f.source_path for f in result.findings if f.source_path)
    ordered = sorted(result.findings, key=lambda f: (f.dismissed, -f.severity.rank, -f.words))
    rows: list[tuple[Finding, Text, str, str | None, tuple[str, str, str]]] = []
    blocks: list[RenderableType] = []
    for f in ordered[:limit]:
        severity = Text(f.severity.value, style=SEVERITY_STYLE.get(f.severity, ""))
        mine = names[f.submission]
        theirs = other_name(f, names, short)
        scores = (str(f.words), f"{f.tfidf:.2f}", f"{f.containment:.2f}")
        rows.append((f, severity, mine, theirs, scores))
        head = Text.assemble(severity, f"  {kind_words(f)}")
        if f.evidence:
            head.append(f", {f.evidence}")
        head.append(decided(f))
        found = (
            f"{theirs} chars {f.source_start}-{f.source_end}"
            if theirs
            else _unsourced(f, "none found")
        )
        lines = [
            f"{mine} chars {f.start}-{f.end}",
            f"source: {found}",
            f"{scores[0]} words, tfidf {scores[1]}, containment {scores[2]}",
        ]
        blocks.append(_block(head, lines))

    def build(compact: bool) -> Table:
        table = plain_table("Overlapping passages")
        table.add_column("severity", no_wrap=True)
        table.add_column("kind", width=12 if compact else None)
        table.add_column("evidence", no_wrap=True)
        table.add_column("submission\nchars")
        table.add_column("source\nchars")
        table.add_column("words", justify="right", no_wrap=True)
        table.add_column("tfidf", justify="right", no_wrap=True)
        table.add_column("cont.", justify="right", no_wrap=True)
        for f, severity, mine, theirs, scores in rows:
            source: RenderableType = Text(f"({_unsourced(f, 'no source found')})")
            if theirs is not None:
                source = Group(Name(theirs), CharRange(f.source_start, f.source_end))
            table.add_row(
                severity,
                "\n".join(filter(None, (kind_words(f), decided(f).strip()))),
                str(f.evidence or ""),
                Group(Name(mine), CharRange(f.start, f.end)),
                source,
                *scores,
                style="dim" if f.dismissed else None,
            )
        if len(ordered) > limit:
            table.caption = f"{len(ordered) - limit} more in findings.json"
        return table

    return Fitted(build, blocks)


def one_line(text: str) -> str:
    r"""Text for one terminal line: control characters shown as escapes (``\n``, ``\x1b``).

    A note or a name typed by someone must not move the cursor or colour the terminal.
    """
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(repr(char)[1:-1])
        else:
            out.append(char)
    return "".join(out)


def decision_line(d: Decision) -> str:
    """One recorded review decision as ``overlap review list`` prints it."""
    what = d.target or d.source_path or (d.passage or "")[:40]
    scope = f" (term {d.term})" if d.action is Action.EXCLUDE_SOURCE and d.term else ""
    return one_line(f"{d.id}  {d.action:<14} {what}{scope}  {d.by} {d.at}  {d.note}")
