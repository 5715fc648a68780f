"""Write the extracted text of every document into ``out/texts/``: all offsets refer to it.

A finding's ``start``/``end`` count characters (code points) of the text ingest extracted
from a .docx, .pdf or post, not of the file the user gave; these files are that text.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from overlap.errors import OverlapError
from overlap.model import Document
from overlap.report.files import write_atomic, write_new

TEXTS_FOLDER = "texts"
INDEX_NAME = "index.json"
SCHEMA = "overlap.texts/1"
#: Where a path's last name starts: after ``/``, ``!`` (into an archive) or a Windows ``\``
#: (not the ``\xNN`` of a file name byte that is not UTF-8).
_SEPARATOR = re.compile(r"[/!]|\\(?!x[0-9a-f]{2})")
_UNSAFE_RUN = re.compile("\0+")
_STEM_CHARS = 40


def is_name_char(char: str) -> bool:
    """Letters, digits and marks of any script, and ``._-``: safe in file names and links.

    No separator, control, space, quote or punctuation that a shell, a URL or a file system
    gives a meaning to; links percent-encode what is not ASCII.
    """
    return char in "._-" or unicodedata.category(char)[0] in "LNM"


def text_file_name(document: Document) -> str:
    """A safe, readable file name: the stem of the document's file, then its id.

    ``uploads/Jane Doe_1_assignsubmission_file_/Essay (final).docx`` with id ``ab12...`` gives
    ``Essay_final-ab12....txt``; posts (``export.csv#17``) keep their key in the stem. Letters
    of every script are kept (NFKC-normalised: ``Zoë Ñúñez.docx`` gives ``Zoë_Ñúñez-ab12....txt``);
    other characters become ``_``.
    """
    last = _SEPARATOR.split(document.path)[-1]
    name, _, key = last.partition("#")
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    if key:
        stem = f"{stem}_{key}"
    stem = unicodedata.normalize("NFKC", stem[: 4 * _STEM_CHARS])
    stem = _UNSAFE_RUN.sub("_", "".join(c if is_name_char(c) else "\0" for c in stem))
    stem = stem.strip("._-")[:_STEM_CHARS].rstrip("._-")
    return f"{stem or 'document'}-{document.id}.txt"


def _previous(folder: Path) -> set[str]:
    """File names a previous run listed in its index (only those are ever removed)."""
    try:
        index = json.loads((folder / INDEX_NAME).read_text(encoding="utf-8"))
        entries = index["documents"].values()
        return {Path(entry["path"]).name for entry in entries}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return set()


def text_digest(text: str) -> str:
    """SHA-256 (hex) of a text as compared and written: its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def index_entry(document: Document, name: str) -> dict[str, object]:
    """What ``index.json`` says of one document whose text is in ``texts/<name>``."""
    return {
        "path": f"{TEXTS_FOLDER}/{name}",
        "file": document.path,
        "student": document.student,
        "role": document.role.value,
        "chars": len(document.text),
        "sha256": text_digest(document.text),
        "title": document.title,
        "authors": list(document.authors),
        "year": document.year,
        "term": document.term,
        "submitted_at": document.submitted_at,
    }


def distinct(documents: Iterable[Document]) -> list[Document]:
    """The documents, each id once (the first of it)."""
    seen: dict[str, Document] = {}
    for document in documents:
        seen.setdefault(document.id, document)
    return list(seen.values())


def index_entries(documents: Iterable[Document]) -> dict[str, dict[str, object]]:
    """Each document's entry of ``index.json`` (see :func:`write_texts`), by id."""
    return {d.id: index_entry(d, text_file_name(d)) for d in distinct(documents)}


def write_text_files(documents: Iterable[Document], folder: Path, *, fresh: bool = False) -> None:
    """Write each document's text to ``folder/<stem>-<id>.txt``: a share of :func:`write_texts`.

    With ``fresh`` (a new folder no one reads until it is whole) each text is written straight
    into place (:func:`~overlap.report.files.write_new`); their index is
    :func:`index_entries` of the same documents.

    Raises:
        OverlapError: A file cannot be written.
    """
    write = write_new if fresh else write_atomic
    try:
        for document in distinct(documents):
            write(folder / text_file_name(document), document.text)
    except OSError as exc:
        raise OverlapError(f"cannot write texts to {folder}: {exc}") from exc


def write_text_index(
    folder: Path,
    entries: Mapping[str, Mapping[str, object]],
    *,
    store: Mapping[str, object] | None = None,
) -> Path:
    """Write ``index.json`` of the texts written, and remove those a previous run left.

    Text files that a previous run's index listed and ``entries`` do not are removed;
    nothing else is.

    Raises:
        OverlapError: The index cannot be written or a stale file removed.
    """
    try:
        stale = _previous(folder) - {Path(str(e["path"])).name for e in entries.values()}
        index = {
            "schema": SCHEMA,
            "encoding": "utf-8",
            "store": None if store is None else dict(store),
            "documents": dict(entries),
        }
        write_atomic(folder / INDEX_NAME, json.dumps(index, indent=2))
        for name in stale:
            if name != INDEX_NAME and not name.startswith("."):
                (folder / name).unlink(missing_ok=True)
    except OSError as exc:
        raise OverlapError(f"cannot write texts to {folder}: {exc}") from exc
    return folder / INDEX_NAME


def write_texts(
    documents: Iterable[Document], out: Path, *, store: Mapping[str, object] | None = None
) -> Path:
    """Write each document's text to ``out/texts/<stem>-<id>.txt`` and an ``index.json``.

    Texts are UTF-8 with line endings as extracted, so reading one back with
    ``newline=""`` gives the exact string that offsets index. ``index.json`` maps each
    document id to ``path`` (the text file, relative to ``out``), ``file`` (the document's
    path as in findings.json), ``student``, ``role``, ``chars``, ``sha256`` (of the text's
    UTF-8 bytes, the file's exact content), and the metadata ``title``, ``authors`` (a
    list), ``year``, ``term`` and ``submitted_at`` (null when unknown). Its ``store`` is
    what the scan read of the corpus store (``path``, ``state``, ``covers``,
    ``updated_at``; see :mod:`overlap.store.state`), or null. Text files that a previous
    run's index listed and this run does not are removed; nothing else is.

    Args:
        documents: The documents of a scan (submissions, sources, prior posts).
        out: The report folder.
        store: What the scan read of the corpus store, recorded as given.

    Returns:
        The ``texts`` folder.

    Raises:
        OverlapError: The folder or a file cannot be written.
    """
    folder, documents = text_folder(out), distinct(documents)
    write_text_files(documents, folder)
    write_text_index(folder, index_entries(documents), store=store)
    return folder


def text_folder(out: Path) -> Path:
    """Make (if missing) and return the ``texts`` folder of the report folder ``out``.

    Raises:
        OverlapError: It cannot be made.
    """
    folder = out / TEXTS_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OverlapError(f"cannot write texts to {folder}: {exc}") from exc
    return folder
