"""Exit status of ``overlap scan`` for cron: 0 below --fail-on, 1 at or above it, 2 errors.

Every case runs the real command through Typer's CliRunner on fixtures generated here.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import invoke

from tests.conftest import ROOT, prose

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's package in the child


@pytest.fixture
def store(tiny_set: Path, tmp_path: Path) -> Path:
    """A corpus store with the tiny set's source and prior post."""
    path = tmp_path / "store"
    for folder, role in (("sources", "source"), ("prior", "prior")):
        code, _, err = invoke("corpus", "add", tiny_set / folder, "--role", role, "--corpus", path)
        assert code == 0, err
    return path


def scan(
    tiny_set: Path, store: Path, out: Path, *options: str, paths: Path | None = None
) -> tuple[int, str, str]:
    """``overlap scan`` of the tiny set's submissions (or ``paths``) with the prompt excluded."""
    return invoke("scan", paths or tiny_set / "submissions", "--corpus", store, "--out", out,
                  "--exclude", tiny_set / "prompt.txt", *options)  # fmt: skip


def only_info(tmp_path: Path) -> Path:
    """A post whose one finding is info: a long quotation that matches no source."""
    post = tmp_path / "info" / "quote.txt"
    post.parent.mkdir()
    post.write_text(
        f'{prose(70, 60)} As my supervisor put it, "{prose(71, 14).rstrip(".")}" and I agree. '
        f"{prose(72, 40)}\n"
    )
    return post


# ---------------------------------------------------------------- 0


def test_exit_0_by_default_even_with_high_findings(
    tiny_set: Path, store: Path, tmp_path: Path
) -> None:
    code, _, _ = scan(tiny_set, store, tmp_path / "out")
    assert code == 0
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    assert any(f["severity"] == "high" for f in findings)


@pytest.mark.parametrize("level", ["info", "low", "medium", "high"])
def test_exit_0_when_no_finding_reaches_fail_on(
    tiny_set: Path, store: Path, tmp_path: Path, level: str
) -> None:
    clean = tiny_set / "submissions" / "c.txt"
    assert scan(tiny_set, store, tmp_path / "out", "--fail-on", level, paths=clean)[0] == 0


def test_exit_0_for_a_batch_with_an_unreadable_file(
    tiny_set: Path, store: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "ok.txt").write_text(prose(73, 80))
    (batch / "broken.pdf").write_bytes(b"\x89PNG\r\n\x1a\n not a pdf")
    code, _, err = scan(tiny_set, store, tmp_path / "out", "--fail-on", "info", paths=batch)
    assert code == 0
    assert err.startswith("error: ") and "broken.pdf" in err
    errors = json.loads((tmp_path / "out" / "findings.json").read_text())["errors"]
    assert [Path(e["path"]).name for e in errors] == ["broken.pdf"]


# ---------------------------------------------------------------- 1


@pytest.mark.parametrize("level", ["info", "low", "medium", "high"])
def test_exit_1_when_a_finding_reaches_fail_on(
    tiny_set: Path, store: Path, tmp_path: Path, level: str
) -> None:
    code, _, _ = scan(tiny_set, store, tmp_path / "out", "--fail-on", level)
    assert code == 1
    assert (tmp_path / "out" / "findings.json").exists()  # the report is written anyway


@pytest.mark.parametrize(("level", "code"), [("info", 1), ("low", 0), ("never", 0)])
def test_fail_on_is_inclusive_of_its_severity(
    tiny_set: Path, store: Path, tmp_path: Path, level: str, code: int
) -> None:
    post = only_info(tmp_path)
    got, _, err = scan(tiny_set, store, tmp_path / "out", "--fail-on", level, paths=post)
    assert got == code, err
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    assert [f["severity"] for f in findings] == ["info"]


def test_quiet_and_json_keep_the_exit_code(tiny_set: Path, store: Path, tmp_path: Path) -> None:
    code, out, _ = scan(tiny_set, store, tmp_path / "q", "--fail-on", "high", "--quiet")
    assert (code, out) == (1, "")
    code, out, err = scan(tiny_set, store, tmp_path / "j", "--fail-on", "high", "--json")
    assert code == 1 and err == ""
    assert json.loads(out) == json.loads((tmp_path / "j" / "findings.json").read_text())


# ---------------------------------------------------------------- 2


