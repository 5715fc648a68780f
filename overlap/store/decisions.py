"""Review decisions in the store: a small Parquet dataset in ``decisions/`` the manifest lists.

Rows are only appended (a later decision overrides an earlier one), except by an erasure,
which removes every decision about the erased documents. Each write is one manifest
replacement under the store's lock, so a crash leaves the decisions as before or after.
The rows hold document ids, finding ids, who decided, when and why, and for an allowed
passage its text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from overlap.errors import StoreError
from overlap.review.decisions import Action, Decision
from overlap.store.corpus import DECISIONS, CorpusStore
from overlap.store.sides import FORMAT_KEY, append_side, read_side, replace_side

DECISIONS_FORMAT = b"overlap.decisions/1"
DECISIONS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("action", pa.string()),
        ("by", pa.string()),
        ("at", pa.string()),
        ("note", pa.string()),
        ("target", pa.string()),
        ("submission", pa.string()),
        ("other", pa.string()),
        ("kind", pa.string()),
        ("path", pa.string()),
        ("student", pa.string()),
        ("source_path", pa.string()),
        ("term", pa.string()),
        ("passage", pa.string()),
    ],
    metadata={FORMAT_KEY: DECISIONS_FORMAT},
)
WHAT = "the review decisions"


def decisions_table(decisions: Sequence[Decision]) -> pa.Table:
    """Decisions as a table of :data:`DECISIONS_SCHEMA`."""
    rows = [{**vars(d), "action": str(d.action)} for d in decisions]
    return pa.Table.from_pylist(rows, schema=DECISIONS_SCHEMA)


def table_decisions(table: pa.Table) -> list[Decision]:
    """The decisions of a table of :data:`DECISIONS_SCHEMA`, in row order.

    Raises:
        StoreError: A row names an action this version does not know.
    """
    out = []
    for row in table.to_pylist():
        try:
            action = Action(row.pop("action"))
        except ValueError as exc:
            raise StoreError(f"{WHAT}: unknown action ({exc}); a newer version wrote it") from exc
        out.append(Decision(action=action, **row))
    return out


def read_decisions(store: CorpusStore) -> list[Decision]:
    """Every decision recorded in the store, oldest first."""
    return table_decisions(read_side(store, DECISIONS, DECISIONS_SCHEMA, WHAT))


def record_decisions(store: CorpusStore, decisions: Sequence[Decision]) -> None:
    """Append decisions to the store in one atomic write, under the store's lock."""
    if not decisions:
        return
    with store.locked():
        append_side(store, DECISIONS, decisions_table(decisions), DECISIONS_SCHEMA, WHAT)


#: Which decision rows an erasure selects, given the table (of :data:`DECISIONS_SCHEMA`).
Select = Callable[[pa.Table], pa.Array]


def about_documents(ids: Iterable[str]) -> Select:
    """Select the decisions whose submission or other side is one of the documents ``ids``."""
    wanted = pa.array(sorted(set(ids)), type=pa.string())

    def select(table: pa.Table) -> pa.Array:
        hit = pc.or_(
            pc.is_in(table.column("submission"), value_set=wanted),
            pc.is_in(table.column("other"), value_set=wanted),
        )
        return pc.fill_null(hit, False)

    return select


def count_decisions(store: CorpusStore, select: Select) -> int:
    """How many decisions :func:`forget_decisions` would remove."""
    table = read_side(store, DECISIONS, DECISIONS_SCHEMA, WHAT)
    return int(pc.sum(select(table)).as_py() or 0) if table.num_rows else 0


def forget_decisions(store: CorpusStore, select: Select) -> int:
    """Remove the selected decisions, rewriting the dataset; return how many were removed.

    The rewritten files replace the old ones in one manifest write and the old files are
    deleted, so no file keeps a removed note. Call inside :meth:`CorpusStore.locked`.
    """
    table = read_side(store, DECISIONS, DECISIONS_SCHEMA, WHAT)
    if not table.num_rows:
        return 0
    gone = select(table)
    removed = int(pc.sum(gone).as_py() or 0)
    if removed:
        replace_side(store, DECISIONS, table.filter(pc.invert(gone)))
    return removed
