"""A scan's whole report folder: tables, extracted texts and HTML pages, the same for every job.

The folder is replaced whole on each run (:mod:`overlap.report.swap`): it holds only what a
report writes, plus hidden files such as ``.htaccess`` that are carried over. A folder holding
anything else is refused rather than replaced, and so is one inside the corpus store or
holding an input of the scan.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

from overlap.engine.local import LocalEngine
from overlap.errors import InputError
from overlap.model import Document, ScanResult, SubmissionSummary
from overlap.report.files import REPORT_FILES, write_atomic, write_report
from overlap.report.html import Pages, finish_html, write_pages
from overlap.report.html.site import PAGES_FOLDER
from overlap.report.printable import printable_result
from overlap.report.swap import REPORT_MARKER, replacing
from overlap.report.texts import (
    TEXTS_FOLDER,
    distinct,
    index_entries,
    text_folder,
    write_text_files,
    write_text_index,
)

#: What a report folder holds.
REPORT_ENTRIES = frozenset({*REPORT_FILES, "index.html", PAGES_FOLDER, TEXTS_FOLDER, REPORT_MARKER})
MARKER_SCHEMA = "overlap.report/1"


def _ours(name: str) -> bool:
    """An entry a report writes, or a temporary file an interrupted writer left."""
    return name in REPORT_ENTRIES or (name.startswith(".") and name.endswith(".tmp"))


def _carried(entry: Path) -> bool:
    """A hidden file of the user's, such as ``.htaccess``, to keep in the new report."""
    name = entry.name
    return name.startswith(".") and not _ours(name) and entry.is_file() and not entry.is_symlink()


def _check_replaceable(out: Path, shown: Path | None = None) -> None:
    """Raise unless ``out`` is missing, a report folder, or a folder holding nothing else."""
    shown = shown or out
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError(f"--out {shown} is a file, not a report folder")
    foreign = sorted(p.name for p in out.iterdir() if not _ours(p.name) and not _carried(p))
    if foreign:
        more = ", ..." if len(foreign) > 3 else ""
        raise InputError(
            f"--out {shown} holds files that are not a report ({', '.join(foreign[:3])}{more}): "
            "a report folder is replaced whole, so give a new or empty folder"
        )


def check_report_folder(
    out: Path, *, corpus: Path | None = None, inputs: Sequence[Path] = ()
) -> None:
    """Check, before a scan, that its report may be written to ``out``.

    Args:
        out: The report folder.
        corpus: The corpus store the scan reads.
        inputs: The files and folders the scan reads.

    Raises:
        InputError: ``out`` is the current folder (``--out ""``) or holds it, is the corpus
            store, inside it or holds it, holds an input, or is a file or a folder holding
            files a report does not write.
    """
    real = out.resolve()
    if Path.cwd().resolve().is_relative_to(real):
        raise InputError(
            f"--out {str(out)!r} is the current folder or holds it: "
            "give the report a folder of its own"
        )
    if corpus is not None:
        store = corpus.resolve()
        if real == store:
            raise InputError(f"--out {out} is the corpus store")
        if real.is_relative_to(store):
            raise InputError(f"--out {out} is inside the corpus store {corpus}")
        if store.is_relative_to(real):
            raise InputError(f"--out {out} holds the corpus store {corpus}")
    for path in inputs:
        if path.resolve() == real:
            raise InputError(f"--out {out} is a folder the scan reads")
        if path.resolve().is_relative_to(real):
            raise InputError(f"--out {out} holds {path}, which the scan reads")
    _check_replaceable(real, out)


def _texts_of(result: ScanResult) -> list[Document]:
    """The documents whose texts a report keeps: the submissions, then what findings point to."""
    pointed = {f.source for f in result.findings if f.source is not None}
    others = [d for i, d in result.documents.items() if i in pointed]
    return [result.documents[s.id] for s in result.submissions] + others


def _store_read(result: ScanResult) -> dict[str, object] | None:
    """What the scan read of the corpus store: its path and state, or None when unknown."""
    if result.store is None:
        return None
    return {"path": result.store, **(result.store_state or {})}


#: Texts a process writes at a time (as many as pages: the two alternate).
TEXT_CHUNK = 250


@dataclass(frozen=True)
class _Share:
    """One task of writing a report: the tables and the texts' index, some texts, or pages."""

    tables: bool = False
    texts: Sequence[Document] = ()
    pages: Sequence[SubmissionSummary] = ()


def _write_share(
    share: _Share, shared: tuple[ScanResult, Path, Pages]
) -> tuple[list[Path], dict[str, str]]:
    """Write one share of a report (see :func:`write_report_folder`).

    Returns the pages it wrote and their rows of the overview's table (none but for pages).
    """
    result, fresh, pages = shared
    if share.tables:
        write_report(result, fresh)
        entries = index_entries(_texts_of(result))
        write_text_index(fresh / TEXTS_FOLDER, entries, store=_store_read(result))
    if share.texts:
        write_text_files(share.texts, fresh / TEXTS_FOLDER, fresh=True)
    return write_pages(share.pages, pages) if share.pages else ([], {})


def _shares(result: ScanResult, pages: Pages) -> list[_Share]:
    """The tasks of writing a report: the tables, the texts in chunks, the pages in chunks."""
    texts = distinct(_texts_of(result))
    chunks = [_Share(texts=texts[k : k + TEXT_CHUNK]) for k in range(0, len(texts), TEXT_CHUNK)]
    shares = [_Share(pages=share) for share in pages.shares()]
    # Texts and pages alternate, so that two processes seldom add files to one folder at
    # once: they would take turns on it, spinning.
    mixed = [s for pair in zip_longest(chunks, shares) for s in pair if s is not None]
    return [_Share(tables=True), *mixed]


def write_report_folder(result: ScanResult, out: Path, *, workers: int | None = 1) -> ScanResult:
    """Write findings/submissions tables, the extracted texts and the HTML report to ``out``.

    The new report replaces the folder whole (a second writer of ``out`` waits its turn), so
    the folder always holds one whole report. Strings that are not valid Unicode are written
    as :func:`~overlap.report.printable.printable_result` shows them. The texts are taken
    from ``result.documents`` (the submissions', and those of the documents findings point
    to), so a pseudonymised result writes pseudonymised names everywhere.

    ``workers`` processes of this machine write the report's tables, texts and submission
    pages, in shares (one: this process writes it all; None: one per core). The report does
    not depend on it.

    Returns:
        The result as written (printable), for the caller to print the same.

    Raises:
        InputError: ``out`` is a file or holds files a report does not write.
        OverlapError: A folder or file cannot be written, or another writer of ``out`` held
            it for too long.
    """
    result = printable_result(result)
    with replacing(out, _check_replaceable, _carried) as fresh:
        pages = Pages.of(result, fresh, report=str(out), fresh=True)
        text_folder(fresh)
        written: list[Path] = []
        rows: dict[str, str] = {}
        tasks = _shares(result, pages)
        for paths, made in LocalEngine(workers).map_shared(
            _write_share, tasks, (result, fresh, pages)
        ):
            written.extend(paths)
            rows.update(made)
        finish_html(pages, written, rows)
        marker = {
            "schema": MARKER_SCHEMA,
            "generated_at": result.generated_at,
            "about": "a report folder written by overlap; it is replaced whole on each run",
        }
        write_atomic(fresh / REPORT_MARKER, json.dumps(marker, indent=2) + "\n")
    return result
