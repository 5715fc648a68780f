"""Bring parts written by earlier versions up to date: rewrite them as parts are written now.

A part written before the store kept each document's word hashes is read as it is (a scan
hashes its candidate documents' texts instead), one that keeps them as a list per document
has them packed as it is read (:data:`overlap.store.schema.HASHES`), one written before
band and content keys were Arrow IPC files naming documents by row
(:mod:`overlap.store.bands`, :mod:`overlap.store.content_rows`) has them turned into rows
as it is read, and one whose documents are a Parquet file (or an Arrow file without row
sums, :mod:`overlap.store.parts`) has all its texts read (or checked) for the few a scan
wants, so upgrading changes no finding: it makes scans of that part faster. Each part is
rewritten whole and swapped in with one manifest write under the store lock, so an
interrupted upgrade keeps the parts it finished and a second run does the rest; readers see
the old part or the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from overlap.errors import StoreError
from overlap.indexing.erasure import rewrite_part
from overlap.store.corpus import DAMAGED, CorpusStore
from overlap.store.outdated import outdated
from overlap.store.verify import verify_part

#: Called as ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Upgraded:
    """What an upgrade did (or, with ``dry_run``, would do).

    Attributes:
        rewritten: Parts rewritten (or that would be).
        current: Parts that were already current.
        dry_run: Nothing was written.
    """

    rewritten: int
    current: int
    dry_run: bool


def upgrade_store(
    store: CorpusStore, *, dry_run: bool = False, progress: Progress | None = None
) -> Upgraded:
    """Rewrite every part written by an earlier version, one part at a time.

    Each part is checked as ``overlap corpus verify`` does before it is rewritten; a
    damaged part stops the upgrade with an error naming it (the parts before it stay
    upgraded).

    Raises:
        StoreError: A part is damaged, or the store cannot be written.
    """
    with store.locked():
        todo = [p for p in store.parts if outdated(store, p)]
    current = len(store.parts) - len(todo)
    if dry_run:
        return Upgraded(len(todo), current, True)
    nothing = pa.array([], pa.string())
    for done, part in enumerate(todo, start=1):
        with store.locked():
            if part not in store.parts:  # removed or rewritten meanwhile: nothing to do
                continue
            damage, _, _ = verify_part(store, part)
            if damage:
                raise StoreError(f"{damage[0].path}: {damage[0].problem}; {DAMAGED}")
            store.replace_parts({part: rewrite_part(store, part, nothing)})
        if progress:
            progress("upgrade", done, len(todo))
    return Upgraded(len(todo), current, False)
