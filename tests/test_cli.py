import itertools
import json
import re
from pathlib import Path

import pytest
import typer
from clirun import invoke

from overlap.cli import app

COMMANDS = [
    [],
    ["scan"],
    ["run"],
    ["case"],
    ["corpus"],
    ["corpus", "add"],
    ["corpus", "remove"],
    ["corpus", "list"],
    ["corpus", "stats"],
    ["corpus", "verify"],
    ["corpus", "upgrade"],
    ["eval"],
    ["eval", "attribution"],
    ["eval", "pan"],
    ["review"],
    ["review", "dismiss"],
    ["review", "confirm"],
    ["review", "reopen"],
    ["review", "exclude-source"],
    ["review", "allow-passage"],
    ["review", "list"],
]


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
    shared = [
        "--out DIR",
        "--corpus DIR",
        "--fail-on SEVERITY",
        "--json",
        "--pseudonymize / --no-pseudonymize",
        "--engine NAME",
        "--scheduler ADDRESS",
        "--workers N",
    ]
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
    code, stdout, _ = invoke(
        "corpus", "add", tiny_set / "sources", "--role", "source", "--corpus", store
    )
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
    code, _, _ = invoke(
        "scan", clean, "--corpus", tmp_path / "store", "--out", tmp_path / "o", "--fail-on", "info"
    )
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
    code, _, stderr = invoke(
        "scan", tiny_set / "submissions", "--corpus", tmp_path / "store", "--out", tmp_path / "o"
    )
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
