"""The two user-level jobs: add files to a corpus store, scan files into a report folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from overlap.errors import InputError
from overlap.ingest.files import read_documents
from overlap.jobs.index import add_documents
from overlap.jobs.scan import Progress, scan
from overlap.model import FileError, Role, ScanResult
from overlap.report.files import write_report
from overlap.report.texts import write_texts
from overlap.store.corpus import CorpusStore


@dataclass(frozen=True)
class AddSummary:
    """What ``corpus add`` did."""

    added: int
    skipped: int
    words: int
    errors: tuple[FileError, ...]


def add_to_corpus(
    paths: Sequence[Path], role: Role, corpus: Path, *, progress: Progress | None = None
) -> AddSummary:
    """Read files and folders and add their documents to the store at ``corpus``."""
    if role not in (Role.SOURCE, Role.PRIOR):
        raise InputError(f"corpus documents are sources or prior posts, not {role}")
    ingested = read_documents(paths, role)
    store = CorpusStore.open(corpus, create=True)
    total = len(ingested.documents)

    def step(done: int) -> None:
        if progress:
            progress("index", done, total)

    report = add_documents(store, ingested.documents, progress=step)
    return AddSummary(report.added, report.skipped, report.words, ingested.errors)


def scan_paths(
    paths: Sequence[Path],
    corpus: Path,
    out: Path,
    *,
    excludes: Sequence[Path] = (),
    progress: Progress | None = None,
) -> ScanResult:
    """Scan submission files against the store at ``corpus``; write the report to ``out``."""
    store = CorpusStore.open(corpus)
    submissions = read_documents(paths, Role.SUBMISSION)
    templates = read_documents(excludes, Role.EXCLUDE) if excludes else None
    if templates is not None and templates.errors:
        bad = templates.errors[0]
        raise InputError(f"{bad.path}: cannot read exclude file: {bad.error}")
    result = scan(
        submissions.documents,
        store,
        excludes=templates.documents if templates else (),
        errors=submissions.errors,
        progress=progress,
    )
    write_report(result, out)
    write_texts(submissions.documents, out)
    return result
