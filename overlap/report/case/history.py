"""The review decisions a case file shows, read from a corpus store, and where they came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from overlap.review.decisions import Decision
from overlap.store.corpus import MANIFEST, CorpusStore
from overlap.store.decisions import read_decisions
from overlap.store.state import store_state


@dataclass(frozen=True)
class HistorySource:
    """Where a case file's decisions were read, for the page to say.

    Attributes:
        store: The corpus store, as given.
        found: Whether there was a store there (without one there is no history).
        state: The store's state when the decisions were read (see
            :mod:`overlap.store.state`), to compare with the state the scan read; None
            without a store.
    """

    store: str
    found: bool
    state: dict[str, object] | None = None


def read_history(store: Path) -> tuple[list[Decision], HistorySource]:
    """Every decision recorded in the store at ``store``, oldest first, and where from.

    A missing store is no error: there are no decisions, and the source says it was not
    found.

    Raises:
        StoreError: ``store`` is a file, or a damaged store whose decisions cannot be read.
    """
    if not store.is_file() and not (store / MANIFEST).exists():
        return [], HistorySource(str(store), found=False)
    opened = CorpusStore.open(store)
    return read_decisions(opened), HistorySource(str(store), True, store_state(opened))
