"""Side datasets of a store (the scan ledger, review decisions): small Parquet files it lists.

Each is a folder of files listed by the manifest under the folder's name, so a write changes
it atomically with the manifest, under the store's lock, like a part.
"""

from __future__ import annotations

import uuid

import pyarrow as pa
import pyarrow.parquet as pq

from overlap.errors import StoreError
from overlap.store.corpus import CorpusStore
from overlap.store.parts import write_error, write_parquet

#: A write that would leave more files than this in a side dataset merges them all into one.
MAX_FILES = 8


def read_side(store: CorpusStore, key: str, schema: pa.Schema, what: str) -> pa.Table:
    """Every row of the side dataset ``key``, in the order written.

    Raises:
        StoreError: A file cannot be read as ``what`` (``the scan ledger``).
    """
    tables = []
    for name in store.side_files(key):
        path = store.root / key / f"{name}.parquet"
        try:
            file = pq.ParquetFile(path, page_checksum_verification=True)
            _check_format(path, file.schema_arrow, schema, what)
            tables.append(file.read().cast(schema))
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise StoreError(f"{path}: cannot read {what}: {exc}") from exc
    return pa.concat_tables(tables) if tables else schema.empty_table()


#: Schema metadata naming the format of a side dataset's files (absent: any, as the ledger).
FORMAT_KEY = b"overlap.format"


def _check_format(path: object, found: pa.Schema, schema: pa.Schema, what: str) -> None:
    """Refuse a file written in another format than this version writes."""
    wanted = (schema.metadata or {}).get(FORMAT_KEY)
    if wanted is None:
        return
    got = (found.metadata or {}).get(FORMAT_KEY)
    if got != wanted:
        shown = got.decode("utf-8", "replace") if got else "none"
        raise StoreError(
            f"{path}: {what} in format {shown}, not {wanted.decode()}: "
            "written by another version of overlap"
        )


def _stage(store: CorpusStore, key: str, table: pa.Table) -> str:
    name = f"{key}-{uuid.uuid4().hex}"
    folder = store.root / key
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet(
            folder / f".{name}.parquet.tmp", table, dict.fromkeys(table.column_names, "zstd")
        )
    except OSError as exc:
        raise write_error(store.root, exc) from exc
    return name


def append_side(
    store: CorpusStore, key: str, table: pa.Table, schema: pa.Schema, what: str
) -> None:
    """Add rows to the side dataset ``key`` in one manifest write, merging its files if many.

    Call inside :meth:`CorpusStore.locked`.
    """
    drop: list[str] = []
    if len(store.side_files(key)) + 1 > MAX_FILES:
        table = pa.concat_tables([read_side(store, key, schema, what), table])
        drop = store.side_files(key)
    store.publish_side(key, [_stage(store, key, table)], drop)


def replace_side(store: CorpusStore, key: str, table: pa.Table) -> None:
    """Replace every row of the side dataset ``key`` with ``table`` (none: no file at all).

    Call inside :meth:`CorpusStore.locked`.
    """
    staged = [_stage(store, key, table)] if table.num_rows else []
    store.publish_side(key, staged, store.side_files(key))
