"""What a store holds: its documents (never their text), counts per role and term, a digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from overlap.store.bands import prefixes, rows_of
from overlap.store.corpus import DATASETS, SIDE_DATASETS, CorpusStore
from overlap.store.ledger import read_ledger
from overlap.store.parts import part_file
from overlap.store.schema import listed_hashes

#: Columns of the documents dataset that ``corpus list`` shows.
LISTED = ["id", "role", "term", "student", "words", "path", "title"]


@dataclass(frozen=True)
class StoredDocument:
    """One stored document, without its text."""

    id: str
    role: str
    term: str | None
    student: str | None
    words: int
    path: str
    title: str | None


def list_documents(
    store: CorpusStore,
    *,
    role: str | None = None,
    term: str | None = None,
    student: str | None = None,
) -> list[StoredDocument]:
    """Stored documents, in the order stored, filtered by exact role, term and student."""
    wanted = {"role": role, "term": term, "student": student}
    out = []
    for table in store.tables("documents", columns=LISTED):
        for row in table.to_pylist():
            if all(v is None or row[k] == v for k, v in wanted.items()):
                out.append(StoredDocument(**row))
    return out


@dataclass(frozen=True)
class Group:
    """Documents and words of one role and term."""

    role: str
    term: str | None
    documents: int
    words: int


@dataclass(frozen=True)
class StoreStats:
    """Counts, sizes and settings of a store."""

    root: str
    documents: int
    words: int
    groups: tuple[Group, ...]
    parts: int
    files: int
    bytes: int
    scanned: int
    settings: dict[str, Any]
    created_at: str | None
    updated_at: str | None
    digest: str | None = field(default=None)


def store_stats(store: CorpusStore, *, digest: bool = False) -> StoreStats:
    """Count what ``store`` holds; with ``digest``, also hash its content (reads every text)."""
    docs = store.read("documents", ["role", "term", "words"])
    grouped = docs.group_by(["role", "term"], use_threads=False).aggregate(
        [("words", "count"), ("words", "sum")]
    )
    groups = sorted(
        (
            Group(r["role"], r["term"], r["words_count"], r["words_sum"] or 0)
            for r in grouped.to_pylist()
        ),
        key=lambda g: (g.role, g.term or ""),
    )
    files = [part_file(store.root, d, p) for p in store.parts for d in DATASETS]
    files += [store.root / k / f"{n}.parquet" for k in SIDE_DATASETS for n in store.side_files(k)]
    manifest = store.manifest
    return StoreStats(
        root=str(store.root),
        documents=docs.num_rows,
        words=pc.sum(docs.column("words")).as_py() or 0,
        groups=tuple(groups),
        parts=len(store.parts),
        files=len(files),
        bytes=sum(f.stat().st_size for f in files if f.exists()),
        scanned=read_ledger(store).num_rows,
        settings=dict(manifest["settings"]),
        created_at=manifest.get("created_at"),
        updated_at=manifest.get("updated_at"),
        digest=content_digest(store) if digest else None,
    )


def _named_bands(store: CorpusStore) -> pa.Table:
    """Every stored band key (the bits kept, :mod:`overlap.store.bands`) and its document."""
    keys: list[pa.Array] = []
    docs: list[pa.Array] = []
    for part in store.parts:
        ids = store.part_ids(part)
        stored = store.band_keys(part, ids)
        keys.append(pa.array(prefixes(stored), pa.uint64()))
        docs.append(pa.array(ids, pa.string()).take(pa.array(rows_of(stored))))
    return pa.table(
        {
            "key": pa.chunked_array(keys, pa.uint64()),
            "doc": pa.chunked_array(docs, pa.string()),
        }
    )


def _named_content(store: CorpusStore) -> pa.Table:
    """Every stored content key with its document and position, whichever the layout."""
    tables = []
    for part in store.parts:
        ids = store.part_ids(part)
        rows = store.content_rows(part, ids)
        doc = pa.array(ids, pa.string()).take(pa.array(rows.rows))
        tables.append(pa.table({"key": rows.keys, "doc": doc, "pos": rows.pos.astype(np.int32)}))
    if not tables:
        return pa.table(
            {
                "key": pa.array([], pa.uint64()),
                "doc": pa.array([], pa.string()),
                "pos": pa.array([], pa.int32()),
            }
        )
    return pa.concat_tables(tables)


def _canonical(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded, rows sorted by every column, one chunk."""
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            table = table.set_column(i, f.name, table.column(i).cast(f.type.value_type))
    sortable = [
        (f.name, "ascending")
        for f in table.schema
        if not (pa.types.is_list(f.type) or pa.types.is_large_list(f.type))
    ]
    return table.sort_by(sortable).combine_chunks()


def content_digest(store: CorpusStore) -> str:
    """SHA-256 of the store's content: the same for the same documents, however partitioned.

    Covers every column of documents, windows and band keys (each key with its document's
    id, whichever layout its part has), and the summed term counts; not part names, file
    layout or the scan ledger.
    """
    digest = hashlib.sha256()
    for dataset in DATASETS:
        if dataset == "bands":
            table = _named_bands(store)
        elif dataset == "content":
            table = _named_content(store)
        else:
            table = store.read(dataset)
        if dataset == "documents" and "hashes" in table.column_names:
            # As lists of numbers, the form the digest has always covered them in.
            at = table.schema.get_field_index("hashes")
            table = table.set_column(at, "hashes", listed_hashes(table.column("hashes")))
        if dataset == "terms":
            table = table.group_by("term", use_threads=False).aggregate([("df", "sum")])
        table = _canonical(table)
        digest.update(f"{dataset}:{table.num_rows}\n".encode())
        for column in table.columns:
            digest.update(_column_bytes(column))
    return digest.hexdigest()


def _column_bytes(column: pa.ChunkedArray) -> bytes:
    """A column's values as bytes that depend on nothing but the values."""
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        nulls: bytes = column.is_null().to_numpy(zero_copy_only=False).tobytes()
        values: bytes = column.fill_null(0).to_numpy().tobytes()
        return nulls + values
    return json.dumps(column.to_pylist(), ensure_ascii=False).encode("utf-8")


def format_stats(stats: StoreStats) -> str:
    """The stats as a few lines of text."""
    lines = [
        f"store      {stats.root}",
        f"documents  {stats.documents} ({stats.words} words)",
        f"parts      {stats.parts} ({stats.files} files, {stats.bytes / 2**20:.1f} MiB)",
        f"scanned    {stats.scanned} submission(s) in the scan ledger",
        f"created    {stats.created_at or '?'}, updated {stats.updated_at or '?'}",
        "settings   " + ", ".join(f"{k}={v}" for k, v in sorted(stats.settings.items())),
    ]
    if stats.digest:
        lines.append(f"digest     {stats.digest}")
    if stats.groups:
        lines.append("")
        lines.append(f"{'role':<8} {'term':<20} {'documents':>9} {'words':>10}")
        for g in stats.groups:
            lines.append(f"{g.role:<8} {g.term or '-':<20} {g.documents:>9} {g.words:>10}")
    return "\n".join(lines)
