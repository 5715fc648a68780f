"""The sources a semantic pass reads: found part by part from their roles alone."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from conftest import prose

import overlap.scanning.scan as scan_module
import overlap.store.corpus as store_module
from overlap.engine.local import LocalEngine
from overlap.errors import StoreError
from overlap.indexing.parts import add_documents
from overlap.indexing.without import StoreWithout
from overlap.model import Document, Role
from overlap.scanning.batch import prepare_batch
from overlap.scanning.matching import match_part
from overlap.scanning.sources import parts_with_sources, stored_sources
from overlap.store.corpus import CorpusStore
from overlap.text.shingles import word_hashes
from overlap.text.tokens import normalised_words


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


def test_each_part_scanned_says_how_many_sources_it_holds(store: CorpusStore) -> None:
    """What the scan gives the semantic pass, so that it reads only the parts holding one."""
    batch = prepare_batch([_doc("sub", Role.SUBMISSION, 4)], [], store.settings)
    counts = [match_part(part, (store, batch)).sources for part in store.parts]
    assert counts == [0, 1, 0, 2]


def test_stored_frequencies_read_in_shares_on_processes_are_the_same(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    terms = store.read("terms", ["term"]).column("term").to_numpy()
    terms = np.unique(np.concatenate([terms[::3], np.array([1, 2**63], dtype=np.uint64)]))
    alone = scan_module._stored_df(store, terms)
    monkeypatch.setattr(scan_module, "DF_SHARE", 1)
    assert scan_module._stored_df(store, terms, LocalEngine(2)) == alone
    assert 1 not in alone and len(alone) == len(terms) - 2


class _Forgetful(CorpusStore):
    """A store whose documents files lack their last document, which keys still name."""

    def part_ids(self, part: str) -> list[str]:
        return super().part_ids(part)[:-1]


def test_a_part_whose_keys_name_a_document_it_lacks_is_an_error_not_a_wrong_pair(
    store: CorpusStore,
) -> None:
    # Texts and word hashes are read by row, the row keys name: a file with fewer rows
    # than the keys name is damaged, and says so.
    batch = prepare_batch(
        [Document("sub", "sub.txt", Role.SUBMISSION, prose(4, 40))], [], store.settings
    )
    found = match_part(store.parts[1], (store, batch))
    assert found.pairs.ids == ("s1",)  # the part's last document is proposed
    forgetful = _Forgetful(store.root, store.settings, store.manifest, store.lock_timeout)
    with pytest.raises(StoreError, match="band keys that name no document of the part"):
        match_part(store.parts[1], (forgetful, batch))


def test_a_part_counts_only_the_documents_a_view_of_it_holds(store: CorpusStore) -> None:
    # The scan's document count (the N of its IDF) and source count come from these.
    batch = prepare_batch(
        [Document("sub", "sub.txt", Role.SUBMISSION, prose(3, 40))], [], store.settings
    )
    whole = match_part(store.parts[3], (store, batch))
    assert (whole.stored, whole.sources) == (2, 2)
    less = match_part(store.parts[3], (StoreWithout(store, {"s2"}), batch))
    assert (less.stored, less.sources) == (1, 1)
    assert match_part(store.parts[1], (StoreWithout(store, {"p3"}), batch)).stored == 1


def _held(docs: list[Document], terms: np.ndarray) -> dict[int, int]:
    """How many of ``docs`` hold each of ``terms``, counted from their texts."""
    held = [set(word_hashes(normalised_words(d.text)).tolist()) for d in docs]
    counts = {int(t): sum(int(t) in h for h in held) for t in terms.tolist()}
    return {t: n for t, n in counts.items() if n}


@pytest.mark.parametrize("share", [1, 64])
def test_stored_frequencies_count_the_documents_holding_each_term(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch, share: int
) -> None:
    monkeypatch.setattr(scan_module, "DF_SHARE", share)
    docs = store.documents()
    every = np.unique(np.concatenate([word_hashes(normalised_words(d.text)) for d in docs]))
    terms = np.unique(np.concatenate([every[::2], np.array([1, 2**64 - 1], dtype=np.uint64)]))
    assert scan_module._stored_df(store, terms) == _held(docs, terms)
    assert scan_module._stored_df(store, terms, LocalEngine(2)) == _held(docs, terms)
    view = StoreWithout(store, {"p3", "s2"})
    kept = [d for d in docs if d.id not in {"p3", "s2"}]
    assert scan_module._stored_df(view, terms, LocalEngine(2)) == _held(kept, terms)


def test_stored_frequencies_of_terms_written_out_of_order(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terms file not in ascending order (none is written so) is still counted right."""
    docs = store.documents()
    terms = np.unique(np.concatenate([word_hashes(normalised_words(d.text)) for d in docs]))
    read = CorpusStore.read_part

    def reversed_terms(
        self: CorpusStore, dataset: str, part: str, columns: list[str] | None = None
    ) -> pa.Table:
        table = read(self, dataset, part, columns)
        if dataset != "terms":
            return table
        return table.take(pa.array(range(table.num_rows - 1, -1, -1)))

    monkeypatch.setattr(store_module.CorpusStore, "read_part", reversed_terms)
    assert scan_module._stored_df(store, terms) == _held(docs, terms)


def test_a_view_without_some_documents_reads_none_of_them(store: CorpusStore) -> None:
    view = StoreWithout(store, {"p3", "s2"})
    wanted = {"p1", "p3", "s1", "s2", "s3"}
    assert sorted(d.id for d in store.documents(wanted)) == sorted(wanted)
    assert sorted(d.id for d in view.documents(wanted)) == ["p1", "s1", "s3"]
    assert sorted(d.id for d in view.documents()) == ["p1", "p2", "p4", "s1", "s3"]
    # By row, a part's documents are read as the part holds them (the keys' rows).
    part = store.parts[1]
    assert [d.id for d in store.part_documents(part, [1])] == ["s1"]
    assert [d.id for d in store.part_documents(part, [0, 1])] == store.part_ids(part)
