"""Read metadata.csv files: authors, year, title, student, term, per document path."""

from __future__ import annotations

import csv
import io
import posixpath
from dataclasses import dataclass, fields, replace
from pathlib import Path

from overlap.ingest.decode import DecodeError, decode_bytes
from overlap.ingest.delimiter import sniff_delimiter
from overlap.model import FileError

METADATA_NAME = "metadata.csv"


@dataclass(frozen=True)
class Metadata:
    """What a metadata.csv row says about one document; ``None`` or ``()`` when it says nothing."""

    authors: tuple[str, ...] = ()
    year: str | None = None
    title: str | None = None
    student: str | None = None
    term: str | None = None
    submitted_at: str | None = None

    def overlay(self, nearer: Metadata) -> Metadata:
        """Return this metadata with every field that ``nearer`` fills taken from ``nearer``."""
        changes = {f.name: getattr(nearer, f.name) for f in fields(nearer)}
        return replace(self, **{name: value for name, value in changes.items() if value})


@dataclass(frozen=True)
class MetadataTable:
    """The rows of one metadata.csv and what was wrong with it.

    Attributes:
        rows: Metadata by path relative to the csv's folder, posix style and normalised.
        errors: Problems of the whole file (unreadable, no ``path`` column, malformed CSV).
        row_errors: Problems of single rows (empty path, duplicate, file that does not exist).
    """

    rows: dict[str, Metadata]
    errors: tuple[FileError, ...] = ()
    row_errors: tuple[FileError, ...] = ()


def parse_authors(cell: str | None) -> tuple[str, ...]:
    """Split ``Last, I.; Other, J. K.`` into ``("Last, I.", "Other, J. K.")``.

    Authors are separated by semicolons, so the comma between surname and initials stays.
    Blank entries (a trailing ``;``) are dropped.
    """
    if not cell:
        return ()
    return tuple(name for name in (part.strip() for part in cell.split(";")) if name)


def row_key(path: str) -> str | None:
    """Normalise a path cell to the form rows are keyed by, or ``None`` if it leaves the folder."""
    key = posixpath.normpath(path.strip().replace("\\", "/"))
    if key.startswith(("/", "../")) or key in ("..", "."):
        return None
    return key


def read_metadata(csv_path: Path, shown: str) -> MetadataTable:
    """Read one metadata.csv whose ``path`` column is relative to the folder that holds it.

    Cells are separated by commas, semicolons or tabs, whichever the header uses most.

    Args:
        csv_path: The file on disk.
        shown: How to name the file in errors (the path as the user gave it).

    Returns:
        The rows and any problems; a broken file yields no rows and one error.
    """
    try:
        text = decode_bytes(csv_path.read_bytes(), shown)
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    except DecodeError as exc:
        return MetadataTable({}, (FileError(shown, exc.reason),))
    except OSError as exc:
        return MetadataTable({}, (FileError(shown, f"cannot read: {exc.strerror or exc}"),))
    except csv.Error as exc:
        return MetadataTable({}, (FileError(shown, f"malformed CSV: {exc}"),))
    header = [name.strip().lower() for name in table[0]] if table else []
    if "path" not in header:
        found = ", ".join(name.strip() for name in table[0]) if table else ""
        reason = f"no 'path' column; columns: {found}" if found else "no 'path' column"
        return MetadataTable({}, (FileError(shown, reason),))
    column = {name: i for i, name in reversed(list(enumerate(header)))}
    rows: dict[str, Metadata] = {}
    row_errors: list[FileError] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str | None:
            i = column.get(name)
            value = cells[i].strip() if i is not None and i < len(cells) else ""
            return value or None

        raw = cell("path")
        key = row_key(raw) if raw else None
        if raw is None or key is None:
            reason = "empty path" if raw is None else f"path outside the folder: {raw}"
            row_errors.append(FileError(shown, f"row {number}: {reason}", row=True))
            continue
        if key in rows:
            row_errors.append(FileError(shown, f"row {number}: duplicate path {raw}", row=True))
            continue
        if not (csv_path.parent / key).is_file():
            row_errors.append(FileError(shown, f"row {number}: no such file: {raw}", row=True))
        rows[key] = Metadata(
            authors=parse_authors(cell("author")),
            year=cell("year"),
            title=cell("title"),
            student=cell("student"),
            term=cell("term"),
            submitted_at=cell("submitted_at"),
        )
    return MetadataTable(rows, (), tuple(row_errors))
