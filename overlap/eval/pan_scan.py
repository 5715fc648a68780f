"""Evaluate on a PAN corpus as users run the checker: ``corpus add`` the sources, then ``scan``."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from overlap.engine.choice import EngineSpec
from overlap.engine.local import default_workers
from overlap.errors import InputError
from overlap.eval.pan import (
    Pair,
    PanReport,
    Progress,
    Span,
    read_text,
    score_detections,
    select_pairs,
)
from overlap.indexing.add import add_to_corpus
from overlap.model import Role, ScanResult
from overlap.scanning.files import scan_paths
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore

#: File names of PAN source documents.
SOURCE_NAME = re.compile(r"source-document\d+\.txt")
#: Folders of ``out``: the corpus store built from ``src/``, and the scan's report folder.
STORE, REPORT = "store", "scan"


def offset_shift(text: str, raw: str, name: str) -> int:
    """How many characters PAN's offsets into ``raw`` lie after offsets into ``text``.

    ``text`` is a document as ingest read it, ``raw`` the file read as UTF-8 with
    ``newline=''`` (as PAN's offsets count). Ingest keeps the text as written except a
    leading byte-order mark, which PAN counts as a character.

    Raises:
        InputError: the texts differ otherwise, so no offset could be trusted.
    """
    if text == raw:
        return 0
    if raw.startswith("\ufeff") and raw[1:] == text:
        return 1
    at = next((k for k, (a, b) in enumerate(zip(text, raw, strict=False)) if a != b), None)
    where = f"first at character {at}" if at is not None else f"{len(text)} vs {len(raw)} chars"
    raise InputError(
        f"{name}: ingest read other text than the file holds as UTF-8 ({where}); "
        "PAN offsets would be wrong"
    )


def _stored_sources(store: Path) -> dict[str, str]:
    """PAN source file name of each stored source document, by document id."""
    table = CorpusStore.open(store).read("documents", ["id", "path", "role"])
    names = {}
    for row in table.to_pylist():
        name = PurePosixPath(row["path"]).name
        if row["role"] == Role.SOURCE and SOURCE_NAME.fullmatch(name):
            names[row["id"]] = name
    return names


def scan_detections(
    result: ScanResult, sources: dict[str, str], corpus: Path
) -> tuple[dict[Pair, list[Span]], set[Pair]]:
    """Detections per ``(susp, src)`` pair from a scan's findings, and the pairs it proposed.

    Only findings whose other side is a stored PAN source count; peer findings (a submission
    against another) are the product's behaviour but no PAN pair. Every submission's text,
    and every source's a finding points into, is checked against the file (see
    :func:`offset_shift`) and the offsets moved to PAN's.

    Args:
        result: The scan of the suspicious documents.
        sources: PAN source file name by stored document id.
        corpus: The PAN corpus, to read the files as PAN's offsets count them.

    Raises:
        InputError: a document's text differs from its file beyond a byte-order mark.
    """
    susp = {s.id: PurePosixPath(s.path).name for s in result.submissions}
    shift = {
        doc_id: offset_shift(result.documents[doc_id].text, read_text(corpus / "susp" / name), name)
        for doc_id, name in susp.items()
    }
    found: dict[Pair, list[Span]] = {}
    for f in result.findings:
        if f.source not in sources or f.source_start is None or f.source_end is None:
            continue
        name = sources[f.source]
        if f.source_path is None or PurePosixPath(f.source_path).name != name:
            raise InputError(f"finding names source {f.source_path}, its document is {name}")
        if f.source not in shift:
            raw = read_text(corpus / "src" / name)
            shift[f.source] = offset_shift(result.documents[f.source].text, raw, name)
        this, other = shift[f.submission], shift[f.source]
        found.setdefault((susp[f.submission], name), []).append(
            (f.start + this, f.end - f.start, f.source_start + other, f.source_end - f.source_start)
        )
    proposed = {(susp[a], sources[b]) for a, b in result.candidates if a in susp and b in sources}
    return {pair: sorted(set(spans)) for pair, spans in found.items()}, proposed


def evaluate_scan(
    corpus: Path,
    out: Path,
    *,
    subsets: Sequence[str] = (),
    settings: Settings | None = None,
    engine: EngineSpec | None = None,
    progress: Progress | None = None,
) -> PanReport:
    """Build a store of ``src/`` as ``corpus add`` does, scan the listed ``susp/`` files, score.

    The suspicious documents of the selected subsets' ``pairs`` files are scanned in one batch
    as ``overlap scan`` scans them (against the store and each other; the report goes to
    ``out/scan``). Findings against a PAN source become detections of that pair, written to
    ``out/<subset>/``; detections of pairs no selected subset lists are false positives.

    Args:
        corpus: A PAN text-alignment corpus folder (``src/``, ``susp/``, subset folders).
        out: Folder for the store (``out/store``, which must not exist), report and XMLs.
        subsets: Subset folder names to evaluate; all of them by default.
        settings: Settings the store is created with; the defaults by default.
        engine: Where adding and matching run; local processes on all cores by default.
        progress: Called as ``progress(stage, done, total)`` by the add and the scan.

    Returns:
        Plagdet and candidate recall per subset and pooled, and the wall time of each stage.

    Raises:
        InputError: a bad corpus or subset, ``out`` inside the corpus, or a leftover store.
    """
    pairs = select_pairs(corpus, subsets, out)
    store = out / STORE
    if store.exists():
        raise InputError(
            f"{store} exists (left by an earlier run?): remove it or use another --out"
        )
    started = time.perf_counter()
    CorpusStore.open(store, settings or Settings(), create=True)
    added = add_to_corpus([corpus / "src"], Role.SOURCE, store, progress=progress, engine=engine)
    built = time.perf_counter()
    names = sorted({susp for listed in pairs.values() for susp, _ in listed})
    files = [corpus / "susp" / name for name in names]
    result = scan_paths(files, store, out / REPORT, progress=progress, engine=engine)
    scanned = time.perf_counter()
    found, proposed = scan_detections(result, _stored_sources(store), corpus)
    rows, entire, listed, false, false_pairs = score_detections(corpus, out, pairs, found, proposed)
    seconds = {"store": round(built - started, 1), "scan": round(scanned - built, 1)}
    workers = (engine.workers if engine else None) or default_workers()
    errors = (*added.errors, *result.errors)
    return PanReport(
        "scan", tuple(rows), entire, false, false_pairs, seconds, workers, errors, listed
    )
