"""Which parts of a store an earlier version wrote: what ``overlap corpus upgrade`` rewrites.

A part written before the store kept each document's word hashes (or packed them), or
before documents, band and content keys were Arrow IPC files (keys naming documents by
row, content keys sorted by key), is read as it is, only more slowly. Telling reads only
the files' footers.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from overlap.errors import StoreError
from overlap.store.corpus import DAMAGED, CorpusStore
from overlap.store.parts import (
    ARROW_DATASETS,
    DATASETS,
    LAYOUTS,
    ROW_SUMMED,
    ROW_SUMS,
    part_file,
)
from overlap.store.schema import LATER_COLUMNS


def _schema(store: CorpusStore, dataset: str, part: str) -> pa.Schema:
    """A part file's schema (with its metadata), from its footer."""
    path = part_file(store.root, dataset, part)
    try:
        if path.suffix == ".arrow":
            with pa.memory_map(str(path)) as source:
                schema: pa.Schema = pa.ipc.open_file(source).schema
            return schema
        return pq.read_schema(path)
    except FileNotFoundError:
        missing = f"{path}: missing, though the manifest lists its part"
        raise StoreError(f"{missing}; {DAMAGED}") from None
    except (OSError, pa.ArrowException) as exc:
        raise StoreError(f"{path}: cannot be read: {exc}; {DAMAGED}") from exc


def outdated(store: CorpusStore, part: str) -> bool:
    """Whether a part lacks a column parts are written with now, or a file's form is older.

    Word hashes written before they were packed are a list per document (``LISTED_HASHES``).

    Documents, band and content keys written before they were Arrow IPC files are Parquet
    files; content keys written before they were sorted by key do not say they are
    (``LAYOUTS``), nor do documents files written before they recorded one sum a row of
    texts and word hashes (``ROW_SUMMED``).
    """
    for dataset in ARROW_DATASETS:
        path = part_file(store.root, dataset, part)
        if not path.exists():
            raise StoreError(f"{path}: missing, though the manifest lists its part; {DAMAGED}")
        if path.suffix != ".arrow":
            return True
    schemas: dict[str, pa.Schema] = {}  # each file's footer read once

    def schema(dataset: str) -> pa.Schema:
        if dataset not in schemas:
            schemas[dataset] = _schema(store, dataset, part)
        return schemas[dataset]

    for dataset, columns in LATER_COLUMNS.items():
        names = schema(dataset).names
        for c in columns:
            if c not in names or schema(dataset).field(c).type != DATASETS[dataset].field(c).type:
                return True
    for dataset, layout in LAYOUTS.items():
        meta = schema(dataset).metadata or {}
        if any(meta.get(k) != v for k, v in layout.items()):
            return True
    return any(ROW_SUMS not in (schema(d).metadata or {}) for d in ROW_SUMMED)


def count_outdated(store: CorpusStore) -> int:
    """How many of the store's parts an upgrade would rewrite (0 where that cannot be told).

    Reads only the files' footers: cheap enough to tell after every scan.
    """
    try:
        return sum(outdated(store, p) for p in store.parts)
    except StoreError:
        return 0  # a damaged part: the scan, or corpus verify, says so
