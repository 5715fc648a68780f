"""Find the files to read under the paths the user gave, with what metadata.csv says of them."""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from overlap.errors import InputError
from overlap.ingest.errors import ExtractError
from overlap.ingest.exports import EXPORT_SUFFIXES
from overlap.ingest.formats import READERS
from overlap.ingest.limits import Budget, mib
from overlap.ingest.metadata import METADATA_NAME, Metadata, MetadataTable, read_metadata
from overlap.model import FileError, printable_path
from overlap.report.swap import REPORT_MARKER

logger = logging.getLogger(__name__)

#: Suffixes of archives whose members are read, compared in lower case.
ARCHIVE_SUFFIXES = frozenset({".zip"})
#: Every suffix ingest reads: documents, discussion exports and archives.
READ_SUFFIXES = frozenset(READERS) | EXPORT_SUFFIXES | ARCHIVE_SUFFIXES


def suffix(name: str) -> str:
    """The lower-case suffix of a posix path or file name (``""`` if none)."""
    return posixpath.splitext(name)[1].lower()


@dataclass(frozen=True)
class Item:
    r"""A file to read, on disk or inside an archive.

    Attributes:
        name: Its posix path inside its container: the folder given, or the archive. LMS
            names and Blackboard receipts are recognised on it.
        rel: The path the document id is made of: inside the folder given, and on into
            archives as ``batch.zip!inner/essay.docx``; a file name that is not UTF-8 keeps
            its own bytes here, while ``name`` and ``shown`` show them as ``\xNN``.
        shown: How documents and errors name it (the path as given, ``!`` into archives).
        load: Returns its bytes within the limits; raises ``ExtractError`` or ``OSError``.
        metadata: What metadata.csv files say of it.
        explicit: It was given on its own, not found in a folder or archive.
        depth: How many archives it is inside.
        path: The file on disk, if it is one (archives on disk are streamed from it).
        budget: The expansion budget of the archive it is inside, if any.
    """

    name: str
    rel: str
    shown: str
    load: Callable[[], bytes]
    metadata: Metadata = field(default_factory=Metadata)
    explicit: bool = False
    depth: int = 0
    path: Path | None = None
    budget: Budget | None = field(default=None, compare=False)


def disk_loader(path: Path, shown: str, limit: int) -> Callable[[], bytes]:
    """A loader that reads ``path`` only if it is at most ``limit`` bytes (and pickles)."""
    return functools.partial(_load_file, path, shown, limit)


def _load_file(path: Path, shown: str, limit: int) -> bytes:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ExtractError(shown, "not a regular file")
    size = info.st_size
    if size > limit:
        raise ExtractError(shown, f"too large: {mib(size)}, limit {mib(limit)}")
    with path.open("rb") as handle:
        # Asking for the size seen (not the limit) spares allocating the limit for each file.
        data = handle.read(size + 1)
        if len(data) > size:  # it grew while we looked
            data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise ExtractError(shown, f"too large: over the {mib(limit)} limit")
    return data


def check_path(path: Path) -> Path:
    """Return ``path`` if it is a folder or a file of a kind ingest reads, else raise naming it.

    Raises:
        InputError: It does not exist, is a metadata.csv, or has a suffix ingest does not read.
    """
    if path.is_dir():
        return path
    if path.is_file():
        if path.name.lower() == METADATA_NAME:
            raise InputError(f"not a document (metadata.csv describes its folder's files): {path}")
        if suffix(path.name) not in READ_SUFFIXES:
            kinds = ", ".join(sorted(READ_SUFFIXES))
            raise InputError(f"not a readable file (one of {kinds}): {path}")
        return path
    if path.exists():
        raise InputError(f"not a file or folder: {path}")
    raise InputError(f"no such file or folder: {path}")


