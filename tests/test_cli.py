import io
import itertools
import json
import re
from pathlib import Path

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from overlap.cli import app
from overlap.cli.common import out as stdout_console
from overlap.model import Evidence, Finding, Kind, ScanResult, SubmissionSummary
from overlap.report.terminal import findings_table, summary_table

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


COMMANDS = [[], ["scan"], ["run"], ["corpus"], ["corpus", "add"], ["corpus", "remove"],
            ["corpus", "list"], ["corpus", "stats"], ["eval"], ["eval", "attribution"],
            ["eval", "pan"]]  # fmt: skip


def test_every_command_is_listed() -> None:
    def walk(command: object, path: list[str]) -> list[list[str]]:
        subcommands = getattr(command, "commands", {})
        return [path] + [c for name, sub in subcommands.items() for c in walk(sub, [*path, name])]

    assert sorted(walk(typer.main.get_command(app), [])) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_reads_in_80_columns(command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain words for values (PATH..., DIR, N), no types, and paragraphs filled to the width."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = invoke(*command, "--help")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Usage: ") and "{" not in lines[0]
    assert all(len(line) <= 80 for line in lines)
    assert not re.search(r"<\w|list\[|\bbool\b|\bstr\b|\bint\b|\bfloat\b", out), out
    for option in re.findall(r"^  (--[\w-]+(?: / --[\w-]+)?)(?: (\S+))?", out, re.M):
        name, metavar = option
        assert metavar == "" or re.fullmatch(r"[A-Z]+", metavar), (name, metavar)
    # A filled paragraph: the first word of each line would not have fitted on the line above
    # (docstrings keep their own line breaks otherwise: "... what it rests" / "on").
    description = out.split("\n\n")[1:]
    for paragraph in description:
        if paragraph.lstrip().startswith(("Arguments:", "Options:", "Commands:")):
            break
        rows = paragraph.splitlines()
        for above, below in itertools.pairwise(rows):
            assert len(above) + 1 + len(below.split()[0]) > 78, (above, below)


def test_scan_and_run_share_their_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    pages = {name: invoke(name, "--help")[1] for name in ("scan", "run")}
    shared = ["--out DIR", "--corpus DIR", "--fail-on SEVERITY", "--json",
              "--pseudonymize / --no-pseudonymize", "--engine NAME", "--scheduler ADDRESS",
              "--workers N"]  # fmt: skip
    for flag in shared:
        for name, page in pages.items():
            assert f"\n  {flag} " in page or f"\n  {flag}\n" in page, (name, flag)


def build(tiny_set: Path, store: Path) -> None:
    assert (
        invoke("corpus", "add", tiny_set / "sources", "--role", "source", "--corpus", store)[0] == 0
    )
    assert invoke("corpus", "add", tiny_set / "prior", "--role", "prior", "--corpus", store)[0] == 0


def test_add_then_scan_exit_codes(tiny_set: Path, tmp_path: Path) -> None:
    store, out = tmp_path / "store", tmp_path / "out"
    build(tiny_set, store)
    code, stdout, _ = invoke("corpus", "add", tiny_set / "sources", "--role", "source",
                             "--corpus", store)  # fmt: skip
    assert code == 0 and "added 0" in stdout and "skipped 1" in stdout
    scan = ["scan", tiny_set / "submissions", "--corpus", store, "--out", out,
            "--exclude", tiny_set / "prompt.txt"]  # fmt: skip
    assert invoke(*scan)[0] == 0
    assert invoke(*scan, "--fail-on", "high")[0] == 1
    assert (out / "findings.json").exists() and (out / "findings.csv").exists()


def test_json_prints_only_the_findings_document(tiny_set: Path, tmp_path: Path) -> None:
    build(tiny_set, tmp_path / "store")
    code, stdout, _ = invoke("scan", tiny_set / "submissions", "--corpus", tmp_path / "store",
                             "--out", tmp_path / "out", "--json")  # fmt: skip
    assert code == 0
    assert json.loads(stdout)["schema"] == "overlap.findings/1"


