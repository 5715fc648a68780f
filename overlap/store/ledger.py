"""The scan ledger: ids of submissions a job has scanned and reported, so reruns skip them.

The ledger is a small Parquet dataset in ``ledger/`` listed by the store manifest like the
parts, so it changes atomically with it. It holds document ids (hashes of path and text),
the job, the time and the report folder: no names and no text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from overlap.store.corpus import LEDGER, CorpusStore
from overlap.store.sides import append_side, read_side, replace_side

LEDGER_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("job", pa.string()),
        ("scanned_at", pa.string()),
        ("report", pa.string()),
    ]
)


@dataclass(frozen=True)
class LedgerEntry:
    """One scanned submission."""

    id: str
    job: str
    scanned_at: str
    report: str


def read_ledger(store: CorpusStore) -> pa.Table:
    """Every ledger row of the store, in the order written."""
    return read_side(store, LEDGER, LEDGER_SCHEMA, "the scan ledger")


def scanned_ids(store: CorpusStore) -> set[str]:
    """Ids of every submission the ledger records as scanned."""
    return set(read_ledger(store).column("id").to_pylist())


def record_scanned(store: CorpusStore, entries: Iterable[LedgerEntry]) -> int:
    """Add entries for ids not yet in the ledger; return how many were added.

    Call inside :meth:`CorpusStore.locked`.
    """
    known = scanned_ids(store)
    fresh: dict[str, LedgerEntry] = {}
    for e in entries:
        if e.id not in known:
            fresh.setdefault(e.id, e)
    if not fresh:
        return 0
    table = pa.Table.from_pylist([vars(e) for e in fresh.values()], schema=LEDGER_SCHEMA)
    append_side(store, LEDGER, table, LEDGER_SCHEMA, "the scan ledger")
    return len(fresh)


def _of(ledger: pa.Table, ids: set[str]) -> pa.ChunkedArray:
    return pc.is_in(ledger.column("id"), value_set=pa.array(sorted(ids), type=pa.string()))


def count_scanned(store: CorpusStore, ids: set[str]) -> int:
    """How many ledger entries :func:`forget_scanned` would remove for ``ids``."""
    return int(pc.sum(_of(read_ledger(store), ids)).as_py() or 0)


def forget_scanned(store: CorpusStore, ids: set[str]) -> int:
    """Remove the entries of ``ids``, rewriting the ledger; return how many were removed.

    Call inside :meth:`CorpusStore.locked`.
    """
    ledger = read_ledger(store)
    gone = _of(ledger, ids)
    removed = pc.sum(gone).as_py() or 0
    if removed:
        replace_side(store, LEDGER, ledger.filter(pc.invert(gone)))
    return int(removed)
