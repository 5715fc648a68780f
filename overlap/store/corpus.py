"""A corpus store folder: Parquet part files per dataset, listed by an atomic manifest."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from overlap.errors import SettingsMismatchError, StoreError
from overlap.model import Document
from overlap.settings import Settings
from overlap.store.schema import (
    BANDS,
    DOCUMENTS,
    TERMS,
    WINDOWS,
    settings_of,
    table_to_documents,
    with_settings,
)

MANIFEST = "manifest.json"
STORE_SCHEMA = "overlap.store/1"
DATASETS: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "windows": WINDOWS,
    "bands": BANDS,
    "terms": TERMS,
}


class CorpusStore:
    """A folder of Parquet datasets (documents, windows, bands, terms) and a manifest.

    Part files are written under temporary names and renamed, then the manifest that lists
    them is replaced atomically, so a crash leaves either the old or the new corpus, never a
    mix. Files not listed in the manifest are ignored.
    """

    def __init__(self, root: Path, settings: Settings, manifest: dict[str, Any]) -> None:
        self.root = root
        self.settings = settings
        self._manifest = manifest

    @classmethod
    def open(
        cls, root: Path, settings: Settings | None = None, *, create: bool = False
    ) -> CorpusStore:
        """Open the store at ``root``; with ``create``, make an empty one if there is none.

        Without ``settings`` the store's own settings are used (defaults for a new store);
        with them, they must agree with the store's.

        Raises:
            StoreError: the folder holds no store (and ``create`` is false) or a damaged one.
            SettingsMismatchError: the store was made with other index settings.
        """
        path = root / MANIFEST
        if not path.exists():
            if not create:
                raise StoreError(
                    f"no corpus store at {root} (add documents first with 'overlap corpus add')"
                )
            if root.exists() and not root.is_dir():
                raise StoreError(f"{root} is not a folder")
            settings = settings or Settings()
            manifest: dict[str, Any] = {
                "schema": STORE_SCHEMA,
                "settings": settings.index_dict(),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "parts": [],
            }
            store = cls(root, settings, manifest)
            store._write_manifest()
            return store
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(f"{path}: cannot read the store manifest: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("schema") != STORE_SCHEMA:
            raise StoreError(f"{path}: not an overlap store manifest ({STORE_SCHEMA})")
        stored = manifest.get("settings")
        if not isinstance(stored, dict):
            raise StoreError(f"{path}: the store manifest records no settings")
        if settings is None:
            settings = Settings.from_dict(stored)
        settings.check_index(stored, f"corpus store {root}")
        return cls(root, settings, manifest)

    @property
    def parts(self) -> list[str]:
        """Names of the committed parts, oldest first."""
        return list(self._manifest["parts"])

    def _write_manifest(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{MANIFEST}.{uuid.uuid4().hex}.tmp"
        tmp.write_text(json.dumps(self._manifest, indent=2, sort_keys=True), encoding="utf-8")
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / MANIFEST)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock, so concurrent writers take turns."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                # Another writer may have committed while we waited: start from its manifest.
                fresh = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
                self._manifest = fresh
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def add_part(self, tables: dict[str, pa.Table]) -> str:
        """Write one table per dataset as a new part and commit it; return the part name.

        Call inside :meth:`locked`.
        """
        return self.commit(stage_part(self.root, self.settings, tables))

    def commit(self, staged: StagedPart) -> str:
        """Make a staged part visible: rename its files, then replace the manifest.

        Call inside :meth:`locked`.
        """
        try:
            for dataset in DATASETS:
                folder = self.root / dataset
                os.replace(
                    folder / f".{staged.name}.parquet.tmp", folder / f"{staged.name}.parquet"
                )
        except OSError as exc:
            raise StoreError(f"cannot write to corpus store {self.root}: {exc}") from exc
        self._manifest["parts"] = [*self.parts, staged.name]
        self._write_manifest()
        return staged.name

    def scan(
        self,
        dataset: str,
        keep: Callable[[pa.Table], pa.Array] | None = None,
        columns: list[str] | None = None,
    ) -> Iterator[pa.Table]:
        """Yield each committed part of a dataset, filtered by ``keep``, checking its settings.

        One part at a time, so memory stays bounded by the largest part.
        """
        for part in self.parts:
            path = self.root / dataset / f"{part}.parquet"
            try:
                file = pq.ParquetFile(path)
                stored = settings_of(file.schema_arrow)
                if stored != self.settings.index_dict():
                    raise SettingsMismatchError(
                        f"{path} was made with other settings than its store manifest says"
                    )
                table = file.read(columns=columns)
            except (OSError, pa.ArrowInvalid) as exc:
                raise StoreError(f"{path}: cannot read store file: {exc}") from exc
            yield table if keep is None else table.filter(keep(table))

    def read(self, dataset: str, columns: list[str] | None = None) -> pa.Table:
        """Read a whole dataset (every committed part), checking each file's settings."""
        schema = DATASETS[dataset]
        tables = list(self.scan(dataset, columns=columns))
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
        wanted = pa.array(sorted(ids), type=pa.string())
        parts = self.scan("documents", lambda t: pc.is_in(t.column("id"), value_set=wanted))
        return [d for table in parts for d in table_to_documents(table)]


@dataclass(frozen=True)
class StagedPart:
    """A part whose files are written under temporary names, not yet in the manifest."""

    name: str


def stage_part(root: Path, settings: Settings, tables: dict[str, pa.Table]) -> StagedPart:
    """Write one table per dataset under temporary names; safe to run in a worker process.

    Nothing is visible until :meth:`CorpusStore.commit`; a crash leaves only ``.tmp`` files.
    """
    missing = sorted(set(DATASETS) - set(tables))
    if missing:
        raise StoreError(f"a part needs every dataset, missing {', '.join(missing)}")
    name = f"part-{uuid.uuid4().hex}"
    index = settings.index_dict()
    try:
        for dataset, schema in DATASETS.items():
            folder = root / dataset
            folder.mkdir(parents=True, exist_ok=True)
            table = tables[dataset].cast(schema)
            table = table.replace_schema_metadata(with_settings(schema, index).metadata)
            # Band keys are random 64-bit values: compressing them costs time and saves nothing.
            codecs = {c: ("none" if c == "key" else "zstd") for c in table.column_names}
            pq.write_table(table, folder / f".{name}.parquet.tmp", compression=codecs)
    except OSError as exc:
        raise StoreError(f"cannot write to corpus store {root}: {exc}") from exc
    return StagedPart(name)
