"""Arrow schemas of the store's datasets, and converters between Document and Arrow."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from overlap.model import Document, Role

SETTINGS_KEY = b"overlap.settings"
#: Document ids in per-window and per-band rows repeat a lot: stored dictionary-encoded.
DOC_ID = pa.dictionary(pa.int32(), pa.string())

DOCUMENTS = pa.schema(
    [
        ("id", pa.string()),
        ("path", pa.string()),
        ("role", pa.string()),
        ("text", pa.large_string()),
        ("authors", pa.list_(pa.string())),
        ("year", pa.string()),
        ("title", pa.string()),
        ("student", pa.string()),
        ("term", pa.string()),
        ("submitted_at", pa.string()),
        ("flags", pa.list_(pa.string())),
        ("words", pa.int32()),
        # The low 32 bits of each word's hash, in text order: what a scan screens candidate
        # pairs on, without tokenising their texts again (see HASHES).
        ("hashes", pa.large_binary()),
    ]
)
#: Columns of DOCUMENTS that parts written by earlier versions lack (read from the text).
LATER_COLUMNS = {"documents": ("hashes",)}
#: A document's word hashes are the bytes of its little-endian 32-bit values, 4 a word: one
#: buffer for a part, which Parquet decodes several times faster than a list per document.
#: Parts written before keep a list of 32-bit values (``LISTED_HASHES``), read the same.
HASHES = pa.large_binary()
LISTED_HASHES = pa.list_(pa.uint32())

WINDOWS = pa.schema(
    [
        ("doc", DOC_ID),
        ("window", pa.int32()),
        ("first_word", pa.int32()),
        ("end_word", pa.int32()),
    ]
)

#: Band keys, packed with their documents' rows and sorted (:mod:`overlap.store.bands`).
#: Parts written before have a ``doc`` column too, naming each key's document.
BANDS = pa.schema([("key", pa.uint64())])

#: Content-word keys (the second sketch): one row per distinct key of a document, with its
#: document's row in the part and the position (among the document's content words) of its
#: first occurrence (:mod:`overlap.store.content_rows`). Parts written before have a ``doc``
#: column, naming the document, instead of ``row``.
CONTENT = pa.schema([("key", pa.uint64()), ("row", pa.uint16()), ("pos", pa.int32())])

#: The columns every Parquet file of band or content keys has: parts written before these
#: were Arrow IPC files (their documents named by id in a ``doc`` column).
PARQUET_LAYOUTS = {
    "bands": pa.schema([("key", pa.uint64())]),
    "content": pa.schema([("key", pa.uint64()), ("doc", DOC_ID), ("pos", pa.int32())]),
}

TERMS = pa.schema([("term", pa.uint64()), ("df", pa.int64())])


def with_settings(schema: pa.Schema, index_settings: dict[str, Any]) -> pa.Schema:
    """Attach the index settings to a schema so that every file carries them."""
    return schema.with_metadata({SETTINGS_KEY: json.dumps(index_settings, sort_keys=True)})


def settings_of(schema: pa.Schema) -> dict[str, Any] | None:
    """Return the index settings recorded in a file's schema, if any."""
    meta = schema.metadata or {}
    raw = meta.get(SETTINGS_KEY)
    return None if raw is None else dict(json.loads(raw))


