"""The terminal tables of a scan: every value readable at 80 columns, and at 60 and 120."""

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from overlap.cli import app
from overlap.cli.common import out as stdout_console
from overlap.model import (
    Evidence,
    Finding,
    FindingDecision,
    Kind,
    ScanResult,
    Severity,
    SubmissionSummary,
    Verdict,
)
from overlap.report.brief import brief, middle_cut
from overlap.report.kinds import kind_words
from overlap.report.names import submission_names
from overlap.report.terminal import findings_table, short_names, summary_table

WIDTHS = [60, 80, 120]
CASES = [  # long names, every severity, six-digit offsets: the hard cases for a narrow terminal
    ("susp/suspicious-document01444.txt", Kind.UNATTRIBUTED_COPY, Evidence.EDITED,
     "src/source-document02407.txt", "Ignatius Vandersloot-Okafor"),
    ("week/Mateo Delgado - Reflection week 3.docx", Kind.MISSING_QUOTATION_MARKS,
     Evidence.EXACT, "sources/okonkwo2022-motivational-interviewing.pdf", "Mateo Delgado"),
    ("wk/carol.txt", Kind.UNCITED_PARAPHRASE, Evidence.PARAPHRASE, "src/pryce.txt", None),
    ("wk/dan.txt", Kind.PEER_OVERLAP, Evidence.EXACT, "susp/suspicious-document01444.txt",
     "student-3f9a1c0b"),
    ("wk/erin.txt", Kind.UNMATCHED_QUOTE, None, None, "Erin"),
    ("wk/finn.txt", Kind.ATTRIBUTED_QUOTE, Evidence.EXACT, "src/pryce.txt", "Finn"),
    # copied without quotation marks and cited to another work: the kind says both
    ("wk/gus.txt", Kind.MISCITED, Evidence.EXACT, "src/pryce.txt", "Gus"),
]  # fmt: skip
FLAGS = ("invisible_characters", "homoglyphs")


def result() -> ScanResult:
    subs = tuple(
        SubmissionSummary(f"id{i}", path, student, 900 + i, 0.5 - i / 100, 0.6, FLAGS[: i % 3])
        for i, (path, _, _, _, student) in enumerate(CASES)
    )
    findings = tuple(
        Finding(
            submission=f"id{i}",
            kind=kind,
            start=123456,
            end=124789 + i,
            text="...",
            source=source and "src",
            source_path=source,
            source_start=source and 98765,
            source_end=source and 99990 + i,
            words=200 + i,
            tfidf=0.81 + i / 100,
            containment=0.71 + i / 100,
            evidence=evidence,
        )
        for i, (_, kind, evidence, source, _) in enumerate(CASES)
    )
    return ScanResult({}, "2025-02-10T08:00:00+00:00", subs, findings)


def render(width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True)
    scan = result()
    console.print(summary_table(scan))
    console.print(findings_table(scan))
    return console.export_text()


FINDINGS = ["severity", "kind", "evidence", "chars", "chars", "words", "tfidf", "cont."]
SUMMARY = ["submission", "words", "similarity", "overlap", "findings"]


def cells(text: str, title: str, headers: list[str], key: int) -> list[list[str]]:
    """A table's rows, a cell per column with its lines.

    Columns start where their headers do (the last line of the header; numbers are no wider
    than theirs); a row starts with a line whose cell in the column ``key`` (one line in
    every row) is not empty.
    """
    section = text[text.index(title) :]
    end = section.find("\nOverlapping passages")  # the table after the summary
    lines = (section if end < 0 else section[:end]).splitlines()
    (at,) = [n for n, line in enumerate(lines) if line.split() == headers]
    starts, position = [], 0
    for header in headers:
        position = lines[at].index(header, position)
        starts.append(position)
        position += len(header)
    rows: list[list[list[str]]] = []
    for line in lines[at + 2 :]:  # below the rule
        if not line.strip():
            break
        parts = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        if parts[key]:
            rows.append([[] for _ in headers])
        for column, part in zip(rows[-1], parts, strict=True):
            if part:
                column.append(part)
    return [["\n".join(column) for column in row] for row in rows]