USAGE_ERRORS = [
    (["scan"], "missing argument 'PATH'", "scan"),
    (["scan", "{sub}"], "missing option '--out'", "scan"),
    (["scan", "{sub}", "--out", "{out}", "--fail-on", "HIGH"],
     "invalid value for '--fail-on': 'HIGH' is not one of 'never', 'info', 'low', 'medium', "
     "'high'", "scan"),
    (["scan", "{sub}", "--out", "{out}", "--workers", "0"], "invalid value for '--workers'",
     "scan"),
    (["scan", "{sub}", "--out", "{out}", "--no-such-option"], "no such option: --no-such-option",
     "scan"),
    (["scan", "{sub}", "--out", "{out}", "--scheduler", "tcp://head:8786"],
     "invalid value for '--scheduler': only --engine dask uses a scheduler", "scan"),
    (["scan", "{sub}", "--out", "{out}", "--scheduler", "tcp://head:8786", "--engine", "local"],
     "invalid value for '--scheduler': only --engine dask uses a scheduler", "scan"),
    (["run", "{sub}/job.toml", "--date", "2025-13-01"], "invalid value for '--date'", "run"),
    (["corpus", "add", "{sub}", "--role", "teacher"], "invalid value for '--role'",
     "corpus add"),
    (["corpus", "add", "{sub}", "--role", "prior", "--scheduler", "tcp://head:8786"],
     "only --engine dask uses a scheduler", "corpus add"),
    (["scna", "{sub}"], "no such command 'scna'. Did you mean 'scan'?", ""),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message", "command"), USAGE_ERRORS)
def test_usage_errors_are_one_line_and_exit_2(
    tiny_set: Path, tmp_path: Path, args: list[str], message: str, command: str
) -> None:
    filled = [a.format(sub=tiny_set / "submissions", out=tmp_path / "out") for a in args]
    code, out, err = invoke(*filled)
    assert code == 2
    assert out == ""
    error, hint = err.splitlines()  # the error, then where to look
    assert error == f"error: {message}" or (error.startswith("error: ") and message in error)
    assert re.fullmatch(rf"see '\S+ {command}{' ' if command else ''}--help'", hint)
    assert not (tmp_path / "out").exists()


def test_usage_errors_from_the_installed_entry_point(tmp_path: Path) -> None:
    """The real program (not the test runner) prints the same one line; --version works."""
    bad = subprocess.run(
        [sys.executable, "-m", "overlap", "scan", str(tmp_path), "--out", str(tmp_path / "o"),
         "--fail-on", "HIGH"],
        capture_output=True, text=True, check=False, env=ENV,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines()[0].startswith("error: invalid value for '--fail-on'")
    assert len(bad.stderr.splitlines()) == 2 and "Traceback" not in bad.stderr
    version = subprocess.run(
        [sys.executable, "-m", "overlap", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
    )
    assert version.returncode == 0
    assert version.stdout == f"overlap {importlib.metadata.version('overlap')}\n"


def test_a_scheduler_from_the_environment_is_no_usage_error(
    tiny_set: Path, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DASK_SCHEDULER_ADDRESS may be set for dask runs; local runs go on without it."""
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    code, _, err = scan(tiny_set, store, tmp_path / "out")
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{tmp}/missing", "--corpus", "{store}"], "no such file or folder"),
        (["{sub}", "--corpus", "{tmp}/nostore"], "no corpus store at"),
        (["{sub}", "--corpus", "{store}", "--exclude", "{tmp}/missing.txt"], "no such file"),
    ],
)
def test_exit_2_for_input_errors_with_one_line(
    tiny_set: Path, store: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    filled = [a.format(sub=tiny_set / "submissions", store=store, tmp=tmp_path) for a in args]
    code, out, err = invoke("scan", *filled, "--out", tmp_path / "out", "--fail-on", "info")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err


# ---------------------------------------------------------------- output modes


def test_json_prints_the_findings_document_and_nothing_else(
    tiny_set: Path, store: Path, tmp_path: Path
) -> None:
    code, out, err = scan(tiny_set, store, tmp_path / "out", "--json")
    assert code == 0 and err == ""
    document = json.loads(out)  # the whole of stdout is one JSON document
    assert document == json.loads((tmp_path / "out" / "findings.json").read_text())
    assert document["schema"] == "overlap.findings/1"


def test_quiet_prints_nothing(tiny_set: Path, store: Path, tmp_path: Path) -> None:
    code, out, err = scan(tiny_set, store, tmp_path / "out", "--quiet")
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "out" / "index.html").exists()


def test_default_output_is_the_summary_sorted_by_similarity(
    tiny_set: Path, store: Path, tmp_path: Path
) -> None:
    code, out, _ = scan(tiny_set, store, tmp_path / "out")
    assert code == 0
    assert "Submissions by similarity" in out and "report written to" in out
    assert "Overlapping passages" not in out  # the findings one by one: --all
    firsts = [line.split()[0] for line in out.splitlines() if line.strip()]
    # named by student where the metadata gives one, else by file
    names = [cell for cell in firsts if cell.endswith(".txt") or cell == "Ann"]
    assert len(names) == 3 and names[-1] == "c.txt"  # the clean post is last
