"""Ids of the documents a store holds as sorted 64-bit keys: what an add skips, on any worker.

Eight bytes a document (80 MB for ten million), so the set is shipped to every worker once
instead of each worker reading the ids of the whole store.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from overlap.store.corpus import CorpusStore

U64 = npt.NDArray[np.uint64]
#: Ids made by :func:`overlap.model.document_id`: 64 bits written as 16 hex digits.
_HEX_ID = re.compile(r"[0-9a-f]{16}")


def id_keys(ids: Iterable[str]) -> U64:
    """One 64-bit key per id: the id itself if it is 16 hex digits, else a hash of it."""
    return np.fromiter((_key(i) for i in ids), dtype=np.uint64)


def _key(doc_id: str) -> int:
    if _HEX_ID.fullmatch(doc_id):
        return int(doc_id, 16)
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest(), "little")


class KnownIds:
    """A sorted set of document id keys."""

    def __init__(self, keys: U64) -> None:
        self.keys = np.unique(np.asarray(keys, dtype=np.uint64))

    @classmethod
    def of_store(cls, store: CorpusStore) -> KnownIds:
        """The ids of every document in ``store``, read one part at a time."""
        chunks = [
            id_keys(t.column("id").to_pylist()) for t in store.scan("documents", columns=["id"])
        ]
        return cls(np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.uint64))

    def __len__(self) -> int:
        return len(self.keys)

    def contains(self, keys: U64) -> npt.NDArray[np.bool_]:
        """Element-wise membership of ``keys``."""
        if not len(self.keys):
            return np.zeros(len(keys), dtype=np.bool_)
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        found: npt.NDArray[np.bool_] = self.keys[pos] == keys
        return found

    def union(self, keys: Sequence[int] | U64) -> KnownIds:
        """These keys and ``keys``."""
        return KnownIds(np.concatenate([self.keys, np.asarray(keys, dtype=np.uint64)]))
