"""The two user-level jobs: add files to a corpus store, scan files into a report folder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from overlap.engine.choice import EngineSpec, open_engine
from overlap.errors import InputError
from overlap.ingest.files import read_documents
from overlap.ingest.limits import IngestLimits
from overlap.ingest.shards import plan_reads
from overlap.ingest.walk import READ_SUFFIXES
from overlap.jobs.common import with_common_bar
from overlap.jobs.index import RoleConflict
from overlap.jobs.intake import add_files
from overlap.jobs.scan import Progress, scan
from overlap.model import FileError, Role, ScanResult
from overlap.privacy.pseudonyms import ensure_key, pseudonymize_result
from overlap.report.folder import check_report_folder, write_report_folder
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT


@dataclass(frozen=True)
class AddSummary:
    """What ``corpus add`` did.

    Attributes:
        added: Documents added.
        skipped: Documents the store already held (``conflicts`` included).
        words: Words added.
        errors: Files that could not be read.
        conflicts: Skipped documents the store holds under the other role: a document has
            one role; to change it, remove the document and add it again.
    """

    added: int
    skipped: int
    words: int
    errors: tuple[FileError, ...]
    conflicts: tuple[RoleConflict, ...] = ()


def add_to_corpus(
    paths: Sequence[Path],
    role: Role,
    corpus: Path,
    *,
    progress: Progress | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    engine: EngineSpec | None = None,
) -> AddSummary:
    """Read files and folders and add their documents to the store at ``corpus``.

    Waits up to ``lock_timeout`` seconds for another writer of the store. Files are read,
    sketched and staged on ``engine``'s workers (local processes by default).
    """
    if role not in (Role.SOURCE, Role.PRIOR):
        raise InputError(f"corpus documents are sources or prior posts, not {role}")
    limits = IngestLimits()
    shards = plan_reads(paths, limits)
    store = CorpusStore.open(corpus, create=True, lock_timeout=lock_timeout)
    total = sum(s.files for s in shards)

    def step(done: int) -> None:
        if progress:
            progress("index", done, total)

    with open_engine(engine) as running:
        report = add_files(store, shards, role, engine=running, limits=limits, progress=step)
    return AddSummary(report.added, report.skipped, report.words, report.errors, report.conflicts)


def scan_paths(
    paths: Sequence[Path],
    corpus: Path,
    out: Path,
    *,
    excludes: Sequence[Path] = (),
    progress: Progress | None = None,
    pseudonymize: bool = False,
    engine: EngineSpec | None = None,
    settings: Settings | None = None,
    common_phrase: str | None = None,
) -> ScanResult:
    """Scan submission files against the store at ``corpus``; write the report to ``out``.

    ``settings`` (the store's own by default) may change how the scan aligns, not what the
    store holds: index settings must agree with the store's. ``common_phrase`` sets the bar
    of common phrasing, as ``N`` submissions or ``P%`` of them (see
    :func:`~overlap.jobs.common.with_common_bar`).

    The ``excludes`` files are templates, never submissions, even inside a folder scanned.
    With ``pseudonymize``, the result and the report name students by stable pseudonyms
    (keyed by the store's ``pseudonym.key``) instead of their names. Matching runs on
    ``engine`` (local processes by default); the findings do not depend on it. The report
    replaces ``out`` whole; ``out`` is checked before the scan
    (:func:`~overlap.report.folder.check_report_folder`).
    """
    store = CorpusStore.open(corpus, settings)
    if common_phrase is not None:
        with_common_bar(store.settings, common_phrase)  # a bad bar fails before any reading
    check_report_folder(out, corpus=store.root, inputs=[*paths, *excludes])
    submissions = read_documents(paths, Role.SUBMISSION, skip=excludes)
    templates = read_documents(excludes, Role.EXCLUDE) if excludes else None
    if templates is not None and templates.errors:
        bad = templates.errors[0]
        raise InputError(f"{bad.path}: cannot read exclude file: {bad.error}")
    with open_engine(engine) as running:
        result = scan(
            submissions.documents,
            store,
            excludes=templates.documents if templates else (),
            errors=submissions.errors,
            progress=progress,
            engine=running,
            common_phrase=common_phrase,
        )
    if pseudonymize:
        result = pseudonymize_result(result, ensure_key(store.root))
    return write_report_folder(result, out)


def nothing_scanned(paths: Sequence[Path], result: ScanResult) -> str:
    """Say why a scan found no submission, for a warning: nothing readable, or nothing there.

    A scan of an empty folder still writes its (empty) report and exits 0: an empty drop
    folder is a normal week for a scheduled scan. Only the caller decides to warn.
    """
    where = ", ".join(str(path) for path in paths[:3]) + (", ..." if len(paths) > 3 else "")
    if result.errors:
        return f"no submission could be read from {where}; the report lists only errors"
    kinds = ", ".join(sorted(READ_SUFFIXES))
    return f"no submission found in {where} (files read: {kinds}); the report is empty"
