"""Part files of a store: one Parquet file per dataset, staged under temporary names."""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from overlap.errors import StoreError
from overlap.settings import Settings
from overlap.store.schema import BANDS, CONTENT, DOCUMENTS, TERMS, WINDOWS, with_settings

DATASETS: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "windows": WINDOWS,
    "bands": BANDS,
    "content": CONTENT,
    "terms": TERMS,
}
#: Columns of random values, stored uncompressed.
RANDOM = ("key", "hashes")
#: Files a writer may leave behind when it dies: staged parts, and committed-looking parts,
#: ledger or decision files that no manifest lists. Only names of these shapes are cleaned up.
LEFTOVER = re.compile(
    r"\.(part|ledger|decisions)-[0-9a-f]+\.parquet\.tmp|(part|ledger|decisions)-[0-9a-f]+\.parquet"
)


def write_error(root: Path, exc: OSError) -> StoreError:
    """The one-line error for a store that cannot be written, naming the file and the reason.

    ``cannot write to corpus store corpus/store: permission denied: corpus/store/.lock``
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    reason = reason[:1].lower() + reason[1:]
    where = f": {exc.filename}" if exc.filename else ""
    return StoreError(f"cannot write to corpus store {root}: {reason}{where}")


def fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class StagedPart:
    """A part whose files are written under temporary names, not yet in the manifest."""

    name: str


def staged_renames(root: Path, staged: StagedPart) -> list[tuple[Path, Path]]:
    """(temporary, final) path of each of a staged part's files."""
    return [
        (root / d / f".{staged.name}.parquet.tmp", root / d / f"{staged.name}.parquet")
        for d in DATASETS
    ]


def write_parquet(path: Path, table: pa.Table, compression: dict[str, str]) -> None:
    """Write ``table`` to ``path`` and flush it to disk.

    Document texts and word hashes get no min/max statistics: texts would be copied whole
    into the footer, and hashes have no useful range.
    Every page carries a CRC, so that a damaged page is found when read (``corpus verify``),
    not taken for data (keys are stored uncompressed: nothing else would notice).
    A file is one row group, so each column is read as one array (a part's band keys are
    read and tested whole).
    """
    stats = [c for c in table.column_names if c not in ("text", "hashes")]
    pq.write_table(
        table,
        path,
        compression=compression,
        write_statistics=stats,
        write_page_checksum=True,
        row_group_size=max(1, table.num_rows),
    )
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


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
            # Keys and hashes are random: compressing them costs time and saves nothing.
            codecs = {c: ("none" if c in RANDOM else "zstd") for c in table.column_names}
            write_parquet(folder / f".{name}.parquet.tmp", table, codecs)
    except OSError as exc:
        raise write_error(root, exc) from exc
    return StagedPart(name)
