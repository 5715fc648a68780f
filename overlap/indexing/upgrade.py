"""Bring parts written by earlier versions up to date: rewrite them as parts are written now.

A part written before the store kept each document's word hashes is read as it is (a scan
hashes its candidate documents' texts instead), and one written before band and content
keys were Arrow IPC files naming documents by row (:mod:`overlap.store.bands`,
:mod:`overlap.store.content_rows`) has them turned into rows as it is read, so upgrading
changes no finding: it makes scans of that part faster. Each part is rewritten whole and
swapped in with one manifest write under the store lock, so an interrupted upgrade keeps the
parts it finished and a second run does the rest; readers see the old part or the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from overlap.errors import StoreError
from overlap.indexing.erasure import rewrite_part
from overlap.store.corpus import DAMAGED, CorpusStore
from overlap.store.parts import ARROW_DATASETS, LAYOUTS, part_file
from overlap.store.schema import LATER_COLUMNS
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


def _columns(store: CorpusStore, dataset: str, part: str) -> list[str]:
    path = part_file(store.root, dataset, part)
    try:
        return list(pq.read_schema(path).names)
    except FileNotFoundError:
        missing = f"{path}: missing, though the manifest lists its part"
        raise StoreError(f"{missing}; {DAMAGED}") from None
    except (OSError, pa.ArrowException) as exc:
        raise StoreError(f"{path}: cannot be read: {exc}; {DAMAGED}") from exc


def _arrow_metadata(path: Path) -> dict[bytes, bytes]:
    """An Arrow IPC file's schema metadata, from its footer."""
    try:
        with pa.memory_map(str(path)) as source:
            return dict(pa.ipc.open_file(source).schema.metadata or {})
    except (OSError, pa.ArrowException) as exc:
        raise StoreError(f"{path}: cannot be read: {exc}; {DAMAGED}") from exc


def outdated(store: CorpusStore, part: str) -> bool:
    """Whether a part lacks a column parts are written with now, or a file's form is older.

    Band and content keys written before they were Arrow IPC files are Parquet files;
    content keys written before they were sorted by key do not say they are (``LAYOUTS``).
    """
    for dataset, columns in LATER_COLUMNS.items():
        names = _columns(store, dataset, part)
        if any(c not in names for c in columns):
            return True
    for dataset in ARROW_DATASETS:
        path = part_file(store.root, dataset, part)
        if not path.exists():
            raise StoreError(f"{path}: missing, though the manifest lists its part; {DAMAGED}")
        if path.suffix != ".arrow":
            return True
        layout = LAYOUTS.get(dataset, {})
        if layout:
            meta = _arrow_metadata(path)
            if any(meta.get(k) != v for k, v in layout.items()):
                return True
    return False


def count_outdated(store: CorpusStore) -> int:
    """How many of the store's parts an upgrade would rewrite (0 where that cannot be told).

    Reads only the files' footers: cheap enough to tell after every scan.
    """
    try:
        return sum(outdated(store, p) for p in store.parts)
    except StoreError:
        return 0  # a damaged part: the scan, or corpus verify, says so


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
