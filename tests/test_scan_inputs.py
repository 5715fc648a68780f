"""What scan, corpus add and run say of their inputs: bad rows, no input, templates, store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from clirun import invoke

from overlap.ingest import read_documents
from overlap.ingest.errors import count_unread
from overlap.model import FileError, Role
from tests.conftest import prose


@pytest.fixture
def store(tiny_set: Path, tmp_path: Path) -> Path:
    """A store holding the tiny set's source."""
    path = tmp_path / "store"
    assert (
        invoke("corpus", "add", tiny_set / "sources", "--role", "source", "--corpus", path)[0] == 0
    )
    return path


def report(folder: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((folder / "findings.json").read_text())
    return data


# --- rows are counted apart from files -------------------------------------------------------


@pytest.mark.parametrize(
    ("errors", "said"),
    [
        pytest.param([], "0 file(s)", id="none"),
        pytest.param([FileError("a.pdf", "x")], "1 file(s)", id="file"),
        pytest.param([FileError("p.jsonl#row-2", "x", row=True)] * 5, "5 row(s)", id="rows"),
        pytest.param(
            [FileError("a.pdf", "x"), FileError("p.jsonl#row-2", "x", row=True)],
            "1 file(s) and 1 row(s)",
            id="both",
        ),
    ],
)
def test_count_unread(errors: list[FileError], said: str) -> None:
    assert count_unread(errors) == said


def test_bad_jsonl_rows_are_rows_not_files(tiny_set: Path, store: Path, tmp_path: Path) -> None:
    week = tiny_set / "submissions"
    posts = [json.dumps({"author": f"S{i}", "text": None}) for i in range(5)]
    (week / "forum.jsonl").write_text("\n".join(posts) + "\n")
    (week / "junk.txt").write_bytes(b"\x00\x01\x02binary\x00")
    code, _, err = invoke("scan", week, "--corpus", store, "--out", tmp_path / "o")
    assert code == 0
    assert "1 file(s) and 5 row(s) could not be read" in err
    assert f"error: {week.as_posix()}/forum.jsonl#row-5: no post text: 'text' is null" in err
    errors = report(tmp_path / "o")["errors"]
    assert isinstance(errors, list) and len(errors) == 6
    code, out, _ = invoke("corpus", "add", week, "--role", "prior", "--corpus", store)
    assert code == 0 and "1 file(s) and 5 row(s) could not be read" in out


def test_unmappable_export_is_in_the_report(tiny_set: Path, store: Path, tmp_path: Path) -> None:
    week = tiny_set / "submissions"
    (week / "forum.csv").write_text("Poster,When,Contents\nann,2024-01-01,Hello there.\n")
    code, _, err = invoke("scan", week, "--corpus", store, "--out", tmp_path / "o", "--strict")
    assert code == 2
    assert "forum.csv: not a discussion export: no column for the post text" in err
    [error] = report(tmp_path / "o")["errors"]  # type: ignore[misc]
    assert error["error"].endswith("columns: Poster, When, Contents")


# --- nothing to scan -------------------------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["--quiet"], ["--json"]])
def test_empty_folder_is_a_warning(store: Path, tmp_path: Path, flags: list[str]) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = invoke(
        "scan", tmp_path / "empty", "--corpus", store, "--out", tmp_path / "o", *flags
    )
    assert code == 0
    assert err.startswith(f"warning: no submission found in {tmp_path / 'empty'} (files read: ")
    assert err.endswith("; the report is empty\n") and err.count("\n") == 1
    assert report(tmp_path / "o")["submissions"] == []
    if flags == ["--json"]:
        assert json.loads(out)["submissions"] == []


def test_folder_of_unreadable_files_warns_too(store: Path, tmp_path: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.txt").write_bytes(b"")
    code, _, err = invoke("scan", tmp_path / "bad", "--corpus", store, "--out", tmp_path / "o")
    assert code == 0
    assert "warning: no submission could be read from" in err
    assert "1 file(s) could not be read" in err


# --- the excluded prompt is never a submission -----------------------------------------------


def test_excluded_prompt_inside_the_folder_is_not_a_submission(
    tiny_set: Path, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    week = tiny_set / "submissions"
    shutil.copy(tiny_set / "prompt.txt", week / "prompt.txt")
    monkeypatch.chdir(tiny_set)  # the exclude file spelt otherwise than the folder's files
    code, _, _ = invoke("scan", week, "--corpus", store, "--out", tmp_path / "o",
                        "--exclude", "submissions/../submissions/prompt.txt")  # fmt: skip
    assert code == 0
    paths = [s["path"] for s in report(tmp_path / "o")["submissions"]]  # type: ignore[attr-defined]
    assert sorted(Path(p).name for p in paths) == ["a.txt", "b.txt", "c.txt"]

    alone = tmp_path / "only"
    alone.mkdir()
    shutil.copy(tiny_set / "prompt.txt", alone / "prompt.txt")
    code, _, err = invoke("scan", alone, "--corpus", store, "--out", tmp_path / "o2",
                          "--exclude", alone / "prompt.txt")  # fmt: skip
    assert code == 0 and "warning: no submission found in" in err
    assert report(tmp_path / "o2")["submissions"] == []


def test_job_never_scans_its_excluded_prompt(tiny_set: Path, tmp_path: Path) -> None:
    shutil.copy(tiny_set / "prompt.txt", tiny_set / "submissions" / "prompt.txt")
    (tiny_set / "job.toml").write_text(
        f'[job]\ncorpus = "{tmp_path / "jobstore"}"\n[add]\nsource = ["sources"]\n'
        '[scan]\npaths = ["submissions"]\nexclude = ["submissions/prompt.txt"]\n'
        'out = "reports/{date}"\n'
    )
    code, _, err = invoke("run", tiny_set / "job.toml", "--date", "2025-03-07")
    assert code == 0, err
    data = report(tiny_set / "reports" / "2025-03-07")
    paths = [s["path"] for s in data["submissions"]]  # type: ignore[attr-defined]
    assert sorted(Path(p).name for p in paths) == ["a.txt", "b.txt", "c.txt"]


@pytest.mark.parametrize(
    ("skip", "read"),
    [
        pytest.param(["w/prompt.txt"], ["w/a.txt", "w/t/b.txt"], id="file-in-folder"),
        pytest.param(["w/t"], ["w/a.txt", "w/prompt.txt"], id="folder-in-folder"),
        pytest.param(["w"], [], id="the-folder-itself"),
        pytest.param(["./w/../w/a.txt"], ["w/prompt.txt", "w/t/b.txt"], id="spelt-otherwise"),
        pytest.param(["w/prompt.txt", "w/a.txt", "w/t/b.txt"], [], id="every-file"),
    ],
)
def test_read_documents_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skip: list[str], read: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for i, rel in enumerate(["w/prompt.txt", "w/a.txt", "w/t/b.txt"]):
        Path(rel).parent.mkdir(parents=True, exist_ok=True)
        Path(rel).write_text(prose(i, 20))
    Path("w/metadata.csv").write_text("path,student\nprompt.txt,Nobody\na.txt,Ann\n")
    result = read_documents([Path("w")], Role.SUBMISSION, skip=[Path(p) for p in skip])
    assert [d.path for d in result.documents] == read
    assert result.errors == ()
    assert read_documents([Path("w/a.txt")], Role.SUBMISSION, skip=[Path("w")]).documents == ()


# --- a file given as the store ---------------------------------------------------------------


def test_corpus_that_is_a_file_is_one_message(tiny_set: Path, tmp_path: Path) -> None:
    not_a_store = tmp_path / "store.txt"
    not_a_store.write_text("x")
    (tmp_path / "job.toml").write_text(
        f'[job]\ncorpus = "{not_a_store}"\n[add]\nsource = ["{tiny_set / "sources"}"]\n'
    )
    said = {
        invoke(*args)[::2]  # exit code, stderr (run also logs the error on stdout)
        for args in (
            ("scan", tiny_set / "submissions", "--corpus", not_a_store, "--out", tmp_path / "o"),
            ("corpus", "add", tiny_set / "sources", "--role", "source", "--corpus", not_a_store),
            ("run", tmp_path / "job.toml"),
            ("corpus", "list", "--corpus", not_a_store),
            ("corpus", "stats", "--corpus", not_a_store),
            ("corpus", "remove", "--student", "A", "--corpus", not_a_store),
            ("corpus", "verify", "--corpus", not_a_store),
        )
    }
    assert said == {
        (2, f"error: {not_a_store} is a file, not a folder (a corpus store is a folder)\n")
    }
    assert not (tmp_path / "o").exists()
