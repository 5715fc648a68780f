"""Read .txt and .md files, given one by one or as folders, into Documents with their metadata."""

from __future__ import annotations

import logging
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from overlap.errors import InputError
from overlap.ingest.decode import DecodeError, decode_bytes
from overlap.ingest.metadata import METADATA_NAME, Metadata, MetadataTable, read_metadata
from overlap.model import Document, FileError, Role, document_id
from overlap.text.tokens import text_flags

logger = logging.getLogger(__name__)

#: File name endings read as plain text, compared in lower case.
TEXT_SUFFIXES = frozenset({".txt", ".md"})


@dataclass(frozen=True)
class Ingested:
    """The documents read from some paths, and the files that could not be read."""

    documents: tuple[Document, ...]
    errors: tuple[FileError, ...] = ()


@dataclass(frozen=True)
class _Found:
    """A text file to read: where it is, how to show it, what its id is made of."""

    file: Path
    shown: str
    rel: str
    metadata: Metadata


def read_documents(paths: Sequence[Path], role: Role) -> Ingested:
    """Read every .txt and .md file in ``paths``, in a deterministic order.

    A folder is read recursively in sorted order, skipping hidden files and folders; a
    ``metadata.csv`` in it or any subfolder describes files by paths relative to its own folder,
    and a nearer one wins field by field. A file given on its own takes metadata from a
    ``metadata.csv`` beside it. Ids come from the path inside the given folder (or the file name)
    and the text, so they do not depend on the working directory; a document whose id was already
    read in this call is skipped.

    Args:
        paths: Files and folders as the user gave them.
        role: The role every document read gets.

    Returns:
        The documents, and one error per file (or metadata row) that could not be used.

    Raises:
        InputError: A path does not exist, or is a file that is not .txt or .md.
    """
    roots = [_check(Path(path)) for path in paths]
    documents: dict[str, Document] = {}
    errors: list[FileError] = []
    beside: dict[Path, MetadataTable] = {}
    for root in roots:
        found = _in_folder(root, errors) if root.is_dir() else [_alone(root, beside, errors)]
        for item in found:
            document = _read(item, role, errors)
            if document is None:
                continue
            if document.id in documents:
                logger.debug("skipping %s: same id as %s", item.shown, documents[document.id].path)
                continue
            documents[document.id] = document
    return Ingested(tuple(documents.values()), tuple(dict.fromkeys(errors)))


def _check(path: Path) -> Path:
    """Return ``path`` if it is a folder or a text file, else raise naming it."""
    if path.is_dir():
        return path
    if path.is_file():
        if path.suffix.lower() not in TEXT_SUFFIXES:
            raise InputError(f"not a .txt or .md file: {path}")
        return path
    if path.exists():
        raise InputError(f"not a file or folder: {path}")
    raise InputError(f"no such file or folder: {path}")


def _alone(file: Path, beside: dict[Path, MetadataTable], errors: list[FileError]) -> _Found:
    """Describe a file given on its own, with the metadata.csv next to it if there is one."""
    csv_path = file.parent / METADATA_NAME
    if csv_path not in beside:
        beside[csv_path] = (
            read_metadata(csv_path, csv_path.as_posix())
            if csv_path.is_file()
            else MetadataTable({})
        )
        # Rows about other files are that folder's business, not this call's.
        errors.extend(beside[csv_path].errors)
    metadata = beside[csv_path].rows.get(file.name, Metadata())
    return _Found(file, file.as_posix(), file.name, metadata)


def _in_folder(root: Path, errors: list[FileError]) -> list[_Found]:
    """Describe the text files under ``root`` in sorted order, with their merged metadata."""
    texts, csvs = _walk(root, errors)
    tables: dict[str, MetadataTable] = {}
    for rel in csvs:
        table = read_metadata(root / rel, (root / rel).as_posix())
        tables[posixpath.dirname(rel)] = table
        errors.extend(table.errors + table.row_errors)
    found = []
    for rel in texts:
        metadata = Metadata()
        parts = rel.split("/")
        for depth in range(len(parts)):
            folder_table = tables.get("/".join(parts[:depth]))
            row = folder_table.rows.get("/".join(parts[depth:])) if folder_table else None
            if row is not None:
                metadata = metadata.overlay(row)
        found.append(_Found(root / rel, (root / rel).as_posix(), rel, metadata))
    return found


def _walk(root: Path, errors: list[FileError]) -> tuple[list[str], list[str]]:
    """Return the sorted posix paths, relative to ``root``, of text files and metadata.csv files."""

    def unreadable(exc: OSError) -> None:
        shown = Path(exc.filename).as_posix() if exc.filename else root.as_posix()
        errors.append(FileError(shown, f"cannot read folder: {exc.strerror or exc}"))

    texts: list[str] = []
    csvs: list[str] = []
    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        inside = Path(folder).relative_to(root)
        for name in names:
            if name.startswith("."):
                continue
            if name.lower() == METADATA_NAME:
                csvs.append((inside / name).as_posix())
            elif Path(name).suffix.lower() in TEXT_SUFFIXES:
                texts.append((inside / name).as_posix())
    return sorted(texts), sorted(csvs)


def _read(item: _Found, role: Role, errors: list[FileError]) -> Document | None:
    """Read and decode one file into a Document, or record why it cannot be used."""
    try:
        text = decode_bytes(item.file.read_bytes(), item.shown)
    except DecodeError as exc:
        errors.append(FileError(item.shown, exc.reason))
        return None
    except OSError as exc:
        errors.append(FileError(item.shown, f"cannot read: {exc.strerror or exc}"))
        return None
    if not text.strip():
        errors.append(FileError(item.shown, "empty file"))
        return None
    meta = item.metadata
    return Document(
        id=document_id(item.rel, text),
        path=item.shown,
        role=role,
        text=text,
        authors=meta.authors,
        year=meta.year,
        title=meta.title,
        student=meta.student,
        term=meta.term,
        submitted_at=meta.submitted_at,
        flags=text_flags(text),
    )
