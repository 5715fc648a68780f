import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from overlap.errors import SettingsMismatchError, StoreError
from overlap.jobs.index import add_documents
from overlap.model import Document, Role, document_id
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore


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
