"""A store's state as one digest: what a scan read, cheaply named, for reports to record.

The digest is the SHA-256 of the canonical JSON of the manifest's lists of committed files
(``parts``, and each side dataset: ``ledger``, ``decisions``) and its index ``settings``. No
part is read. Committed files are never changed in place and every write gives its new
files fresh random names, so two stores with the same digest list the same files made with
the same settings: the same documents, windows, ledger and review decisions.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from overlap.store.corpus import CorpusStore
from overlap.store.manifest import SIDE_DATASETS

#: The manifest's keys the digest covers, in the order they are listed.
COVERED = ("parts", *SIDE_DATASETS, "settings")


def manifest_digest(manifest: dict[str, Any]) -> str:
    r"""SHA-256 (hex) of the canonical JSON of the manifest's :data:`COVERED` keys.

    Canonical: keys sorted, no spaces (``,`` and ``:``), non-ASCII escaped as ``\uXXXX``,
    UTF-8; a key the manifest lacks counts as an empty list.
    """
    covered = {key: manifest.get(key, []) for key in COVERED}
    text = json.dumps(covered, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def store_state(store: CorpusStore) -> dict[str, object]:
    """The state of the store as last read: its digest, what it covers, when it last changed.

    Returns:
        ``{"state": <sha256 hex>, "covers": [...COVERED], "updated_at": <ISO 8601 or None>}``.
    """
    manifest = store.manifest
    return {
        "state": manifest_digest(manifest),
        "covers": list(COVERED),
        "updated_at": manifest.get("updated_at"),
    }
