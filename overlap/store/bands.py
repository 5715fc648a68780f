"""A part's band keys as the store keeps them: one sorted column, each key naming its document.

A stored band key is the window's band key with its low ``DOC_BITS`` bits replaced by the
row of the window's document in the part's documents file, and a part's keys are sorted. A
scan then tests a part's keys against a batch's in one sequential pass and decodes no
document column (:meth:`overlap.sketch.lsh.KeySet.found`): that column cost a scan
more than the keys themselves.

Keys are compared on their high ``64 - DOC_BITS`` bits. Band keys are uniformly mixed, so two
different band keys share those bits with probability ``2**-48``: a scan of ``S`` stored keys
against ``B`` distinct batch keys proposes about ``S * B / 2**48`` rows by chance (some 4 rows
for 1,000,000 stored posts and a week of 500, against 1.4 million candidate pairs). A row
proposed by chance is a candidate the exact alignment then rejects; no shared key is missed.

Parts written before keys were packed have ``(key, doc)`` rows, ``doc`` naming the document;
they are read (packed on reading) until ``overlap corpus upgrade`` rewrites them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from overlap.errors import StoreError

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

#: Low bits of a stored key that hold its document's row: a part holds at most 2**16 documents.
DOC_BITS = 16
MAX_DOCS = 1 << DOC_BITS
#: The mask of the bits of a band key that stored keys keep.
STORED_BITS = 2**64 - MAX_DOCS
_ROW = np.uint64(MAX_DOCS - 1)
_PREFIX = np.uint64(STORED_BITS)


def prefixes(keys: U64) -> U64:
    """The bits of band keys that stored keys keep (the rest name the document)."""
    out: U64 = keys & _PREFIX
    return out


def rows_of(stored: U64) -> I64:
    """The documents' rows that stored keys name."""
    return (stored & _ROW).astype(np.int64)


def packed(keys: U64, rows: npt.NDArray[np.integer]) -> U64:
    """Stored keys of band keys and their documents' rows (``0 <= row < MAX_DOCS``), sorted.

    Raises:
        StoreError: A row is out of range (a part of more than ``MAX_DOCS`` documents).
    """
    rows = np.asarray(rows)
    if len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= MAX_DOCS):
        raise StoreError(f"a part holds at most {MAX_DOCS} documents")
    out: U64 = np.sort(prefixes(np.asarray(keys, dtype=np.uint64)) | rows.astype(np.uint64))
    return out


def is_packed(table: pa.Table) -> bool:
    """Whether a bands table is in the packed layout (not ``(key, doc)`` rows)."""
    return "doc" not in table.column_names


def stored_keys(table: pa.Table, ids: Sequence[str]) -> U64:
    """A part's stored keys from its bands table in either layout; ``ids`` by documents' row.

    Raises:
        StoreError: A row of an older part names no document of the part.
    """
    if is_packed(table):
        keys: U64 = table.column("key").to_numpy()
        return keys
    rows = named_rows(table.column("doc"), ids)
    if rows is None:
        raise StoreError("a band key names no document of its part")
    return packed(table.column("key").to_numpy(), rows)


def named_rows(docs: pa.ChunkedArray, ids: Sequence[str]) -> I64 | None:
    """The row in ``ids`` of each document a ``doc`` column names; None if one is not there.

    Each distinct name of a chunk is looked up once (the column is dictionary-encoded).
    """
    if docs.null_count:
        return None
    row = {doc_id: k for k, doc_id in enumerate(ids)}
    out = [np.zeros(0, dtype=np.int64)]
    for chunk in docs.chunks:
        encoded = chunk if pa.types.is_dictionary(chunk.type) else chunk.dictionary_encode()
        names = encoded.dictionary.cast(pa.string()).to_pylist()
        lookup = np.array([row.get(n, -1) for n in names], dtype=np.int64)
        indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        out.append(lookup[indices])
    rows = np.concatenate(out)
    return None if bool((rows < 0).any()) else rows


def kept_keys(stored: U64, kept: npt.NDArray[np.bool_]) -> U64:
    """Stored keys of the documents ``kept`` (a mask by row), renumbered as they are kept.

    The renumbering keeps the order of rows, so the keys stay sorted.
    """
    new_row = np.cumsum(kept, dtype=np.int64) - 1
    rows = rows_of(stored)
    keep = kept[rows]
    out: U64 = prefixes(stored[keep]) | new_row[rows[keep]].astype(np.uint64)
    return out


def bands_table(stored: U64) -> pa.Table:
    """The bands table of a part with these stored keys."""
    return pa.table({"key": pa.array(stored, type=pa.uint64())})
