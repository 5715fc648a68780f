"""A corpus store folder: Parquet part files per dataset, listed by an atomic manifest."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from overlap.errors import SettingsError, SettingsMismatchError, StoreError
from overlap.model import Document
from overlap.settings import Settings
from overlap.store.bands import stored_keys
from overlap.store.content_rows import ContentRows, content_rows
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT, StoreLock
from overlap.store.manifest import (
    DECISIONS,
    LEDGER,
    MANIFEST,
    SIDE_DATASETS,
    manifest_leftovers,
    new_manifest,
    read_manifest,
    write_manifest,
)
from overlap.store.parts import (
    DATASETS,
    LEFTOVER,
    StagedPart,
    fsync_dir,
    part_file,
    part_files,
    read_arrow_file,
    stage_part,
    staged_renames,
    write_error,
)
from overlap.store.schema import (
    DOCUMENT_COLUMNS,
    LATER_COLUMNS,
    current_form,
    settings_of,
    table_to_documents,
)

T = TypeVar("T")
logger = logging.getLogger(__name__)

#: What to do about a damaged part file (said by every error that finds one).
DAMAGED = (
    "run 'overlap corpus verify' to list the damage, then restore the store from a backup, or "
    "take the damaged parts out with 'overlap corpus verify --drop-damaged' and add their "
    "files again"
)

__all__ = [
    "DATASETS",
    "DECISIONS",
    "LEDGER",
    "MANIFEST",
    "SIDE_DATASETS",
    "CorpusStore",
    "StagedPart",
    "stage_part",
]


class CorpusStore:
    """Parquet datasets (documents, windows, bands, content, terms), ledger, decisions, manifest.

    Part files are written under temporary names and renamed, then the manifest that lists
    them is replaced atomically, so a crash leaves either the old or the new corpus, never a
    mix. Files not listed in the manifest are ignored, and removed by the next writer.
    """

    def __init__(
        self,
        root: Path,
        settings: Settings,
        manifest: dict[str, Any],
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.root = root
        self.settings = settings
        self.lock_timeout = lock_timeout
        self._manifest = manifest
        self._depth = 0

    @classmethod
    def open(
        cls,
        root: Path,
        settings: Settings | None = None,
        *,
        create: bool = False,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> CorpusStore:
        """Open the store at ``root``; with ``create``, make an empty one if there is none.

        Without ``settings`` the store's own settings are used (defaults for a new store);
        with them, they must agree with the store's. ``lock_timeout`` is how long this
        store's writers wait for another process's lock.

        Raises:
            StoreError: ``root`` is a file, holds no store (and ``create`` is false) or a
                damaged one.
            StoreLockedError: creating the store had to wait for the lock for too long.
            SettingsMismatchError: the store was made with other index settings.
        """
        if root.exists() and not root.is_dir():
            raise StoreError(f"{root} is a file, not a folder (a corpus store is a folder)")
        if not (root / MANIFEST).exists():
            if not create:
                raise StoreError(
                    f"no corpus store at {root} (add documents first with 'overlap corpus add')"
                )
            lock = StoreLock(root, lock_timeout)
            lock.acquire()
            try:  # under the lock, so two first writers cannot both write an empty manifest
                if not (root / MANIFEST).exists():
                    settings = settings or Settings()
                    store = cls(root, settings, new_manifest(settings), lock_timeout)
                    store._write_manifest()
                    return store
            finally:
                lock.release()
        manifest = read_manifest(root)
        stored = manifest["settings"]
        if settings is None:
            try:
                settings = Settings.from_dict(stored)
            except SettingsError as exc:
                raise StoreError(f"{root / MANIFEST}: bad recorded settings: {exc}") from exc
        settings.check_index(stored, f"corpus store {root}")
        return cls(root, settings, manifest, lock_timeout)

    @property
    def parts(self) -> list[str]:
        """Names of the committed parts, oldest first."""
        return list(self._manifest["parts"])

    @property
    def ledger_files(self) -> list[str]:
        """Names of the committed ledger files (see :mod:`overlap.store.ledger`)."""
        return self.side_files(LEDGER)

    @property
    def decision_files(self) -> list[str]:
        """Names of the committed decision files (see :mod:`overlap.store.decisions`)."""
        return self.side_files(DECISIONS)

    def side_files(self, key: str) -> list[str]:
        """Names of the committed files of a side dataset (``ledger`` or ``decisions``)."""
        return list(self._manifest.get(key, []))

    def _sides(self) -> dict[str, list[str]]:
        return {key: self.side_files(key) for key in SIDE_DATASETS}

    @property
    def manifest(self) -> dict[str, Any]:
        """A copy of the manifest as last read or written."""
        return json.loads(json.dumps(self._manifest))  # type: ignore[no-any-return]

    def _write_manifest(self) -> None:
        try:
            write_manifest(self.root, self._manifest)
        except OSError as exc:
            raise write_error(self.root, exc) from exc

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock, so concurrent writers take turns; reentrant.

        Waits up to ``lock_timeout`` seconds, then raises :class:`StoreLockedError` naming
        the holder. On taking the lock it rereads the manifest (another writer may have
        committed meanwhile) and removes what an interrupted writer left behind.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        lock = StoreLock(self.root, self.lock_timeout)
        lock.acquire()
        self._depth = 1
        try:
            self._manifest = read_manifest(self.root)
            self.cleanup()
            yield
        finally:
            self._depth = 0
            lock.release()

    def cleanup(self) -> list[Path]:
        """Delete staged files and part, ledger or decision files the manifest does not list.

        Call inside :meth:`locked`. Returns the files deleted.
        """
        self._check_locked()
        listed = {*self.parts, *(n for key in SIDE_DATASETS for n in self.side_files(key))}
        removed = []
        try:
            for folder in [*DATASETS, *SIDE_DATASETS]:
                path = self.root / folder
                if not path.is_dir():
                    continue
                for entry in path.iterdir():
                    # staged files (.tmp) are never listed; committed-looking ones may not be
                    name = entry.name.removesuffix(".parquet").removesuffix(".arrow")
                    unlisted = name not in listed
                    if LEFTOVER.fullmatch(entry.name) and unlisted:
                        entry.unlink(missing_ok=True)
                        removed.append(entry)
            for entry in manifest_leftovers(self.root):
                entry.unlink(missing_ok=True)
                removed.append(entry)
        except OSError as exc:
            raise write_error(self.root, exc) from exc
        if removed:
            logger.info("removed %d file(s) left by an interrupted update", len(removed))
        return removed

    def commit(self, staged: StagedPart) -> str:
        """Make a staged part visible: rename its files, then replace the manifest.

        Call inside :meth:`locked`.
        """
        self._publish(staged_renames(self.root, staged), [*self.parts, staged.name], self._sides())
        return staged.name

    def replace_parts(self, replacements: dict[str, StagedPart | None]) -> None:
        """Swap committed parts for rewritten ones (None drops a part) in one manifest write.

        The old parts' files are deleted once the new manifest is in place. Call inside
        :meth:`locked`.
        """
        renames = [
            r for s in replacements.values() if s is not None for r in staged_renames(self.root, s)
        ]
        parts = []
        for name in self.parts:
            new = replacements.get(name, StagedPart(name))
            if new is not None:
                parts.append(new.name)
        old = [f for p in replacements for f in part_files(self.root, p)]
        self._publish(renames, parts, self._sides(), old)

    def publish_side(self, key: str, staged: list[str], drop: list[str]) -> None:
        """Commit staged files of a side dataset and drop others, in one manifest write.

        The dropped files are deleted once the manifest no longer lists them. Call inside
        :meth:`locked`.
        """
        if key not in SIDE_DATASETS:
            raise StoreError(f"no side dataset {key!r} in a store (known: {SIDE_DATASETS})")
        folder = self.root / key
        renames = [(folder / f".{n}.parquet.tmp", folder / f"{n}.parquet") for n in staged]
        kept = [n for n in self.side_files(key) if n not in drop]
        old = [folder / f"{n}.parquet" for n in drop]
        self._publish(renames, self.parts, {**self._sides(), key: [*kept, *staged]}, old)

    def _publish(
        self,
        renames: list[tuple[Path, Path]],
        parts: list[str],
        sides: dict[str, list[str]],
        delete: Sequence[Path] = (),
    ) -> None:
        self._check_locked()
        try:
            for tmp, final in renames:
                os.replace(tmp, final)
            for folder in {final.parent for _, final in renames}:
                fsync_dir(folder)
            self._manifest["parts"] = parts
            self._manifest.update(sides)
            self._write_manifest()
            for path in delete:
                path.unlink(missing_ok=True)
        except OSError as exc:
            raise write_error(self.root, exc) from exc

    def _check_locked(self) -> None:
        if not self._depth:
            raise StoreError("the corpus store must be locked to change it (use store.locked())")

    def tables(
        self,
        dataset: str,
        keep: Callable[[pa.Table], pa.Array] | None = None,
        columns: list[str] | None = None,
    ) -> Iterator[pa.Table]:
        """Yield each committed part of a dataset, filtered by ``keep``, checking its settings.

        One part at a time, so memory stays bounded by the largest part.
        """
        for part in self.parts:
            table = self.read_part(dataset, part, columns)
            yield table if keep is None else table.filter(keep(table))

    def only(self, parts: Sequence[str]) -> CorpusStore:
        """A read-only copy of this store (or view of it) that sees only the given parts.

        How a scan reads one part per task: the copy keeps the class, so a view that filters
        what ``scan`` yields filters each part the same way. Parts not committed are ignored.
        """
        wanted = set(parts)
        view = copy.copy(self)
        view._manifest = {**self._manifest, "parts": [p for p in self.parts if p in wanted]}
        view._depth = 0
        return view

    def read_part(
        self,
        dataset: str,
        part: str,
        columns: list[str] | None = None,
        rows: Sequence[int] | None = None,
    ) -> pa.Table:
        """Read one dataset file of one committed part, checking its settings.

        ``rows`` (ascending) reads only those rows; of an Arrow file whose columns record one
        sum a row (texts, word hashes), only those rows of them are read and checked.

        A column that parts written by earlier versions lack (``LATER_COLUMNS``) is left out
        of the table where the file has none: the caller tells by the table's columns. One
        they wrote in another form (``OLDER_TYPES``) is read in the form written now.
        Files are memory-mapped (part files are replaced by renames, never rewritten in
        place); of an Arrow IPC file (:mod:`overlap.store.parts`) only the columns asked for
        are read (and checked), and keys are not copied.
        """
        path = part_file(self.root, dataset, part)
        try:
            if path.suffix == ".arrow":
                table = read_arrow_file(path, columns, rows)
                schema = table.schema
            else:
                file = pq.ParquetFile(path, memory_map=True, page_checksum_verification=True)
                schema = file.schema_arrow
            stored = settings_of(schema)
            if stored != self.settings.index_dict():
                raise SettingsMismatchError(
                    f"{path} was made with other settings than its store manifest says; {DAMAGED}"
                )
            if columns is not None:
                later = LATER_COLUMNS.get(dataset, ())
                columns = [c for c in columns if c in schema.names or c not in later]
            if path.suffix == ".arrow":
                return table if columns is None else table.select(columns)
            table = file.read(columns=columns)
            if rows is not None:
                table = table.take(pa.array(rows, pa.int64()))
            return current_form(dataset, table)
        except FileNotFoundError as exc:
            if not self._still_listed(part):
                raise StoreError(
                    f"{path}: a part was removed while it was being read "
                    "(documents were erased or parts upgraded meanwhile); run again"
                ) from exc
            missing = f"{path}: missing, though {MANIFEST} lists its part"
            raise StoreError(f"{missing}; {DAMAGED}") from exc
        except PermissionError as exc:
            raise StoreError(f"{path}: cannot read store file: permission denied") from exc
        except (OSError, ValueError, pa.ArrowException) as exc:
            raise StoreError(f"{path}: cannot read store file: {exc}; {DAMAGED}") from exc

    def part_ids(self, part: str) -> list[str]:
        """The ids of a part's documents, by row: what band and content keys name."""
        ids: list[str] = self.read_part("documents", part, ["id"]).column("id").to_pylist()
        return ids

    def band_keys(self, part: str, ids: list[str]) -> npt.NDArray[np.uint64]:
        """A part's stored band keys, sorted; ``ids`` are its documents' (:meth:`part_ids`).

        See :mod:`overlap.store.bands`; a part written before keys were packed is packed as
        it is read (``overlap corpus upgrade`` rewrites it).
        """
        return self._by_row("bands", part, ids, stored_keys)

    def content_rows(self, part: str, ids: list[str]) -> ContentRows:
        """A part's content rows; ``ids`` are its documents' (:meth:`part_ids`).

        See :mod:`overlap.store.content_rows`; a part written before rows named their
        documents by row has them turned into rows as it is read.
        """
        return self._by_row("content", part, ids, content_rows)

    def _by_row(
        self, dataset: str, part: str, ids: list[str], convert: Callable[[pa.Table, list[str]], T]
    ) -> T:
        """A part's dataset as ``convert`` makes it from the table and the documents' ids."""
        table = self.read_part(dataset, part)
        try:
            return convert(table, ids)
        except StoreError as exc:
            path = part_file(self.root, dataset, part)
            raise StoreError(f"{path}: {exc}; {DAMAGED}") from exc

    def _still_listed(self, part: str) -> bool:
        """Whether the manifest on disk now (not as read) still lists ``part``."""
        try:
            return part in read_manifest(self.root)["parts"]
        except StoreError:
            return True

    def read(self, dataset: str, columns: list[str] | None = None) -> pa.Table:
        """Read a whole dataset (every committed part), checking each file's settings."""
        schema = DATASETS[dataset]
        tables = list(self.tables(dataset, columns=columns))
        if not tables:
            fields = [schema.field(c) for c in columns] if columns else list(schema)
            return pa.schema(fields).empty_table()
        return pa.concat_tables(tables).replace_schema_metadata(None)

    def document_ids(self) -> set[str]:
        """Ids of every stored document."""
        return set(self.read("documents", ["id"]).column("id").to_pylist())

    def documents(self, ids: set[str] | None = None) -> list[Document]:
        """Read stored documents, all of them or those with the given ids."""
        if ids is None:
            return table_to_documents(self.read("documents"))
        out: list[Document] = []
        for part in self.parts:
            rows = [k for k, doc_id in enumerate(self.part_ids(part)) if doc_id in ids]
            out += self.part_documents(part, rows) if rows else []
        return out

    def part_documents(self, part: str, rows: Sequence[int]) -> list[Document]:
        """The documents of one part at the given rows (ascending), as :meth:`part_ids` counts.

        Only those rows' texts are read (a scan wants a few texts of each part).
        """
        return table_to_documents(self.read_part("documents", part, DOCUMENT_COLUMNS, rows))
