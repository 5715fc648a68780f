import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import prose

from overlap.engine.local import LocalEngine
from overlap.errors import SettingsMismatchError, StoreError
from overlap.indexing.add import add_files
from overlap.indexing.erasure import Selection, remove_documents
from overlap.indexing.parts import AddReport, add_documents
from overlap.ingest.limits import IngestLimits
from overlap.ingest.shards import plan_reads
from overlap.model import Document, Role, document_id
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore, StagedPart
from overlap.store.inventory import content_digest


def doc(name: str, text: str, role: Role = Role.SOURCE, **kw: object) -> Document:
    return Document(id=document_id(name, text), path=name, role=role, text=text, **kw)  # type: ignore[arg-type]


TEXT = " ".join(f"word{i}" for i in range(60))


def test_open_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no corpus store at"):
        CorpusStore.open(tmp_path / "nowhere")


def test_add_is_incremental_and_idempotent(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "s", Settings(window=24, stride=12), create=True)
    a = doc("a.txt", TEXT, authors=("Last, I.",), year="2019", title="A title")
    b = doc("b.txt", "another text " * 20)
    first = add_documents(store, [a])
    assert (first.added, first.skipped) == (1, 0)
    again = add_documents(store, [a, b, b])
    assert (again.added, again.skipped) == (1, 2)
    reopened = CorpusStore.open(tmp_path / "s")
    assert reopened.document_ids() == {a.id, b.id}
    assert len(reopened.parts) == 2
    (back,) = reopened.documents({a.id})
    assert back == a
    assert reopened.read("bands").num_rows > 0
    windows = reopened.read("windows").to_pylist()
    # 60 words in windows of 24 every 12; 40 words: the last window moves back to the end.
    assert [w["first_word"] for w in windows if w["doc"] == a.id] == [0, 12, 24, 36]
    assert [w["first_word"] for w in windows if w["doc"] == b.id] == [0, 12, 16]


def test_other_settings_are_an_error(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "s", Settings(window=30), create=True)
    add_documents(store, [doc("a.txt", TEXT)])
    with pytest.raises(SettingsMismatchError, match="window: stored 30, current 16"):
        CorpusStore.open(tmp_path / "s", Settings())
    assert CorpusStore.open(tmp_path / "s").settings.window == 30  # adopts the store's own


def test_a_part_file_with_other_settings_is_an_error(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "s", create=True)
    add_documents(store, [doc("a.txt", TEXT)])
    path = tmp_path / "s" / "windows" / f"{store.parts[0]}.parquet"
    table = pq.read_table(path)
    meta = {b"overlap.settings": json.dumps(Settings(window=30).index_dict()).encode()}
    pq.write_table(table.replace_schema_metadata(meta), path)
    with pytest.raises(SettingsMismatchError, match="other settings"):
        CorpusStore.open(tmp_path / "s").read("windows")


def test_uncommitted_part_files_are_ignored(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "s", create=True)
    add_documents(store, [doc("a.txt", TEXT)])
    # A crash after writing files but before the manifest: the stray file is not read.
    stray = pa.table({"id": ["x"]})
    pq.write_table(stray, tmp_path / "s" / "documents" / "part-99999-dead.parquet")
    assert CorpusStore.open(tmp_path / "s").document_ids() == {doc("a.txt", TEXT).id}


@pytest.mark.parametrize("content", ["{not json", '{"schema": "other"}', "[]"])
def test_damaged_manifest_is_a_clear_error(tmp_path: Path, content: str) -> None:
    (tmp_path / "manifest.json").write_text(content)
    with pytest.raises(StoreError, match="manifest"):
        CorpusStore.open(tmp_path)


def test_store_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        CorpusStore.open(tmp_path / "f", create=True)


Edit = Callable[[dict[str, Any]], object]