def alone(
    file: Path, beside: dict[Path, MetadataTable], errors: list[FileError], limit: int
) -> Item:
    """Describe a file given on its own, with the metadata.csv next to it if there is one."""
    csv_path = file.parent / METADATA_NAME
    if csv_path not in beside:
        beside[csv_path] = (
            read_metadata(csv_path, printable_path(csv_path.as_posix()))
            if csv_path.is_file()
            else MetadataTable({})
        )
        # Rows about other files are that folder's business, not this call's.
        errors.extend(beside[csv_path].errors)
    metadata = beside[csv_path].rows.get(file.name, Metadata())
    shown = printable_path(file.as_posix())
    loader = disk_loader(file, shown, limit)
    return Item(printable_path(file.name), file.name, shown, loader, metadata, True, path=file)


@dataclass(frozen=True)
class Listing:
    """Files under a folder, found once: what a shard of it needs to be read anywhere.

    Attributes:
        root: The folder as given.
        files: Posix paths relative to ``root``, sorted.
        metadata: What metadata.csv files say of the files they describe (others have none).
    """

    root: Path
    files: tuple[str, ...]
    metadata: dict[str, Metadata] = field(default_factory=dict)

    def slice(self, start: int, stop: int) -> Listing:
        """The files ``start`` to ``stop`` of this listing."""
        files = self.files[start:stop]
        return Listing(self.root, files, {f: self.metadata[f] for f in files if f in self.metadata})


def list_folder(root: Path, errors: list[FileError]) -> Listing:
    """Find the files under ``root`` in sorted order, with their merged metadata.

    Hidden files and folders are skipped, and so are report folders under ``root`` (they
    hold :data:`~overlap.report.swap.REPORT_MARKER`), with a warning.
    """
    files, csvs = _walk(root, errors)
    tables: dict[str, MetadataTable] = {}
    for rel in csvs:
        table = read_metadata(root / rel, printable_path((root / rel).as_posix()))
        tables[posixpath.dirname(rel)] = table
        errors.extend(table.errors + table.row_errors)
    described: dict[str, Metadata] = {}
    for rel in files if tables else ():
        metadata = None
        parts = rel.split("/")
        for depth in range(len(parts)):
            folder_table = tables.get("/".join(parts[:depth]))
            row = folder_table.rows.get("/".join(parts[depth:])) if folder_table else None
            if row is not None:
                metadata = (metadata or Metadata()).overlay(row)
        if metadata is not None:
            described[rel] = metadata
    return Listing(root, tuple(files), described)


def folder_items(listing: Listing, limit: int) -> list[Item]:
    """The files of a listing as items to read, each at most ``limit`` bytes."""
    found = []
    for rel in listing.files:
        path = listing.root / rel
        shown = printable_path(path.as_posix())  # the id keeps the name's own bytes
        metadata = listing.metadata.get(rel, Metadata())
        loader = disk_loader(path, shown, limit)
        found.append(Item(printable_path(rel), rel, shown, loader, metadata, path=path))
    return found


def _walk(root: Path, errors: list[FileError]) -> tuple[list[str], list[str]]:
    """Return the sorted posix paths, relative to ``root``, of files and of metadata.csv files."""

    def unreadable(exc: OSError) -> None:
        shown = printable_path(Path(exc.filename or root).as_posix())
        errors.append(FileError(shown, f"cannot read folder: {exc.strerror or exc}"))

    files: list[str] = []
    csvs: list[str] = []
    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and not _report(folder, name)
        )
        inside = Path(folder).relative_to(root).as_posix()
        prefix = "" if inside == "." else f"{inside}/"  # strings: pathlib per file is slow
        for name in names:
            if name.startswith("."):
                continue
            if name.lower() == METADATA_NAME:
                csvs.append(prefix + name)
            else:
                files.append(prefix + name)
    return sorted(files), sorted(csvs)


def _report(folder: str, name: str) -> bool:
    """True, and say so, if ``folder/name`` is a report folder (``overlap scan --out``)."""
    path = os.path.join(folder, name)
    if not os.path.isfile(os.path.join(path, REPORT_MARKER)):
        return False
    logger.warning("skipping %s: a report folder, not input", printable_path(path))
    return True
