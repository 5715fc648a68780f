"""Part files of a store: one file per dataset, staged under temporary names.

Documents, windows and terms are Parquet files. Band keys and content keys are Arrow IPC
files (``.arrow``): uncompressed, memory-mapped when read, so that a scan reads a part's
keys without decoding them (they are most of what it reads). Arrow IPC files carry no page
checksums: each records the sum of every column (:func:`read_arrow_file` checks them on
every read). Parts written before keys were kept so have Parquet files, read as they are.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from overlap.errors import StoreError
from overlap.settings import Settings
from overlap.store.content_rows import BY_KEY, ORDER
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
#: Codecs of Parquet columns other than zstd, the default.
CODECS = {**dict.fromkeys(RANDOM, "none"), "text": "lz4"}
#: Files a writer may leave behind when it dies: staged parts, and committed-looking parts,
#: ledger or decision files that no manifest lists. Only names of these shapes are cleaned up.
LEFTOVER = re.compile(
    r"\.(part|ledger|decisions)-[0-9a-f]+\.(parquet|arrow)\.tmp"
    r"|(part|ledger|decisions)-[0-9a-f]+\.(parquet|arrow)"
)
#: Datasets written as Arrow IPC files (memory-mapped when read), not Parquet.
ARROW_DATASETS = ("bands", "content")
#: What a dataset's files record of their layout beside the settings: content rows are
#: written sorted by key (see :mod:`overlap.store.content_rows`).
LAYOUTS = {"content": {ORDER: BY_KEY}}
#: The schema metadata key of an Arrow IPC file's column sums (JSON: column -> sum).
SUMS = b"overlap.sums"


def suffix(dataset: str) -> str:
    """The file name suffix parts are written with now for ``dataset``."""
    return ".arrow" if dataset in ARROW_DATASETS else ".parquet"


def part_file(root: Path, dataset: str, part: str) -> Path:
    """The file of one dataset of one part: as parts are written now, or as older ones were.

    A part written before band keys were an Arrow IPC file has a Parquet bands file.
    """
    path = root / dataset / f"{part}{suffix(dataset)}"
    if dataset in ARROW_DATASETS and not path.exists():
        older = root / dataset / f"{part}.parquet"
        if older.exists():
            return older
    return path


def part_files(root: Path, part: str) -> list[Path]:
    """Every file a part may have (both forms of a dataset whose form changed)."""
    out = [root / d / f"{part}.parquet" for d in DATASETS]
    return out + [root / d / f"{part}.arrow" for d in ARROW_DATASETS]


def column_sum(values: npt.NDArray[Any]) -> int:
    """The sum of a column's values as unsigned 64-bit numbers, modulo 2**64.

    A value changed by damage changes it. Integer columns are summed in place
    (:mod:`overlap.store.sum_loops`).
    """
    if not len(values):
        return 0
    if values.dtype.kind in "iu" and values.dtype.itemsize <= 8:
        from overlap.store.sum_loops import wrapped_sum

        if values.dtype == np.uint64:
            values = values.view(np.int64)  # the same bits; widened to 64 bits as they are
        return int(wrapped_sum(values))
    return int(np.add.reduce(values.astype(np.uint64, copy=False), dtype=np.uint64))


def _sums(table: pa.Table) -> dict[str, int]:
    return {c: column_sum(table.column(c).to_numpy()) for c in table.column_names}


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
        (root / d / f".{staged.name}{suffix(d)}.tmp", root / d / f"{staged.name}{suffix(d)}")
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


def write_arrow_file(path: Path, table: pa.Table) -> None:
    """Write a table of number columns as an Arrow IPC file, with their sums; flush it."""
    table = table.combine_chunks()
    meta = {**(table.schema.metadata or {}), SUMS: json.dumps(_sums(table)).encode()}
    table = table.replace_schema_metadata(meta)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def read_arrow_file(path: Path) -> pa.Table:
    """Read an Arrow IPC file, memory-mapped, and check each column against its sum.

    Raises:
        ValueError: A column does not add up to its recorded sum, or none is recorded.
        OSError, pyarrow.ArrowException: The file cannot be read.
    """
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    recorded = (table.schema.metadata or {}).get(SUMS)
    if recorded is None:
        raise ValueError("it records no column sums")
    try:
        sums = json.loads(recorded)
    except ValueError:
        raise ValueError("its column sums cannot be read") from None
    if sums != _sums(table):
        raise ValueError("its columns do not add up to the sums recorded with them (damaged)")
    return table


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
            meta = {**with_settings(schema, index).metadata, **LAYOUTS.get(dataset, {})}
            table = table.replace_schema_metadata(meta)
            if dataset in ARROW_DATASETS:
                write_arrow_file(folder / f".{name}{suffix(dataset)}.tmp", table)
                continue
            # Keys and hashes are random: compressing them costs time and saves nothing.
            # Texts are read (every part's, for a few of them) by every scan: lz4 decodes them
            # in about half zstd's time, for files about a third larger.
            codecs = {c: CODECS.get(c, "zstd") for c in table.column_names}
            write_parquet(folder / f".{name}.parquet.tmp", table, codecs)
    except OSError as exc:
        raise write_error(root, exc) from exc
    return StagedPart(name)
