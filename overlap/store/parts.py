"""Part files of a store: one file per dataset, staged under temporary names.

Documents, band keys and content keys are Arrow IPC files (``.arrow``), uncompressed and
memory-mapped when read: a scan reads a part's keys without decoding them (they are most of
what it reads), and of its documents only the columns, and of texts and word hashes only
the rows, it asks for. Arrow IPC files carry no page checksums: each records the sum of
every column, and a documents file one sum a row of its texts and of its word hashes too
(:mod:`overlap.store.array_sums`); every read checks the sums of what it reads. Windows and
terms are Parquet files, whose pages carry checksums. Parts written before a dataset was an
Arrow file have a Parquet file of it, read as it is.
"""

from __future__ import annotations

import base64
import binascii
import json
import mmap
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from overlap.errors import StoreError
from overlap.settings import Settings
from overlap.store.array_sums import row_sums, table_sums
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
ARROW_DATASETS = ("documents", "bands", "content")
#: Columns of Arrow datasets whose files record one sum a row: a read of some rows checks
#: those rows alone (a scan reads a few texts of each part, and the word hashes of a few).
ROW_SUMMED = {"documents": ("text", "hashes")}
#: What a dataset's files record of their layout beside the settings: content rows are
#: written sorted by key (see :mod:`overlap.store.content_rows`).
LAYOUTS = {"content": {ORDER: BY_KEY}}
#: The schema metadata key of an Arrow IPC file's column sums (JSON: column -> sum).
SUMS = b"overlap.sums"
#: The schema metadata key of a file's row sums (JSON: column -> base64 of little-endian
#: 64-bit sums, one a row).
ROW_SUMS = b"overlap.row_sums"


def suffix(dataset: str) -> str:
    """The file name suffix parts are written with now for ``dataset``."""
    return ".arrow" if dataset in ARROW_DATASETS else ".parquet"