def unfold(cell: str) -> str:
    """A cell's text with the line breaks of folding and wrapping removed."""
    return re.sub(r"\s+", "", cell)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_value_is_visible(width: int) -> None:
    text = render(width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    scan = result()
    names = submission_names(scan.submissions)  # by id: the student, else the path
    stored = short_names(c[3] for c in CASES if c[3])  # by path: its shortest telling end
    ordered = sorted(scan.findings, key=lambda f: (-f.severity.rank, -f.words))
    if width >= 80:  # a table
        found = cells(text, "Overlapping passages", FINDINGS, key=0)
        assert len(found) == len(ordered)
        for row, f in zip(found, ordered, strict=True):
            source = (
                unfold(stored[f.source_path]) + f"{f.source_start}-{f.source_end}"
                if f.source_path
                else "(nosourcefound)"
            )
            assert [row[0], " ".join(row[1].split()), row[2]] == [
                f.severity.value,
                kind_words(f),
                f.evidence or "",
            ]
            assert unfold(row[3]) == unfold(names[f.submission]) + f"{f.start}-{f.end}"
            assert unfold(row[4]) == source
            assert row[5:] == [str(f.words), f"{f.tfidf:.2f}", f"{f.containment:.2f}"]
        rows = cells(text, "Submissions by similarity", SUMMARY, key=1)
        subs = sorted(scan.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path))
        assert len(rows) == len(subs)
        for row, s in zip(rows, subs, strict=True):
            kind = CASES[int(s.id[2:])][1].replace("_", " ")
            assert unfold(row[0]) == unfold(names[s.id])
            assert row[1:4] == [str(s.words), f"{s.similarity:.0%}", f"{s.overlap:.0%}"]
            flags = [f"flag: {flag.replace('_', ' ')}" for flag in s.flags]
            assert row[4].splitlines() == [f"1 {kind}", *flags]
    else:  # a block of lines per row, which wraps but cuts nothing
        words = text.split()
        for f in ordered:
            values = [
                f.severity.value,
                *kind_words(f).split(),
                str(f.words),
                f"{f.tfidf:.2f}",
                f"{f.containment:.2f}",
                f"{f.start}-{f.end}",
            ]
            if f.source_path:
                values += [*stored[f.source_path].split(), f"{f.source_start}-{f.source_end}"]
            if f.evidence:
                values.append(f.evidence)
            assert all(v in words or f"{v}," in words for v in values), (f, values)
        for s in scan.submissions:
            values = [
                *names[s.id].split(),
                str(s.words),
                f"{s.similarity:.0%},",
                f"{s.overlap:.0%}",
            ]
            values += [word for flag in s.flags for word in flag.split("_")]
            assert all(v in words or f"{v}," in words for v in values), (s, values)


def test_a_severity_column_and_the_scores_in_80_columns() -> None:
    text = render(80)
    header = next(line for line in text.splitlines() if "tfidf" in line)
    assert header.split() == FINDINGS


def test_narrow_terminals_get_one_block_per_finding() -> None:
    text = render(60)
    title, *blocks = [line.rstrip() for line in text[text.index("Overlapping") :].splitlines()]
    assert title == "Overlapping passages"
    heads = [line for line in blocks if not line.startswith(" ")]
    assert heads[0] == "high  peer overlap, exact"
    assert "  source: none found" in blocks  # the unmatched quote
    assert "medium  miscited, no quotation marks, exact" in heads


runner = CliRunner()


