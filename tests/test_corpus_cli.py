import json
from pathlib import Path

import pytest
from conftest import prose
from typer.testing import CliRunner

from overlap.cli import app
from overlap.ingest.files import read_documents
from overlap.jobs.index import add_documents
from overlap.model import Role
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import content_digest
from overlap.store.ledger import MAX_FILES, LedgerEntry, forget_scanned, read_ledger, record_scanned

runner = CliRunner()


def invoke(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "command",
    [["run"], ["corpus", "remove"], ["corpus", "list"], ["corpus", "stats"], ["corpus", "add"]],
)
def test_help(command: list[str]) -> None:
    code, out, _ = invoke(*command, "--help")
    assert code == 0 and "Usage" in out


@pytest.fixture
def store(tiny_set: Path, tmp_path: Path) -> Path:
    root = tmp_path / "store"
    for folder, role in [("sources", "source"), ("prior", "prior")]:
        code, _, err = invoke("corpus", "add", tiny_set / folder, "--role", role, "--corpus", root,
                              "--lock-timeout", "5")  # fmt: skip
        assert code == 0, err
    return root


def test_list(store: Path) -> None:
    code, out, _ = invoke("corpus", "list", "--corpus", store)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "id\trole\tterm\tstudent\twords\tpath"
    rows = [line.split("\t") for line in lines[1:]]
    assert sorted((r[1], r[2], r[3]) for r in rows) == [
        ("prior", "Fall 2023", "Old Student"), ("source", "", "")
    ]  # fmt: skip
    code, out, _ = invoke("corpus", "list", "--corpus", store, "--role", "prior", "--json")
    (doc,) = [json.loads(line) for line in out.splitlines()]
    assert doc["student"] == "Old Student" and "text" not in doc and doc["words"] > 30


def test_stats(store: Path) -> None:
    code, out, _ = invoke("corpus", "stats", "--corpus", store)
    assert code == 0
    assert "documents  2 (" in out and "parts      2 (10 files" in out and "window=16" in out
    assert "prior    Fall 2023" in out
    code, out, _ = invoke("corpus", "stats", "--corpus", store, "--json", "--digest")
    stats = json.loads(out)
    assert stats["documents"] == 2 and stats["parts"] == 2 and stats["scanned"] == 0
    assert stats["digest"] == content_digest(CorpusStore.open(store))
    assert {(g["role"], g["term"]) for g in stats["groups"]} == {
        ("prior", "Fall 2023"),
        ("source", None),
    }


@pytest.mark.parametrize("command", [["list"], ["stats"], ["remove", "--term", "x"]])
def test_missing_store_is_one_line(tmp_path: Path, command: list[str]) -> None:
    code, _, err = invoke("corpus", *command, "--corpus", tmp_path / "none")
    assert code == 2 and err.startswith("error: no corpus store at") and err.count("\n") == 1


def test_digest_does_not_depend_on_parts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(prose(i, 50))
    docs = read_documents([folder], Role.PRIOR).documents
    one, three = (CorpusStore.open(tmp_path / n, create=True) for n in ("one", "three"))
    add_documents(one, docs)
    for i in range(0, 6, 2):
        add_documents(three, docs[i : i + 2])
    assert len(three.parts) == 3 and content_digest(one) == content_digest(three)
    (tmp_path / "extra.txt").write_text(prose(99, 50))
    add_documents(one, read_documents([tmp_path / "extra.txt"], Role.SOURCE).documents)
    assert content_digest(one) != content_digest(three)


def test_ledger_dedups_compacts_and_forgets(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path, create=True)
    with store.locked():
        for i in range(MAX_FILES + 3):
            entries = [LedgerEntry(f"id{i}", "weekly", "t", "r"), LedgerEntry("id0", "w", "t", "r")]
            assert record_scanned(store, entries) == 1
        assert len(store.ledger_files) <= MAX_FILES
        assert read_ledger(store).num_rows == MAX_FILES + 3
        assert forget_scanned(store, {"id0", "id1", "nope"}) == 2
    assert len(list((tmp_path / "ledger").iterdir())) == len(store.ledger_files) == 1
    assert sorted(read_ledger(CorpusStore.open(tmp_path)).column("id").to_pylist())[:2] == [
        "id10", "id2"
    ]  # fmt: skip


def test_writes_outside_the_lock_are_refused(tmp_path: Path) -> None:
    from overlap.errors import StoreError

    store = CorpusStore.open(tmp_path, create=True)
    with pytest.raises(StoreError, match="must be locked"):
        record_scanned(store, [LedgerEntry("a", "w", "t", "r")])