def test_fail_on_is_quiet_when_nothing_reaches_it(tiny_set: Path, tmp_path: Path) -> None:
    build(tiny_set, tmp_path / "store")
    clean = tiny_set / "submissions" / "c.txt"
    code, _, _ = invoke("scan", clean, "--corpus", tmp_path / "store", "--out", tmp_path / "o",
                        "--fail-on", "info")  # fmt: skip
    assert code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "{missing}", "--corpus", "{store}", "--out", "{out}"], "no such file or folder"),
        (["scan", "{sub}", "--corpus", "{tmp}/nostore", "--out", "{out}"], "no corpus store at"),
        (
            ["corpus", "add", "{missing}", "--role", "source", "--corpus", "{store}"],
            "no such file or folder",
        ),
        (
            ["scan", "{sub}", "--corpus", "{store}", "--out", "{out}", "--exclude", "{missing}"],
            "no such file or folder",
        ),
        (["corpus", "add", "{sub}", "--role", "source", "--corpus", "{bad}"], "manifest"),
    ],
)
def test_input_errors_are_one_line_and_exit_2(
    tiny_set: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    build(tiny_set, tmp_path / "store")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.json").write_text("{broken")
    values = {
        "missing": tmp_path / "nope.txt",
        "store": tmp_path / "store",
        "out": tmp_path / "o",
        "sub": tiny_set / "submissions",
        "tmp": tmp_path,
        "bad": tmp_path / "bad",
    }
    code, _, stderr = invoke(*[a.format(**values) for a in args])
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("corpus", "add", tmp_path, "--role", "teacher")[0] == 2
    assert invoke("scan", tmp_path)[0] == 2  # --out is required


def test_settings_mismatch_is_exit_2(tiny_set: Path, tmp_path: Path) -> None:
    from overlap.settings import Settings
    from overlap.store.corpus import CorpusStore

    CorpusStore.open(tmp_path / "store", Settings(window=30), create=True)
    manifest = tmp_path / "store" / "manifest.json"
    doc = json.loads(manifest.read_text())
    doc["settings"]["window"] = "thirty"
    manifest.write_text(json.dumps(doc))
    code, _, stderr = invoke("scan", tiny_set / "submissions", "--corpus", tmp_path / "store",
                             "--out", tmp_path / "o")  # fmt: skip
    assert code == 2 and "window must be an integer" in stderr


def test_eval_attribution_on_the_tiny_set(tiny_set: Path) -> None:
    (tiny_set / "truth.jsonl").write_text("")
    code, stdout, _ = invoke("eval", "attribution", tiny_set, "--json")
    assert code == 0
    assert json.loads(stdout)["submissions"] == 3
    assert invoke("eval", "attribution", tiny_set / "sources")[0] == 2


def test_strict_turns_unreadable_files_into_exit_2(tiny_set: Path, tmp_path: Path) -> None:
    build(tiny_set, tmp_path / "store")
    (tiny_set / "submissions" / "junk.txt").write_bytes(b"\x00\x01binary\x00")
    args = ["scan", tiny_set / "submissions", "--corpus", tmp_path / "store", "--out",
            tmp_path / "o"]  # fmt: skip
    code, _, stderr = invoke(*args)
    assert (
        code == 0 and "junk.txt: binary file" in stderr and "1 file(s) could not be read" in stderr
    )
    assert invoke(*args, "--strict")[0] == 2
    doc = json.loads((tmp_path / "o" / "findings.json").read_text())
    assert [e["error"] for e in doc["errors"]] == ["binary file"]


def test_findings_table_shows_the_evidence_in_80_columns() -> None:
    cases = [  # long names, long kinds, six-digit offsets: the worst case for 80 columns
        ("wk/alice-wonderland.txt", Kind.UNATTRIBUTED_COPY, Evidence.EDITED, "src/villanueva.txt"),
        ("wk/bob.txt", Kind.MISSING_QUOTATION_MARKS, Evidence.EXACT, "src/okonkwo.txt"),
        ("wk/carol.txt", Kind.UNCITED_PARAPHRASE, Evidence.PARAPHRASE, "src/pryce.txt"),
        ("wk/dan.txt", Kind.PEER_OVERLAP, Evidence.EXACT, "wk/alice-wonderland.txt"),
        ("wk/erin.txt", Kind.UNMATCHED_QUOTE, None, None),
    ]
    subs = tuple(
        SubmissionSummary(f"id{i}", path, None, 900, 0.5, 0.5) for i, (path, *_) in enumerate(cases)
    )
    findings = tuple(
        Finding(
            submission=f"id{i}", kind=kind, start=123456, end=124789, text="...",
            source=source and "src", source_path=source, source_start=source and 98765,
            source_end=source and 99999, words=200 + i, tfidf=0.81 + i / 100,
            containment=0.71 + i / 100, evidence=evidence,
        )
        for i, (_, kind, evidence, source) in enumerate(cases)
    )  # fmt: skip
    result = ScanResult({}, "2025-02-10T08:00:00+00:00", subs, findings)
    console = Console(width=80, file=io.StringIO(), record=True)
    console.print(summary_table(result))
    console.print(findings_table(result))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    table = text[text.index("Overlapping passages") :]
    (header,) = [line for line in table.splitlines() if "tfidf" in line]
    assert [c.strip() for c in header.split("┃")[1:-1]] == [
        "chars", "kind", "evidence", "chars", "words", "tfidf", "contain."
    ]  # fmt: skip
    for i, (_, _, evidence, _) in enumerate(cases):
        # the first line of a finding's row has its evidence and every score, uncut
        (row,) = [line for line in table.splitlines() if f"│   {200 + i} │" in line]
        cells = [c.strip() for c in row.split("│")[1:-1]]
        assert cells[2] == (evidence or "")
        assert cells[4:] == [str(200 + i), f"{0.81 + i / 100:.2f}", f"{0.71 + i / 100:.2f}"]
    # offsets break after their dash, never inside a number
    numbers = set(re.findall(r"\d+", table))
    assert numbers == {"123456", "124789", "98765", "99999", "0"} | {
        str(n) for i in range(5) for n in (200 + i, 81 + i, 71 + i)
    }


def test_scan_prints_the_evidence_column_in_80_columns(
    tiny_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tiny_set, tmp_path / "store")
    monkeypatch.setattr(stdout_console, "width", 80)
    code, stdout, _ = invoke("scan", tiny_set / "submissions", "--corpus", tmp_path / "store",
                             "--out", tmp_path / "o")  # fmt: skip
    assert code == 0
    tables, written = stdout.split("report written to ")
    lines = tables.splitlines()  # (the last line is the path, however long it is)
    assert max(len(line) for line in lines) <= 80 and written.strip() == str(tmp_path / "o")
    assert any("evidence" in line for line in lines if "tfidf" in line)
    document = json.loads((tmp_path / "o" / "findings.json").read_text())
    shown = {f["evidence"] for f in document["findings"] if f["evidence"]}
    assert shown and all(any(f"│ {e} " in line for line in lines) for e in shown)