def _edit_manifest(root: Path, edit: Edit) -> None:
    manifest = json.loads((root / "manifest.json").read_text())
    edit(manifest)
    (root / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        pytest.param(lambda m: m.pop("parts"), 'no "parts" list', id="no parts"),
        pytest.param(lambda m: m.update(parts=None),
                     '"parts" must be a list of names like part-<hex>, got null', id="null"),
        pytest.param(lambda m: m.update(parts={"a": 1}),
                     '"parts" must be a list of names like part-<hex>, got {"a": 1}', id="object"),
        pytest.param(lambda m: m.update(parts="part-0a"),
                     '"parts" must be a list of names like part-<hex>, got "part-0a"', id="string"),
        pytest.param(lambda m: m.update(parts=[5]),
                     'entry 1 of "parts" must be a name like part-<hex>, got 5', id="number"),
        pytest.param(lambda m: m["parts"].append(None),
                     'entry 2 of "parts" must be a name like part-<hex>, got null',
                     id="null entry"),
        pytest.param(lambda m: m.update(parts=["../../x"]),
                     'entry 1 of "parts" must be a name like part-<hex>', id="outside"),
        pytest.param(lambda m: m.update(parts=m["parts"] * 2), '"parts" lists part-', id="twice"),
        pytest.param(lambda m: m.update(ledger=None),
                     '"ledger" must be a list of names like ledger-<hex>, got null', id="ledger"),
        pytest.param(lambda m: m.update(ledger=[{}]),
                     'entry 1 of "ledger" must be a name like ledger-<hex>, got {}',
                     id="ledger entry"),
        pytest.param(lambda m: m["settings"].update(window="x"),
                     "bad recorded settings: window must be an integer", id="settings"),
    ],
)  # fmt: skip
def test_malformed_manifest_names_the_file_and_the_problem(
    tmp_path: Path, edit: Edit, problem: str
) -> None:
    store = CorpusStore.open(tmp_path, create=True)
    add_documents(store, [doc("a.txt", TEXT)])
    _edit_manifest(tmp_path, edit)
    with pytest.raises(StoreError) as caught:
        CorpusStore.open(tmp_path).read("documents")
    assert str(caught.value).startswith(f"{tmp_path / 'manifest.json'}: ")
    assert problem in str(caught.value)


def test_a_manifest_without_a_ledger_still_opens(tmp_path: Path) -> None:
    """Stores made before the scan ledger existed have no "ledger" key."""
    add_documents(CorpusStore.open(tmp_path, create=True), [doc("a.txt", TEXT)])
    _edit_manifest(tmp_path, lambda m: m.pop("ledger"))
    assert CorpusStore.open(tmp_path).ledger_files == []


def test_a_missing_part_file_is_damage_not_a_race(tmp_path: Path) -> None:
    """A part the manifest still lists: running again never helps, so say what does."""
    store = CorpusStore.open(tmp_path, create=True)
    add_documents(store, [doc("a.txt", TEXT)])
    (tmp_path / "windows" / f"{store.parts[0]}.parquet").unlink()
    with pytest.raises(StoreError) as caught:
        CorpusStore.open(tmp_path).read("windows")
    message = str(caught.value)
    assert "missing, though manifest.json lists its part" in message
    assert "run again" not in message and "overlap corpus verify" in message


def test_a_part_replaced_while_read_says_run_again(tmp_path: Path) -> None:
    """A reader that read the manifest before an erasure replaced a part: that is a race."""
    store = CorpusStore.open(tmp_path, create=True)
    add_documents(store, [doc("a.txt", TEXT), doc("b.txt", "other words " * 30)])
    reader = CorpusStore.open(tmp_path)
    remove_documents(CorpusStore.open(tmp_path), Selection(paths=("a.txt",)))
    with pytest.raises(StoreError, match=r"removed while it was being read.*run again"):
        reader.read("windows")


class Crash(BaseException):
    """Stands for the process dying at this point."""


def test_an_interrupted_multi_part_add_keeps_its_parts_and_a_rerun_completes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(prose(i, 50))
    shards = plan_reads([folder], IngestLimits(), files_per_shard=2)
    assert len(shards) == 3

    def add(root: Path) -> AddReport:
        store = CorpusStore.open(root, create=True)
        return add_files(store, shards, Role.PRIOR, engine=LocalEngine(1))

    whole = add(tmp_path / "whole")
    real_commit = CorpusStore.commit
    commits = [0]

    def crash_on_second(self: CorpusStore, staged: StagedPart) -> str:
        commits[0] += 1
        if commits[0] == 2:
            raise Crash
        return real_commit(self, staged)

    caplog.set_level(logging.INFO, logger="overlap")
    with monkeypatch.context() as m:
        m.setattr(CorpusStore, "commit", crash_on_second)
        with pytest.raises(Crash):
            add(tmp_path / "cut")
    logged = caplog.text
    assert "each committed on its own" in logged and "running the same add again" in logged
    assert "add stopped after committing 1 part(s), which stay in the store" in logged
    cut = CorpusStore.open(tmp_path / "cut")
    assert len(cut.parts) == 1 and len(cut.document_ids()) == 2  # the first part survives

    again = add(tmp_path / "cut")
    assert (again.added, again.skipped) == (4, 2)
    ids = CorpusStore.open(tmp_path / "cut").read("documents", ["id"]).column("id").to_pylist()
    assert len(ids) == len(set(ids)) == whole.added == 6  # complete, nothing twice
    assert content_digest(CorpusStore.open(tmp_path / "cut")) == content_digest(
        CorpusStore.open(tmp_path / "whole")
    )
