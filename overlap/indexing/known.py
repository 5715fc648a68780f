"""Ids of the documents a store holds as sorted 64-bit keys: what an add skips, on any worker.

Nine bytes a document (a key and a role code: 90 MB for ten million), so the set is shipped
to every worker once instead of each worker reading the ids of the whole store. The role
tells an add which of the documents it skips are stored under another role.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from overlap.model import Role
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


#: Roles, as the one-byte codes kept beside the keys; NO_ROLE for keys added without one.
_ROLES = tuple(Role)
_CODES = {str(r): i for i, r in enumerate(_ROLES)}
NO_ROLE = 255


def _codes(roles: Iterable[str | None]) -> npt.NDArray[np.uint8]:
    return np.fromiter((_CODES.get(r or "", NO_ROLE) for r in roles), dtype=np.uint8)


class KnownIds:
    """A sorted set of document id keys, with the role each document is stored under."""

    def __init__(self, keys: U64, roles: npt.NDArray[np.uint8] | None = None) -> None:
        keys = np.asarray(keys, dtype=np.uint64)
        codes = np.full(len(keys), NO_ROLE, np.uint8) if roles is None else roles
        self.keys, first = np.unique(keys, return_index=True)
        self.roles: npt.NDArray[np.uint8] = np.asarray(codes, dtype=np.uint8)[first]

    @classmethod
    def of_store(cls, store: CorpusStore) -> KnownIds:
        """The ids (and roles) of every document in ``store``, read one part at a time."""
        keys, roles = [], []
        for table in store.tables("documents", columns=["id", "role"]):
            keys.append(id_keys(table.column("id").to_pylist()))
            roles.append(_codes(table.column("role").to_pylist()))
        if not keys:
            return cls(np.zeros(0, dtype=np.uint64))
        return cls(np.concatenate(keys), np.concatenate(roles))

    def __len__(self) -> int:
        return len(self.keys)

    def _find(self, keys: U64) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        found: npt.NDArray[np.bool_] = self.keys[pos] == keys
        return pos, found

    def contains(self, keys: U64) -> npt.NDArray[np.bool_]:
        """Element-wise membership of ``keys``."""
        if not len(self.keys):
            return np.zeros(len(keys), dtype=np.bool_)
        return self._find(keys)[1]

    def stored_roles(self, keys: U64) -> list[Role | None]:
        """For each key, the role its document is stored under (None: not known, or no role)."""
        if not len(self.keys):
            return [None] * len(keys)
        pos, found = self._find(keys)
        codes = np.where(found, self.roles[pos], NO_ROLE).tolist()
        return [None if c == NO_ROLE else _ROLES[c] for c in codes]

    def union(self, keys: Sequence[int] | U64, role: Role | None = None) -> KnownIds:
        """These keys and ``keys`` (stored under ``role``, if given)."""
        added = np.asarray(keys, dtype=np.uint64)
        codes = np.full(len(added), NO_ROLE if role is None else _CODES[str(role)], np.uint8)
        return KnownIds(np.concatenate([self.keys, added]), np.concatenate([self.roles, codes]))
