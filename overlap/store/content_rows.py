"""A part's content keys as the store keeps them: key, document's row, position.

Each row is one distinct content key of one document: the key, the row of the document in
the part's documents file, and where the key first is among the document's content words.
Like band keys (:mod:`overlap.store.bands`), a row names its document by row, so a scan
decodes no document column; the file is an Arrow IPC file, memory-mapped when read.

Rows are sorted by key, then row, and the file says so (``ORDER`` in its schema metadata):
a scan then counts each key's documents as a run and tests the part's keys against the
batch's in one sequential pass (:meth:`overlap.sketch.content.ContentIndex.clustered`).
Parts written before are read in their order, and joined by hashing.

Parts written before have ``(key, doc, pos)`` rows, ``doc`` naming the document; they are
read as well (the names turned into rows on reading) until ``overlap corpus upgrade``
rewrites them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from overlap.errors import StoreError
from overlap.store.bands import MAX_DOCS, named_rows

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


#: The schema metadata a content file records its rows' order under, and the order they
#: are written in now.
ORDER = b"overlap.order"
BY_KEY = b"key,row"


@dataclass(frozen=True)
class ContentRows:
    """A part's content rows as arrays.

    Attributes:
        keys: Each row's content key.
        rows: The row of each key's document in the part's documents file.
        pos: Where each key first is in its document, in content words.
        by_key: The rows are sorted by key (then row), as parts are written now.
    """

    keys: U64
    rows: I64
    pos: I64
    by_key: bool = False

    def subset(self, keep: npt.NDArray[np.bool_]) -> ContentRows:
        """The rows under the mask ``keep``, in the same order."""
        return ContentRows(self.keys[keep], self.rows[keep], self.pos[keep], self.by_key)


def content_table(
    keys: U64, rows: npt.NDArray[np.integer], pos: npt.NDArray[np.integer]
) -> pa.Table:
    """The content table of a part with these rows, sorted by key then row (``BY_KEY``).

    Raises:
        StoreError: A row is out of range (a part of more than ``MAX_DOCS`` documents).
    """
    rows = np.asarray(rows)
    if len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= MAX_DOCS):
        raise StoreError(f"a part holds at most {MAX_DOCS} documents")
    keys = np.asarray(keys, dtype=np.uint64)
    order = _by_key(keys, rows)
    return pa.table(
        {
            "key": pa.array(keys[order], type=pa.uint64()),
            "row": pa.array(rows[order].astype(np.uint16), type=pa.uint16()),
            "pos": pa.array(np.asarray(pos)[order].astype(np.int32), type=pa.int32()),
        }
    )


def _by_key(keys: U64, rows: npt.NDArray[np.integer]) -> I64:
    """The order of rows by key, then row.

    One sort of the keys' high 48 bits with the row in the low 16 (a third of the time of a
    sort by two columns); keys that differ only in their low 16 bits (about one pair a
    thousand parts) may then be out of order, which a pass finds, and a sort by both fixes.
    """
    packed = (keys & np.uint64(2**64 - MAX_DOCS)) | rows.astype(np.uint64)
    order: I64 = np.argsort(packed)
    k, r = keys[order], rows[order]
    if len(k) > 1 and not bool(np.all((k[1:] > k[:-1]) | ((k[1:] == k[:-1]) & (r[1:] >= r[:-1])))):
        order = np.lexsort((rows, keys))
    return order


def content_rows(table: pa.Table, ids: Sequence[str]) -> ContentRows:
    """A part's content rows from its table in either layout; ``ids`` by documents' row.

    Raises:
        StoreError: A row names no document of the part.
    """
    keys: U64 = table.column("key").to_numpy()
    pos = table.column("pos").to_numpy().astype(np.int64)
    if "row" in table.column_names:
        rows = table.column("row").to_numpy().astype(np.int64)
        if len(rows) and int(rows.max()) >= len(ids):
            raise StoreError("has content keys that name no document of the part")
        by_key = (table.schema.metadata or {}).get(ORDER) == BY_KEY
        return ContentRows(keys, rows, pos, by_key)
    rows = named_rows(table.column("doc"), ids)
    if rows is None:
        raise StoreError("a content key names no document of its part")
    return ContentRows(keys, rows, pos)


def kept_rows(content: ContentRows, kept: npt.NDArray[np.bool_]) -> ContentRows:
    """The rows of the documents ``kept`` (a mask by row), renumbered as they are kept."""
    new_row = np.cumsum(kept, dtype=np.int64) - 1
    keep = kept[content.rows]
    left = content.subset(keep)
    return ContentRows(left.keys, new_row[left.rows], left.pos, left.by_key)
