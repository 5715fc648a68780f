"""The sums Arrow IPC part files record of their columns: of values, whatever the layout."""

import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overlap.store.array_sums import MISSING, array_sum, column_sum, row_sums, table_sums
from overlap.store.parts import ROW_SUMS, SUMS, read_arrow_file, write_arrow_file
from overlap.store.schema import HASHES

WRAP = 1 << 64

texts = st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=30)


def words_sum(data: bytes) -> int:
    """Bytes as little-endian 64-bit words, the last padded with zeros, summed mod 2**64."""
    padded = data + b"\0" * (-len(data) % 8)
    return sum(int.from_bytes(padded[k : k + 8], "little") for k in range(0, len(padded), 8))


def expected_text_sum(values: list[str | None]) -> int:
    """The documented sum of a string column, computed from its values alone."""
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    offsets = np.cumsum([0] + [len(e) for e in encoded])
    missing = sum(k + 1 for k, v in enumerate(values) if v is None)
    return (int(offsets.sum()) + words_sum(b"".join(encoded)) + missing) % WRAP


@given(texts, st.integers(0, 5), st.integers(0, 5))
@settings(max_examples=200, deadline=None)
def test_a_text_column_sums_its_offsets_bytes_and_missing_rows_however_it_is_laid_out(
    values: list[str | None], before: int, after: int
) -> None:
    want = expected_text_sum(values)
    padded = ["x" * before] * before + values + ["y" * after] * after
    sliced = pa.array(padded, pa.large_string()).slice(before, len(values))
    assert array_sum(pa.array(values, pa.large_string())) == want
    assert array_sum(pa.array(values, pa.string())) == want
    assert array_sum(sliced) == want
    halves = pa.chunked_array(
        [pa.array(values[:3], pa.large_string()), pa.array(values[3:], pa.large_string())]
    )
    assert array_sum(halves) == want


@given(st.lists(st.one_of(st.none(), st.lists(st.text(max_size=8), max_size=4)), max_size=20))
@settings(max_examples=100, deadline=None)
def test_a_list_column_sums_its_offsets_and_values(values: list[list[str] | None]) -> None:
    sizes = [0 if v is None else len(v) for v in values]
    offsets = np.cumsum([0, *sizes])
    flat = [w for v in values if v for w in v]
    missing = sum(k + 1 for k, v in enumerate(values) if v is None)
    want = (int(offsets.sum()) + expected_text_sum(flat) + missing) % WRAP
    column = pa.array([["z"], *values], pa.list_(pa.string())).slice(1)
    assert array_sum(column) == want


def test_integer_columns_sum_as_they_always_did() -> None:
    # Files of band and content keys written before other columns were summed stay valid.
    keys = np.array([1, 2**63, 2**64 - 1], dtype=np.uint64)
    assert array_sum(pa.array(keys)) == column_sum(keys) == (1 + 2**63 + 2**64 - 1) % WRAP
    rows = np.array([0, 7, 65535], dtype=np.uint16)
    assert array_sum(pa.array(rows)) == column_sum(rows) == 65542


def test_every_byte_of_a_text_counts() -> None:
    text = "Each byte of a stored text is covered by its column's sum."
    base = array_sum(pa.array([text], pa.large_string()))
    for k in range(len(text)):
        changed = text[:k] + chr(ord(text[k]) ^ 1) + text[k + 1 :]
        assert array_sum(pa.array([changed], pa.large_string())) != base, k


def test_a_column_of_another_type_has_no_sum() -> None:
    with pytest.raises(TypeError, match="no sum is defined"):
        array_sum(pa.array([{"a": 1}]))


def documents(n: int) -> pa.Table:
    return pa.table(
        {
            "id": [f"d{k}" for k in range(n)],
            "text": pa.array([f"text number {k} " * (k + 1) for k in range(n)], pa.large_string()),
            "flags": [["quoted"] if k % 2 else [] for k in range(n)],
            "hashes": pa.array([bytes(4 * k) for k in range(n)], HASHES),
        }
    )


ROWS = ("text", "hashes")


@given(st.lists(st.one_of(st.none(), st.binary(max_size=30)), max_size=20))
@settings(max_examples=100, deadline=None)
def test_a_row_sums_its_length_and_its_bytes_weighed_by_place(values: list[bytes | None]) -> None:
    want = [
        MISSING if v is None else (len(v) + sum((k + 1) * b for k, b in enumerate(v))) % WRAP
        for v in values
    ]
    assert row_sums(pa.array(values, pa.large_binary())).tolist() == want
    assert row_sums(pa.array([b"x", *values], pa.binary()).slice(1)).tolist() == want


def test_a_changed_moved_or_lost_byte_changes_its_row_sum() -> None:
    text = b"Each byte of a stored text is covered by its row's sum."
    base = row_sums(pa.array([text]))[0]
    for k in range(len(text)):
        changed = text[:k] + bytes([text[k] ^ 1]) + text[k + 1 :]
        assert row_sums(pa.array([changed]))[0] != base, k
        assert row_sums(pa.array([text[:k] + text[k + 1 :]]))[0] != base, k
    swapped = text[1:2] + text[:1] + text[2:]
    assert row_sums(pa.array([swapped]))[0] != base
    assert row_sums(pa.array([None, b""], pa.binary())).tolist() == [MISSING, 0]


