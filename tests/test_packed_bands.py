"""Band keys are stored packed with their documents' rows, sorted, in an Arrow IPC file.

Parts written before (a Parquet file of ``(key, doc)`` rows) still scan the same.
"""

import shlex
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from clirun import invoke
from hypothesis import given, settings
from hypothesis import strategies as st
from test_word_hashes import findings_of, stored_in_two_parts, week

from overlap.errors import StoreError
from overlap.indexing.erasure import Selection, remove_documents
from overlap.model import Document
from overlap.scanning.scan import scan
from overlap.sketch.content import hash_words
from overlap.sketch.documents import sketch_content, sketch_hashes
from overlap.store.array_sums import column_sum
from overlap.store.bands import MAX_DOCS, packed, prefixes, rows_of
from overlap.store.content_rows import BY_KEY, ORDER, content_table
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import content_digest
from overlap.store.parts import (
    SUMS,
    part_file,
    read_arrow_file,
    write_arrow_file,
    write_parquet,
)
from overlap.store.schema import table_to_documents
from overlap.store.verify import verify_store
from overlap.text.tokens import normalised_words


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, list[Document]]:
    return stored_in_two_parts(tmp_path, 500)


def sketched(store: CorpusStore, part: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Band keys of a part's documents sketched afresh, their documents' rows, and the ids."""
    docs = table_to_documents(store.read_part("documents", part))
    sketch = sketch_hashes([hash_words(normalised_words(d.text))[0] for d in docs], store.settings)
    rows = np.repeat(sketch.doc.astype(np.int64), store.settings.bands)
    return sketch.keys.reshape(-1), rows, [d.id for d in docs]


def fresh_content(store: CorpusStore, part: str) -> list[tuple[int, int, int]]:
    """(key, document's row, position) of a part's documents' content keys, sketched afresh."""
    docs = table_to_documents(store.read_part("documents", part))
    content = sketch_content(
        [hash_words(normalised_words(d.text))[1] for d in docs], store.settings
    )
    return sorted(
        zip(content.keys.tolist(), content.doc.tolist(), content.pos.tolist(), strict=True)
    )


def stored_content(store: CorpusStore, part: str) -> list[tuple[int, int, int]]:
    rows = store.content_rows(part, store.part_ids(part))
    return sorted(zip(rows.keys.tolist(), rows.rows.tolist(), rows.pos.tolist(), strict=True))


def unpacked_bands(root: Path) -> None:
    """Rewrite every part's band and content keys as earlier versions wrote them.

    Parquet files of ``(key, doc)`` and ``(key, doc, pos)`` rows, ``doc`` naming the
    document.
    """
    store = CorpusStore.open(root)
    for part in store.parts:
        keys, rows, ids = sketched(store, part)
        names = pa.array(ids, pa.string())
        arrow = root / "bands" / f"{part}.arrow"
        meta = read_arrow_file(arrow).schema.metadata
        meta = {k: v for k, v in meta.items() if k != SUMS}
        table = pa.table(
            {
                "key": pa.array(keys, pa.uint64()),
                "doc": pa.DictionaryArray.from_arrays(rows.astype(np.int32), names),
            }
        ).replace_schema_metadata(meta)
        write_parquet(root / "bands" / f"{part}.parquet", table, {"key": "none", "doc": "zstd"})
        arrow.unlink()
        arrow = root / "content" / f"{part}.arrow"
        content = read_arrow_file(arrow)
        table = pa.table(
            {
                "key": content.column("key"),
                "doc": pa.DictionaryArray.from_arrays(
                    content.column("row").to_numpy().astype(np.int32), names
                ),
                "pos": content.column("pos"),
            }
        ).replace_schema_metadata(meta)
        codecs = {"key": "none", "doc": "zstd", "pos": "zstd"}
        write_parquet(root / "content" / f"{part}.parquet", table, codecs)
        arrow.unlink()


def packed_parts(root: Path) -> list[bool]:
    """Whether each part's band and content keys are Arrow IPC files (as parts are now)."""
    store = CorpusStore.open(root)
    forms = [{part_file(root, d, p).suffix for d in ("bands", "content")} for p in store.parts]
    assert all(len(f) == 1 for f in forms)  # both as parts are now, or both older
    return [f == {".arrow"} for f in forms]


def test_each_band_key_is_stored_with_its_documents_row_and_a_part_is_sorted(
    stored: tuple[Path, list[Document]],
) -> None:
    root, _ = stored
    store = CorpusStore.open(root)
    assert packed_parts(root) == [True, True]
    for part in store.parts:
        ids = store.part_ids(part)
        keys = store.band_keys(part, ids)
        fresh, rows, fresh_ids = sketched(store, part)
        assert ids == fresh_ids and len(keys) == len(fresh) > 0
        assert (keys[1:] >= keys[:-1]).all()
        # Each stored key is its window's band key, less the low bits, which name the row.
        assert sorted(zip(prefixes(fresh).tolist(), rows.tolist(), strict=True)) == list(
            zip(prefixes(keys).tolist(), rows_of(keys).tolist(), strict=True)
        )


def test_a_store_with_unpacked_band_keys_scans_the_same_verifies_and_upgrades(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    submissions = week(docs)
    expected = findings_of(root, submissions)
    assert len(expected["findings"]) >= 2  # type: ignore[arg-type]
    digest = content_digest(CorpusStore.open(root))
    store = CorpusStore.open(root)
    packed_keys = [store.band_keys(p, store.part_ids(p)) for p in store.parts]
    content = [stored_content(store, p) for p in store.parts]
    assert content == [fresh_content(store, p) for p in store.parts] and content[0]
    unpacked_bands(root)
    assert packed_parts(root) == [False, False]
    store = CorpusStore.open(root)
    # Read as parts are now: the same keys and rows as the parts written so.
    for part, keys, rows in zip(store.parts, packed_keys, content, strict=True):
        assert store.band_keys(part, store.part_ids(part)).tolist() == keys.tolist()
        assert stored_content(store, part) == rows
    assert findings_of(root, submissions) == expected
    assert scan(submissions, store).outdated_parts == 2  # each part says so as it is read
    assert verify_store(store).ok and content_digest(store) == digest
    code, out, err = invoke("corpus", "upgrade", "--corpus", root, "--dry-run")
    assert code == 0 and out.strip() == f"would rewrite 2 of 2 part(s) of {root}", err
    code, out, err = invoke("corpus", "upgrade", "--corpus", root)
    assert code == 0 and out.strip() == f"rewrote 2 of 2 part(s) of {root}", err
    assert packed_parts(root) == [True, True]
    store = CorpusStore.open(root)
    assert verify_store(store).ok and content_digest(store) == digest
    assert findings_of(root, submissions) == expected
    assert scan(submissions, store).outdated_parts == 0


@pytest.mark.parametrize("layout", ["packed", "unpacked"])
def test_removing_a_document_renumbers_the_keys_of_the_rest(
    stored: tuple[Path, list[Document]], layout: str
) -> None:
    root, docs = stored
    if layout == "unpacked":
        unpacked_bands(root)
    store = CorpusStore.open(root)
    removed = remove_documents(store, Selection(paths=(docs[1].path,)))
    assert removed.ids == (docs[1].id,)
    store = CorpusStore.open(root)
    # The part rewritten is written packed; the other is left as it was.
    assert sorted(packed_parts(root)) == ([False, True] if layout == "unpacked" else [True] * 2)
    for part in store.parts:
        ids = store.part_ids(part)
        keys = store.band_keys(part, ids)
        fresh, rows, fresh_ids = sketched(store, part)
        assert docs[1].id not in ids and ids == fresh_ids
        assert keys.tolist() == packed(fresh, rows).tolist()
        assert stored_content(store, part) == fresh_content(store, part)
    assert verify_store(store).ok


def test_verify_finds_band_keys_out_of_order_or_naming_no_document(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    store = CorpusStore.open(root)
    part = store.parts[0]
    path = root / "bands" / f"{part}.arrow"
    table = read_arrow_file(path)
    keys = table.column("key").to_numpy().copy()
    meta = {k: v for k, v in table.schema.metadata.items() if k != SUMS}
    for bad, problem, scanned in [
        (keys[::-1].copy(), "has band keys out of order", "has band keys out of order"),
        (
            keys | np.uint64(99),
            f"{len(keys)} key(s) name no document of the part",
            "has band keys that name no document of the part",
        ),
    ]:
        # Written with their sum: the file reads, and what is wrong is what the keys say.
        damaged = pa.table({"key": pa.array(bad, pa.uint64())}).replace_schema_metadata(meta)
        write_arrow_file(path, damaged)
        report = verify_store(CorpusStore.open(root))
        assert [(d.dataset, d.problem) for d in report.damage] == [("bands", problem)]
        with pytest.raises(StoreError, match=f"{path}: {scanned}; run 'overlap corpus verify'"):
            scan(week(docs), CorpusStore.open(root))


@pytest.mark.parametrize("dataset", ["bands", "content"])
def test_a_damaged_key_is_found_by_its_sum_when_read(
    stored: tuple[Path, list[Document]], dataset: str
) -> None:
    root, docs = stored
    store = CorpusStore.open(root)
    path = root / dataset / f"{store.parts[1]}.arrow"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one key
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=f"{path}: cannot read store file: its columns do not add"):
        scan(week(docs), CorpusStore.open(root))
    report = verify_store(CorpusStore.open(root))
    assert [(d.dataset, d.path) for d in report.damage] == [(dataset, str(path))]
    assert "do not add up to the sums recorded with them" in report.damage[0].problem


def test_an_unpacked_key_naming_no_document_is_an_error_naming_the_file(
    stored: tuple[Path, list[Document]],
) -> None:
    root, _ = stored
    unpacked_bands(root)
    store = CorpusStore.open(root)
    part = store.parts[0]
    path = part_file(root, "bands", part)
    table = pq.read_table(path)
    stray = pa.table(
        {
            "key": pa.array([1], pa.uint64()),
            "doc": pa.DictionaryArray.from_arrays(
                pa.array([0], pa.int32()), pa.array(["elsewhere.txt"])
            ),
        }
    )
    bad = pa.concat_tables([table.replace_schema_metadata(None), stray]).combine_chunks()
    write_parquet(path, bad.replace_schema_metadata(table.schema.metadata), {})
    with pytest.raises(StoreError, match=f"{path}: a band key names no document of its part"):
        store.band_keys(part, store.part_ids(part))
    assert not verify_store(store).ok


def test_a_part_of_more_documents_than_keys_can_name_is_refused() -> None:
    keys = np.arange(3, dtype=np.uint64) << np.uint64(20)
    assert rows_of(packed(keys, np.array([2, MAX_DOCS - 1, 0]))).tolist() == [2, MAX_DOCS - 1, 0]
    with pytest.raises(StoreError, match="at most 65536 documents"):
        packed(keys, np.array([0, 1, MAX_DOCS]))


def first_content(root: Path) -> tuple[Path, pa.Table, dict[bytes, bytes]]:
    """The first part's content file, its table and its metadata less the column sums."""
    path = root / "content" / f"{CorpusStore.open(root).parts[0]}.arrow"
    table = read_arrow_file(path)
    return path, table, {k: v for k, v in table.schema.metadata.items() if k != SUMS}


def test_verify_finds_content_rows_naming_no_document(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    path, table, meta = first_content(root)
    rows = table.column("row").to_numpy() + np.uint16(40)
    # Copied out of the memory-mapped file before it is written over.
    columns = {"key": table.column("key").to_numpy().copy(), "row": rows}
    columns["pos"] = table.column("pos").to_numpy().copy()
    write_arrow_file(path, pa.table(columns).replace_schema_metadata(meta))
    report = verify_store(CorpusStore.open(root))
    problem = f"{len(rows)} row(s) name no document of the part"
    assert [(d.dataset, d.problem) for d in report.damage] == [("content", problem)]
    with pytest.raises(StoreError, match=f"{path}: has content keys that name no document"):
        scan(week(docs), CorpusStore.open(root))


def week_folder(docs: list[Document], tmp_path: Path) -> Path:
    """A folder of the week's posts, as a user scans them."""
    folder = tmp_path / "week"
    folder.mkdir()
    for d in week(docs):
        (folder / d.path).write_text(d.text)
    return folder


def test_a_scan_says_when_parts_are_older_and_how_to_upgrade_them(
    stored: tuple[Path, list[Document]], tmp_path: Path
) -> None:
    root, docs = stored
    folder = week_folder(docs, tmp_path)
    unpacked_bands(root)
    code, _, err = invoke("scan", folder, "--corpus", root, "--out", tmp_path / "r1")
    note = f"note: 2 of 2 part(s) of {root} were written by an earlier version and scan more"
    assert code == 0 and note in err
    assert f"; to rewrite them: overlap corpus upgrade --corpus {root}\n" in err
    code, _, err = invoke("scan", folder, "--corpus", root, "--out", tmp_path / "r2", "--quiet")
    assert code == 0 and "note:" not in err
    assert invoke("corpus", "upgrade", "--corpus", root)[0] == 0
    code, _, err = invoke("scan", folder, "--corpus", root, "--out", tmp_path / "r3")
    assert code == 0 and "note:" not in err


def test_the_upgrade_command_a_scan_suggests_runs_as_copied_whatever_the_path(
    stored: tuple[Path, list[Document]], tmp_path: Path
) -> None:
    root, docs = stored
    odd = tmp_path / "odd name ü's" / "st ore"
    odd.parent.mkdir()
    root.rename(odd)
    folder = week_folder(docs, tmp_path)
    unpacked_bands(odd)
    code, _, err = invoke("scan", folder, "--corpus", odd, "--out", tmp_path / "r1")
    assert code == 0
    suggested = err.split("; to rewrite them: ", 1)[1].splitlines()[0]
    words = shlex.split(suggested)
    assert words == ["overlap", "corpus", "upgrade", "--corpus", str(odd)]
    assert invoke(*words[1:])[0] == 0
    assert packed_parts(odd) == [True, True]


def unsorted_content(root: Path) -> None:
    """Rewrite every part's content keys as before they were sorted: in sketch order.

    The files say nothing of their order, as those parts' files did not.
    """
    store = CorpusStore.open(root)
    for part in store.parts:
        docs = table_to_documents(store.read_part("documents", part))
        content = sketch_content(
            [hash_words(normalised_words(d.text))[1] for d in docs], store.settings
        )
        path = root / "content" / f"{part}.arrow"
        meta = read_arrow_file(path).schema.metadata
        meta = {k: v for k, v in meta.items() if k not in (SUMS, ORDER)}
        table = pa.table(
            {
                "key": pa.array(content.keys, pa.uint64()),
                "row": pa.array(content.doc.astype(np.uint16), pa.uint16()),
                "pos": pa.array(content.pos.astype(np.int32), pa.int32()),
            }
        )
        write_arrow_file(path, table.replace_schema_metadata(meta))


def test_content_keys_are_written_sorted_and_older_parts_scan_the_same_and_upgrade(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    store = CorpusStore.open(root)
    for part in store.parts:
        rows = store.content_rows(part, store.part_ids(part))
        assert rows.by_key and len(rows.keys) > 1
        assert list(zip(rows.keys.tolist(), rows.rows.tolist(), strict=True)) == sorted(
            zip(rows.keys.tolist(), rows.rows.tolist(), strict=True)
        )
    content = [stored_content(store, p) for p in store.parts]
    submissions = week(docs)
    expected = findings_of(root, submissions)
    assert len(expected["findings"]) >= 2  # type: ignore[arg-type]
    unsorted_content(root)
    store = CorpusStore.open(root)
    older = [store.content_rows(p, store.part_ids(p)) for p in store.parts]
    assert not any(r.by_key for r in older)
    assert any((r.keys[1:] < r.keys[:-1]).any() for r in older)
    assert [stored_content(store, p) for p in store.parts] == content
    assert findings_of(root, submissions) == expected
    assert verify_store(store).ok
    code, out, err = invoke("corpus", "upgrade", "--corpus", root, "--dry-run")
    assert code == 0 and out.strip() == f"would rewrite 2 of 2 part(s) of {root}", err
    assert invoke("corpus", "upgrade", "--corpus", root)[0] == 0
    store = CorpusStore.open(root)
    assert all(store.content_rows(p, store.part_ids(p)).by_key for p in store.parts)
    assert [stored_content(store, p) for p in store.parts] == content
    assert findings_of(root, submissions) == expected
    code, out, err = invoke("corpus", "upgrade", "--corpus", root, "--dry-run")
    assert code == 0 and out.strip() == f"nothing to upgrade: all 2 part(s) of {root} are current"


def test_content_keys_said_to_be_sorted_and_not_are_damage(
    stored: tuple[Path, list[Document]],
) -> None:
    root, docs = stored
    path, table, meta = first_content(root)
    assert meta[ORDER] == BY_KEY
    # Copied out of the memory-mapped file before it is written over.
    columns = {c: table.column(c).to_numpy()[::-1].copy() for c in ("key", "row", "pos")}
    write_arrow_file(path, pa.table(columns).replace_schema_metadata(meta))
    report = verify_store(CorpusStore.open(root))
    assert [(d.dataset, d.problem) for d in report.damage] == [
        ("content", "has content keys out of order")
    ]
    with pytest.raises(StoreError, match=f"{path}: has content keys out of order; run 'overlap"):
        scan(week(docs), CorpusStore.open(root))


@pytest.mark.parametrize(
    "dtype", [np.uint64, np.int64, np.uint32, np.int32, np.uint16, np.int16, np.uint8, np.int8]
)
def test_a_column_sum_is_its_values_as_unsigned_64_bit_numbers_mod_2_64(dtype: type) -> None:
    info = np.iinfo(dtype)
    values = np.random.default_rng(3).integers(
        info.min, info.max, size=10_001, dtype=dtype, endpoint=True
    )
    values[:2] = [info.min, info.max]
    want = int(np.add.reduce(values.astype(np.uint64), dtype=np.uint64))
    assert column_sum(values) == want
    assert column_sum(values[:0]) == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2**16 - 1), st.integers(0, MAX_DOCS - 1)),
        max_size=40,
        unique_by=lambda t: (t[0], t[1], t[2]),
    )
)
def test_content_rows_are_written_in_order_of_key_then_row(
    rows: list[tuple[int, int, int]],
) -> None:
    """Keys that share their high bits and differ only in their low 16 are ordered too."""
    keys = np.array([(high << 40) | low for high, low, _ in rows], dtype=np.uint64)
    docs = np.array([r for _, _, r in rows], dtype=np.int64)
    table = content_table(keys, docs, np.arange(len(rows)))
    got = list(zip(table.column("key").to_pylist(), table.column("row").to_pylist(), strict=True))
    assert got == sorted(zip(keys.tolist(), docs.tolist(), strict=True))
    # Each row keeps its own position.
    where = {
        (k, r): p for k, r, p in zip(keys.tolist(), docs.tolist(), range(len(rows)), strict=True)
    }
    assert table.column("pos").to_pylist() == [where[kr] for kr in got]
