"""The scan ledger: ids of submissions a job has scanned and reported, so reruns skip them.

The ledger is a small Parquet dataset in ``ledger/`` listed by the store manifest like the
parts, so it changes atomically with it. It holds document ids (hashes of path and text),
the job, the time and the report folder: no names and no text.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from overlap.errors import StoreError
from overlap.store.corpus import LEDGER, CorpusStore
from overlap.store.parts import write_error, write_parquet

LEDGER_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("job", pa.string()),
        ("scanned_at", pa.string()),
        ("report", pa.string()),
    ]
)
#: A write that would leave more ledger files than this merges them all into one.
MAX_FILES = 8


@dataclass(frozen=True)
class LedgerEntry:
    """One scanned submission."""

    id: str
    job: str
    scanned_at: str
    report: str


def read_ledger(store: CorpusStore) -> pa.Table:
    """Every ledger row of the store, in the order written."""
    tables = []
    for name in store.ledger_files:
        path = store.root / LEDGER / f"{name}.parquet"
        try:
            file = pq.ParquetFile(path, page_checksum_verification=True)
            tables.append(file.read().cast(LEDGER_SCHEMA))
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise StoreError(f"{path}: cannot read the scan ledger: {exc}") from exc
    return pa.concat_tables(tables) if tables else LEDGER_SCHEMA.empty_table()


def scanned_ids(store: CorpusStore) -> set[str]:
    """Ids of every submission the ledger records as scanned."""
    return set(read_ledger(store).column("id").to_pylist())


def _write(store: CorpusStore, table: pa.Table, drop: list[str]) -> None:
    name = f"ledger-{uuid.uuid4().hex}"
    folder = store.root / LEDGER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet(
            folder / f".{name}.parquet.tmp", table, dict.fromkeys(table.column_names, "zstd")
        )
    except OSError as exc:
        raise write_error(store.root, exc) from exc
    store.publish_ledger([name], drop)


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
    drop: list[str] = []
    if len(store.ledger_files) + 1 > MAX_FILES:
        table = pa.concat_tables([read_ledger(store), table])
        drop = store.ledger_files
    _write(store, table, drop)
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
        kept = ledger.filter(pc.invert(gone))
        if kept.num_rows:
            _write(store, kept, store.ledger_files)
        else:
            store.publish_ledger([], store.ledger_files)
    return int(removed)