def part_file(root: Path, dataset: str, part: str) -> Path:
    """The file of one dataset of one part: as parts are written now, or as older ones were.

    A part written before a dataset was an Arrow IPC file has a Parquet file of it.
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


def write_arrow_file(path: Path, table: pa.Table, row_summed: tuple[str, ...] = ()) -> None:
    """Write a table as an Arrow IPC file, with its columns' sums; flush it.

    Columns in ``row_summed`` record one sum a row as well.
    """
    table = table.combine_chunks()
    meta = {**(table.schema.metadata or {}), SUMS: json.dumps(table_sums(table)).encode()}
    if row_summed:
        by_row = {c: _encoded(row_sums(table.column(c))) for c in row_summed}
        meta[ROW_SUMS] = json.dumps(by_row).encode()
    table = table.replace_schema_metadata(meta)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _encoded(sums: npt.NDArray[np.uint64]) -> str:
    return base64.b64encode(sums.astype("<u8").tobytes()).decode("ascii")


def _recorded_row_sums(recorded: dict[str, Any], column: str, rows: int) -> npt.NDArray[np.uint64]:
    """A column's recorded row sums (``rows`` of them), from :func:`_row_summed`."""
    try:
        raw = base64.b64decode(recorded[column], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise ValueError(f"its sums of each row of {column!r} cannot be read") from None
    if len(raw) != 8 * rows:
        raise ValueError(f"its sums of each row of {column!r} are not one a row")
    return np.frombuffer(raw, dtype="<u8").astype(np.uint64)


@dataclass
class _Mapped:
    """An Arrow IPC file's table, memory-mapped: nothing is read until it is used.

    Arrow asks the kernel to read a whole file ahead (``whole``: all of it will be read).
    Otherwise the file is mapped here, and the kernel told to read only the pages used, not
    the megabytes around each that it reads by default: of a part's documents a scan reads
    the ids and roles, and the texts of a few rows, and reading ahead would read, and keep
    in the page cache, nearly all of them. :meth:`will_need` asks for a column ahead, to be
    read in large reads rather than a page a fault.
    """

    table: pa.Table
    mapped: mmap.mmap | None = None
    base: int = 0

    @classmethod
    def of(cls, path: Path, whole: bool) -> _Mapped:
        if whole:
            with pa.memory_map(str(path)) as source:
                return cls(pa.ipc.open_file(source).read_all())
        with path.open("rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if hasattr(mmap, "MADV_RANDOM"):  # where the system takes the advice
            mapped.madvise(mmap.MADV_RANDOM)
        buffer = pa.py_buffer(mapped)
        return cls(pa.ipc.open_file(buffer).read_all(), mapped, buffer.address)

    def will_need(self, column: str) -> None:
        """Have the kernel read a column's buffers ahead, in large reads (most rows are used)."""
        if self.mapped is None or not hasattr(mmap, "MADV_WILLNEED"):
            return
        for chunk in self.table.column(column).chunks:
            for buffer in chunk.buffers():
                if buffer is None or not buffer.size:
                    continue
                at = buffer.address - self.base
                start = at - at % mmap.PAGESIZE
                self.mapped.madvise(mmap.MADV_WILLNEED, start, at + buffer.size - start)


def read_arrow_file(
    path: Path, columns: list[str] | None = None, rows: Sequence[int] | None = None
) -> pa.Table:
    """Read an Arrow IPC file, memory-mapped, and check what is read against its sums.

    Args:
        path: The file.
        columns: Read only these (those the file has, in the file's order); all by default.
        rows: Read only these rows (ascending), checking columns that record one sum a row
            on these rows alone; all rows by default, checked against every sum recorded.

    Raises:
        ValueError: What is read does not add up to its recorded sums, or none is recorded.
        OSError, pyarrow.ArrowException: The file cannot be read.
    """
    mapped = _Mapped.of(path, whole=columns is None and rows is None)
    table = mapped.table
    if columns is not None:
        table = table.select([c for c in table.column_names if c in columns])
    meta = table.schema.metadata or {}
    recorded = meta.get(SUMS)
    if recorded is None:
        raise ValueError("it records no column sums")
    try:
        sums = json.loads(recorded)
    except ValueError:
        raise ValueError("its column sums cannot be read") from None
    if not isinstance(sums, dict) or any(c not in sums for c in table.column_names):
        raise ValueError("it records no sum of some of its columns")
    recorded_rows = _row_summed(meta)
    by_row = set(recorded_rows) & set(table.column_names)
    count = table.num_rows
    taken = None if rows is None else np.asarray(rows, dtype=np.int64)
    if taken is not None and len(taken) and (taken.min() < 0 or taken.max() >= count):
        raise IndexError(f"rows asked for beyond the {count} rows of the file")
    # Columns without row sums are checked whole; with, on the rows read (all by default).
    whole = table if taken is None else table.drop_columns(sorted(by_row))
    # What will be read in full (most rows of a column, or all) is asked for ahead, in large
    # reads; the rest, a few rows' texts, a page at a time as they are used.
    sparse = taken is not None and 4 * len(taken) <= count
    for c in table.column_names:
        if c not in by_row or not sparse:
            mapped.will_need(c)
    if any(sums[c] != s for c, s in table_sums(whole).items()):
        raise ValueError("its columns do not add up to the sums recorded with them (damaged)")
    if taken is not None:
        table = table.take(pa.array(taken))
    elif mapped.mapped is not None:
        # Copied out (the columns a partial read takes whole are small): a table kept would
        # keep its mapping, and with it a file descriptor, open; a store of thousands of
        # parts read whole would run out of them.
        table = table.take(pa.array(np.arange(count)))
    for c in sorted(by_row):
        want = _recorded_row_sums(recorded_rows, c, count)
        if not np.array_equal(row_sums(table.column(c)), want if taken is None else want[taken]):
            raise ValueError(f"its rows of {c!r} do not add up to the sums recorded with them")
    return table


def _row_summed(meta: dict[bytes, bytes]) -> dict[str, Any]:
    """The row sums a file's schema metadata records, by column (still encoded)."""
    if ROW_SUMS not in meta:
        return {}
    try:
        found = json.loads(meta[ROW_SUMS])
    except ValueError:
        raise ValueError("its sums of each row cannot be read") from None
    if not isinstance(found, dict):
        raise ValueError("its sums of each row cannot be read")
    return found


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
                path = folder / f".{name}{suffix(dataset)}.tmp"
                write_arrow_file(path, table, ROW_SUMMED.get(dataset, ()))
                continue
            # Keys and hashes are random: compressing them costs time and saves nothing.
            # Texts are read (every part's, for a few of them) by every scan: lz4 decodes them
            # in about half zstd's time, for files about a third larger.
            codecs = {c: CODECS.get(c, "zstd") for c in table.column_names}
            write_parquet(folder / f".{name}.parquet.tmp", table, codecs)
    except OSError as exc:
        raise write_error(root, exc) from exc
    return StagedPart(name)