def test_row_sums_only_of_strings_and_binary_values() -> None:
    with pytest.raises(TypeError, match="no row sums"):
        row_sums(pa.array([1, 2]))


def test_a_file_reads_back_whole_or_by_columns_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "d.arrow"
    table = documents(50)
    write_arrow_file(path, table, ROWS)
    assert read_arrow_file(path).select(table.column_names).equals(table)
    only = read_arrow_file(path, ["hashes", "id"])
    assert only.column_names == ["id", "hashes"]  # in the file's order
    assert only.column("hashes").equals(table.column("hashes"))
    some = read_arrow_file(path, ["id", "text"], rows=[3, 17, 49])
    assert some.to_pydict() == table.select(["id", "text"]).take([3, 17, 49]).to_pydict()
    assert read_arrow_file(path, rows=[]).num_rows == 0
    with pytest.raises(IndexError, match="beyond the 50 rows"):
        read_arrow_file(path, rows=[50])


def rewritten(path: Path, change: pa.Table) -> None:
    """Write ``change`` over ``path`` keeping the sums the file recorded (as damage would)."""
    recorded = read_arrow_file(path).schema.metadata
    changed = change.replace_schema_metadata(recorded)
    beside = path.with_name(path.name + ".new")  # what was read is mapped from path
    with pa.OSFile(str(beside), "wb") as sink, pa.ipc.new_file(sink, changed.schema) as w:
        w.write_table(changed)
    beside.replace(path)


def test_a_changed_text_is_refused_where_its_row_is_read_and_only_there(tmp_path: Path) -> None:
    path = tmp_path / "d.arrow"
    table = documents(5)
    write_arrow_file(path, table, ROWS)
    texts = table.column("text").to_pylist()
    texts[3] = texts[3].replace("number", "numbern")
    rewritten(path, table.set_column(1, "text", pa.array(texts, pa.large_string())))
    with pytest.raises(ValueError, match="do not add up"):
        read_arrow_file(path)  # whole: every sum is checked
    with pytest.raises(ValueError, match="rows of 'text' do not add up"):
        read_arrow_file(path, ["id", "text"], rows=[1, 3])
    # Rows that are not read are not checked, and a column not read is not either.
    assert read_arrow_file(path, ["id", "text"], rows=[0, 4]).num_rows == 2
    assert read_arrow_file(path, ["id", "hashes"]).num_rows == 5


def test_a_changed_id_is_refused_whatever_rows_are_read(tmp_path: Path) -> None:
    path = tmp_path / "d.arrow"
    table = documents(5)
    write_arrow_file(path, table, ROWS)
    ids = table.column("id").to_pylist()
    ids[4] = "dX"
    rewritten(path, table.set_column(0, "id", pa.array(ids)))
    with pytest.raises(ValueError, match="columns do not add up"):
        read_arrow_file(path, ["id", "text"], rows=[0])


def test_row_sums_that_cannot_be_read_or_miscount_the_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.arrow"
    table = documents(4)
    write_arrow_file(path, table, ROWS)
    meta = dict(read_arrow_file(path).schema.metadata)
    for bad, problem in [
        (b"{", "sums of each row cannot be read"),
        (json.dumps({"text": "not base64!"}).encode(), "row of 'text' cannot be read"),
        (json.dumps({"text": "AAAAAAAAAAA="}).encode(), "of 'text' are not one a row"),
    ]:
        changed = table.replace_schema_metadata({**meta, ROW_SUMS: bad})
        beside = path.with_name(path.name + ".new")
        with pa.OSFile(str(beside), "wb") as sink, pa.ipc.new_file(sink, changed.schema) as w:
            w.write_table(changed)
        beside.replace(path)
        with pytest.raises(ValueError, match=problem):
            read_arrow_file(path, ["text"], rows=[1])


def test_a_file_without_a_sum_of_a_column_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.arrow"
    table = documents(3)
    sums = table_sums(table.select(["id"]))
    table = table.replace_schema_metadata({SUMS: json.dumps(sums).encode()})
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    assert read_arrow_file(path, ["id"]).num_rows == 3
    with pytest.raises(ValueError, match="records no sum of some of its columns"):
        read_arrow_file(path, ["id", "text"])


@pytest.mark.parametrize("rows", [None, [0]])
def test_an_empty_or_cut_file_is_an_error_read_whole_or_by_rows(
    tmp_path: Path, rows: list[int] | None
) -> None:
    path = tmp_path / "d.arrow"
    write_arrow_file(path, documents(3), ROWS)
    whole = path.read_bytes()
    for cut in (b"", whole[: len(whole) // 2]):
        path.write_bytes(cut)
        with pytest.raises((ValueError, OSError, pa.ArrowException)):
            read_arrow_file(path, ["id", "text"], rows)


def test_tables_read_in_part_hold_no_file_open(tmp_path: Path) -> None:
    # A store's documents read column by column over thousands of parts: each table kept
    # must not keep its file (or a descriptor of it) open.
    path = tmp_path / "d.arrow"
    write_arrow_file(path, documents(20), ROWS)
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    kept = [read_arrow_file(path, ["id"]) for _ in range(50)]
    kept += [read_arrow_file(path, ["id", "text"], rows=[1, 2]) for _ in range(50)]
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) - before < 5
    assert [t.num_rows for t in kept] == [20] * 50 + [2] * 50
