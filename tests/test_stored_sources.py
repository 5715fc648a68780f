"""The sources a semantic pass reads: found part by part from their roles alone."""

from pathlib import Path

import pyarrow as pa
import pytest
from conftest import prose

import overlap.store.corpus as store_module
from overlap.indexing.parts import add_documents
from overlap.indexing.without import StoreWithout
from overlap.model import Document, Role
from overlap.scanning.sources import parts_with_sources, stored_sources
from overlap.store.corpus import CorpusStore


def _doc(name: str, role: Role, seed: int) -> Document:
    return Document(id=name, path=f"{name}.txt", role=role, text=prose(seed, 40))


@pytest.fixture
def store(tmp_path: Path) -> CorpusStore:
    """Four parts: priors only; a source and a prior; priors only; two sources."""
    store = CorpusStore.open(tmp_path / "store", create=True)
    batches = [
        [_doc("p1", Role.PRIOR, 1), _doc("p2", Role.PRIOR, 2)],
        [_doc("p3", Role.PRIOR, 3), _doc("s1", Role.SOURCE, 4)],
        [_doc("p4", Role.PRIOR, 5)],
        [_doc("s2", Role.SOURCE, 6), _doc("s3", Role.SOURCE, 7)],
    ]
    for batch in batches:
        add_documents(store, batch)
    return CorpusStore.open(tmp_path / "store")


def test_only_parts_holding_a_source_are_read_whole(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(store.parts) == 4
    holding = parts_with_sources(store)
    assert holding == [store.parts[1], store.parts[3]]
    whole: list[str] = []
    read = CorpusStore.read_part

    def counting(
        self: CorpusStore, dataset: str, part: str, columns: list[str] | None = None
    ) -> pa.Table:
        if dataset == "documents" and columns is None:
            whole.append(part)
        return read(self, dataset, part, columns)

    monkeypatch.setattr(store_module.CorpusStore, "read_part", counting)
    found = stored_sources(store)
    assert [d.id for d in found] == ["s1", "s2", "s3"]
    assert all(d.role is Role.SOURCE for d in found)
    assert found[0].text == prose(4, 40)
    assert whole == holding


def test_a_view_without_some_sources_leaves_them_and_their_parts_out(
    store: CorpusStore,
) -> None:
    view = StoreWithout(store, {"s1", "s3"})
    assert parts_with_sources(view) == [store.parts[3]]
    assert [d.id for d in stored_sources(view)] == ["s2"]


def test_a_store_of_priors_has_no_sources(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "store", create=True)
    add_documents(store, [_doc("p1", Role.PRIOR, 1)])
    assert parts_with_sources(store) == []
    assert stored_sources(store) == []
    empty = CorpusStore.open(tmp_path / "empty", create=True)
    assert stored_sources(empty) == []