def low_hashes(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """The low 32 bits of word hashes, as the documents' ``hashes`` column stores them."""
    return (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def hashes_column(hash_lists: Sequence[npt.NDArray[np.uint64]]) -> pa.Array:
    """The ``hashes`` column for documents with these word hashes."""
    sizes = np.array([len(h) for h in hash_lists], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    flat = np.concatenate(hash_lists) if len(hash_lists) else np.zeros(0, dtype=np.uint64)
    return _packed(low_hashes(flat.astype(np.uint64)), offsets)


def _packed(flat: npt.NDArray[np.uint32], offsets: npt.NDArray[np.int64]) -> pa.Array:
    """A ``HASHES`` array of documents whose hashes are ``flat[offsets[k]:offsets[k + 1]]``."""
    data = pa.py_buffer(flat.astype("<u4").tobytes())
    starts = pa.py_buffer((offsets.astype(np.int64) * 4).tobytes())
    return pa.Array.from_buffers(HASHES, len(offsets) - 1, [None, starts, data])


def hash_slices(column: pa.Array | pa.ChunkedArray) -> tuple[npt.NDArray[np.uint32], list[int]]:
    """The word hashes a ``hashes`` column holds, flat, and where each document's start.

    Document ``k`` has ``flat[offsets[k]:offsets[k + 1]]``. Either form of the column
    (``HASHES``, or ``LISTED_HASHES`` as earlier parts have it) gives the same.

    Raises:
        ValueError: A document's hashes are not a whole number of 32-bit values.
    """
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_list(array.type):
        values = array.values.to_numpy(zero_copy_only=False).astype(np.uint32, copy=False)
        return values, array.offsets.to_numpy().tolist()
    if array.null_count:
        raise ValueError("documents without word hashes")
    _, starts, data = array.buffers()
    at = np.frombuffer(starts, dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    if len(at) and (np.any(at % 4) or at[0] < 0):
        raise ValueError("word hashes that are not a whole number of 32-bit values")
    first = int(at[0]) if len(at) else 0
    end = int(at[-1]) if len(at) else 0
    flat = (
        np.frombuffer(data, dtype="<u4", count=(end - first) // 4, offset=first)
        if end
        else (np.zeros(0, dtype=np.uint32))
    )
    return flat.astype(np.uint32, copy=False), ((at - first) // 4).tolist()


def current_form(dataset: str, table: pa.Table) -> pa.Table:
    """A part's table with any column of an older form (``OLDER_TYPES``) as written now."""
    for name, (older, convert) in OLDER_TYPES.get(dataset, {}).items():
        if name in table.column_names and table.schema.field(name).type.equals(older):
            at = table.schema.get_field_index(name)
            table = table.set_column(at, name, convert(table.column(name)))
    return table


def listed_hashes(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A ``hashes`` column as a list of 32-bit values per document (``LISTED_HASHES``)."""
    flat, offsets = hash_slices(column)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(flat, pa.uint32()))


def packed_hashes(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A ``hashes`` column in the form parts are written with now (``HASHES``)."""
    flat, offsets = hash_slices(column)
    return _packed(flat, np.array(offsets, dtype=np.int64))


def documents_to_table(
    documents: list[Document], words: list[int], hashes: Sequence[npt.NDArray[np.uint64]]
) -> pa.Table:
    """Convert documents (with their word counts and word hashes) to a DOCUMENTS table."""
    columns: dict[str, list[Any]] = {
        "id": [d.id for d in documents],
        "path": [d.path for d in documents],
        "role": [str(d.role) for d in documents],
        "text": [d.text for d in documents],
        "authors": [list(d.authors) for d in documents],
        "year": [d.year for d in documents],
        "title": [d.title for d in documents],
        "student": [d.student for d in documents],
        "term": [d.term for d in documents],
        "submitted_at": [d.submitted_at for d in documents],
        "flags": [list(d.flags) for d in documents],
        "words": words,
        "hashes": hashes_column(hashes),
    }
    return pa.table(columns, schema=DOCUMENTS)


#: The columns of DOCUMENTS a Document is made of (not what the store derives from it).
DOCUMENT_COLUMNS = [
    "id",
    "path",
    "role",
    "text",
    "authors",
    "year",
    "title",
    "student",
    "term",
    "submitted_at",
    "flags",
]


def table_to_documents(table: pa.Table) -> list[Document]:
    """Convert a table of the DOCUMENTS schema (or its ``DOCUMENT_COLUMNS``) to documents."""
    table = table.select(DOCUMENT_COLUMNS)
    return [
        Document(
            id=row["id"],
            path=row["path"],
            role=Role(row["role"]),
            text=row["text"],
            authors=tuple(row["authors"] or ()),
            year=row["year"],
            title=row["title"],
            student=row["student"],
            term=row["term"],
            submitted_at=row["submitted_at"],
            flags=tuple(row["flags"] or ()),
        )
        for row in table.to_pylist()
    ]


#: Columns that parts written by earlier versions have in another form: that form, and how
#: it becomes the form written now (:func:`current_form`, which reads them so).
OLDER_TYPES: dict[str, dict[str, tuple[pa.DataType, Callable[[pa.ChunkedArray], pa.Array]]]] = {
    "documents": {"hashes": (LISTED_HASHES, packed_hashes)}
}
