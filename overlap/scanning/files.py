"""Scan files into a report folder: what ``overlap scan`` runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from overlap.engine.choice import Engine, EngineSpec, open_engine
from overlap.engine.local import local_workers
from overlap.errors import InputError
from overlap.ingest.files import read_documents
from overlap.ingest.walk import READ_SUFFIXES
from overlap.model import Document, FileError, Role, ScanResult
from overlap.privacy.pseudonyms import ensure_key, pseudonymize_result
from overlap.report.folder import check_report_folder, write_report_folder
from overlap.scanning.common import with_common_bar
from overlap.scanning.scan import Progress, scan
from overlap.semantic.encoder import Encoder, choose_encoder
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore


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
    paraphrase: bool | None = False,
    paraphrase_model: Path | None = None,
) -> ScanResult:
    """Scan submission files against the store at ``corpus``; write the report to ``out``.

    ``settings`` (the store's own by default) may change how the scan aligns, not what the
    store holds: index settings must agree with the store's. ``common_phrase`` sets the bar
    of common phrasing, as ``N`` submissions or ``P%`` of them (see
    :func:`~overlap.scanning.common.with_common_bar`). ``paraphrase`` and
    ``paraphrase_model`` choose the sentence encoder of the semantic pass
    (:func:`~overlap.semantic.encoder.choose_encoder`; None: the installed model, if any). The
    library's default is off, so that a result never depends on what else is installed;
    ``overlap scan`` and ``overlap eval`` ask for the installed model.

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
    encoder = choose_encoder(paraphrase, paraphrase_model)
    submissions = read_documents(paths, Role.SUBMISSION, skip=excludes)
    templates = read_templates(excludes)
    with open_engine(engine) as running:
        return scan_into_report(
            submissions.documents,
            store,
            out,
            templates=templates,
            errors=submissions.errors,
            engine=running,
            pseudonymize=pseudonymize,
            common_phrase=common_phrase,
            progress=progress,
            encoder=encoder,
        )


def read_templates(paths: Sequence[Path]) -> tuple[Document, ...]:
    """Read a scan's exclude files (templates such as the prompt).

    Raises:
        InputError: One of them cannot be read: a scan without its templates would report
            every student who quotes the prompt.
    """
    if not paths:
        return ()
    read = read_documents(paths, Role.EXCLUDE)
    if read.errors:
        bad = read.errors[0]
        raise InputError(f"{bad.path}: cannot read exclude file: {bad.error}")
    return read.documents


def scan_into_report(
    submissions: Sequence[Document],
    store: CorpusStore,
    out: Path,
    *,
    templates: Sequence[Document] = (),
    errors: Sequence[FileError] = (),
    engine: Engine | None = None,
    pseudonymize: bool = False,
    common_phrase: str | None = None,
    progress: Progress | None = None,
    encoder: Encoder | None = None,
) -> ScanResult:
    """Scan read submissions and write the report folder: what ``scan`` and a job's scan run.

    With ``pseudonymize``, the result and the report name students by pseudonyms keyed by
    the store's ``pseudonym.key``. Returns the result as written (printable names).
    """
    result = scan(
        submissions,
        store,
        excludes=templates,
        errors=errors,
        progress=progress,
        engine=engine,
        common_phrase=common_phrase,
        encoder=encoder,
    )
    if pseudonymize:
        result = pseudonymize_result(result, ensure_key(store.root))
    # The local engine's processes write the pages too. A Dask client's process runs threads
    # of its own, which a forked process would inherit mid-work: it writes them itself.
    workers = local_workers(engine)
    return write_report_folder(result, out, workers=workers)


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