def test_scan_all_prints_the_tables_in_80_columns(
    tiny_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder, role in (("sources", "source"), ("prior", "prior")):
        added = runner.invoke(app, ["corpus", "add", str(tiny_set / folder), "--role", role,
                                    "--corpus", str(tmp_path / "store")])  # fmt: skip
        assert added.exit_code == 0
    monkeypatch.setattr(stdout_console, "width", 80)
    scan = [
        "scan",
        tiny_set / "submissions",
        "--corpus",
        tmp_path / "store",
        "--out",
        tmp_path / "o",
        "--all",
    ]
    scanned = runner.invoke(app, [str(a) for a in scan])
    assert scanned.exit_code == 0
    tables, written = scanned.stdout.split("report written to ")
    lines = tables.splitlines()  # (the last line is the path, however long it is)
    assert max(len(line) for line in lines) <= 80 and written.strip() == str(tmp_path / "o")
    document = json.loads((tmp_path / "o" / "findings.json").read_text())
    rows = cells(tables, "Overlapping passages", FINDINGS, key=0)
    assert sorted((r[0], r[2], r[5]) for r in rows) == sorted(
        (f["severity"], f["evidence"] or "", str(f["words"])) for f in document["findings"]
    )


DISMISSED = FindingDecision(Verdict.DISMISSED, "Ana Ruiz", "2025-02-11T09:14:00+00:00", "why")
CONFIRMED = FindingDecision(Verdict.CONFIRMED, "Ana Ruiz", "2025-02-12T16:05:00+00:00", "why")


def decided() -> ScanResult:
    """The hard cases, the longest copy dismissed and the edited copy confirmed."""
    scan = result()
    verdicts = {"id0": CONFIRMED, "id1": DISMISSED}  # high and low
    findings = tuple(replace(f, decision=verdicts.get(f.submission)) for f in scan.findings)
    return replace(scan, findings=findings)


def rendered(scan: ScanResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(summary_table(scan))
    console.print(findings_table(scan))
    return console.export_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_decisions_are_marked_and_dismissed_findings_counted_apart(width: int) -> None:
    scan = decided()
    text = rendered(scan, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    (gone,) = [f for f in scan.findings if f.dismissed]
    (kept,) = [f for f in scan.findings if f.decision and not f.dismissed]
    if width >= 80:
        found = cells(text, "Overlapping passages", FINDINGS, key=0)
        kinds = [" ".join(row[1].split()) for row in found]
        # the dismissed finding comes last, whatever its severity; each says its decision
        assert kinds[-1] == f"{kind_words(gone)} — dismissed"
        assert f"{kind_words(kept)} — confirmed" in kinds
        assert sum("—" in k for k in kinds) == 2
        rows = cells(text, "Submissions by similarity", SUMMARY, key=1)
        subs = sorted(scan.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path))
        for row, s in zip(rows, subs, strict=True):
            flags = [f"flag: {flag.replace('_', ' ')}" for flag in s.flags]
            kind = CASES[int(s.id[2:])][1].replace("_", " ")
            counted = "1 dismissed" if s.id == gone.submission else f"1 {kind}"
            assert row[4].splitlines() == [counted, *flags]
    else:
        heads = [line for line in text.splitlines() if line and not line.startswith(" ")]
        assert heads[-1].endswith(" — dismissed") and heads[-1].startswith(gone.severity.value)
        assert sum(h.endswith(" — confirmed") for h in heads) == 1
        assert "findings: 1 dismissed" in " ".join(text.split())


def test_dismissed_findings_come_last() -> None:
    def finding(i: int, kind: Kind, decision: FindingDecision | None) -> Finding:
        return Finding("s", kind, i, i + 5, "x", "o", "o.txt", 0, 5, 50 - i, 1.0, 1.0,
                       decision=decision)  # fmt: skip

    findings = (
        finding(0, Kind.UNATTRIBUTED_COPY, DISMISSED),
        finding(1, Kind.MISSING_QUOTATION_MARKS, None),
        finding(2, Kind.UNATTRIBUTED_COPY, CONFIRMED),
    )
    subs = (SubmissionSummary("s", "wk/s.txt", None, 100, 0.5, 0.5),)
    text = rendered(ScanResult({}, "2025-02-10T08:00:00+00:00", subs, findings), 80)
    found = cells(text, "Overlapping passages", FINDINGS, key=0)
    # the confirmed copy, the low finding, then the dismissed copy, longer as it is
    assert [(row[0], " ".join(row[1].split()), row[5]) for row in found] == [
        ("high", "unattributed copy — confirmed", "48"),
        ("low", "missing quotation marks", "49"),
        ("high", "unattributed copy — dismissed", "50"),
    ]
    summary = cells(text, "Submissions by similarity", SUMMARY, key=1)
    assert summary[0][4].splitlines() == [
        "1 missing quotation marks",
        "1 unattributed copy",
        "1 dismissed",
    ]


def many(n: int) -> ScanResult:
    """``n`` submissions with long names, flags, findings of every kind, one dismissed."""
    folder = "/srv/courses/psych-101/week 7/students"

    def sub(i: int) -> SubmissionSummary:
        name = f"{folder}/{'x' * (i % 50)}-submission-{i:05d}.docx"
        return SubmissionSummary(f"s{i}", name, None, 300, (n - i) / n, (n - i) / n, FLAGS[: i % 3])

    def finding(i: int, kind: Kind) -> Finding:
        decision = DISMISSED if i == 0 else None
        return Finding(f"s{i}", kind, 0, 50, "x", "o", "o.txt", 0, 50, 10, 1.0, 1.0,
                       decision=decision)  # fmt: skip

    subs = tuple(sub(i) for i in range(n))
    findings = tuple(finding(i, list(Kind)[i % len(Kind)]) for i in range(0, n, 7))
    return ScanResult({}, "2025-02-10T08:00:00+00:00", subs, findings)


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_the_summary_fits_a_screen_whatever_the_batch(width: int) -> None:
    scan = many(5000)
    text = rendered_brief(scan, width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    if width >= 80:
        assert len(lines) <= 40
        # one line per submission, the 20 most similar: names cut in the middle, not folded
        rule = next(n for n, line in enumerate(lines) if line.startswith("─"))
        rows = lines[rule + 1 : rule + 21]
        assert lines[rule + 21].startswith("Findings:")
        names = submission_names(scan.submissions)
        for row, s in zip(rows, scan.submissions[:20], strict=True):
            head, cut, tail = row.split()[0].partition("…")
            assert names[s.id].startswith(head) and names[s.id].endswith(tail)
            assert cut or head == names[s.id]
    words = " ".join(text.split())
    assert "5000 submissions scanned" in words and "4980 more submissions" in words
    live = [f for f in scan.findings if not f.dismissed]
    for sev in Severity:
        n = sum(f.severity is sev for f in live)
        assert re.search(rf"\b{sev.value} +{n} ", text), (sev, n)
    assert ", 1 dismissed (counted apart)" in words


def rendered_brief(scan: ScanResult, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(brief(scan))
    return console.export_text()


def test_a_small_batch_is_listed_whole_and_a_bad_top_is_refused() -> None:
    scan = result()
    text = rendered_brief(scan, 80)
    assert "Submissions by similarity" in text and "more submissions" not in text
    assert "overlap scan --all prints all 7 and every finding" in " ".join(text.split())
    with pytest.raises(ValueError, match="top must be >= 1, got 0"):
        brief(scan, top=0)


@pytest.mark.parametrize(
    ("name", "width", "shown"),
    [
        ("student_0400.txt", 16, "student_0400.txt"),
        ("week7/students/student_0400.txt", 16, "week7/st…400.txt"),
        ("Ignatius Vandersloot-Okafor", 12, "Ignati…kafor"),
        ("abc", 1, "…"),
        ("abc", 0, ""),
        ("日本語の名前です", 9, "日本…です"),  # wide characters take two cells
    ],
)
def test_names_are_cut_in_the_middle(name: str, width: int, shown: str) -> None:
    assert middle_cut(name, width) == shown
