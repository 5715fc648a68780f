"""Show decisions in a report at once: rewrite its folder with the store's decisions applied.

A decision takes effect in full at the next scan (an excluded source or an allowed passage
changes what is matched). The standing decisions about findings need no scan: the report's
own findings, texts and settings are read back, each finding is given its standing decision,
the similarity of each submission is counted again without what was dismissed, and the
folder is written again whole, as the scan wrote it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from overlap.errors import InputError
from overlap.model import Document, ScanResult
from overlap.report.folder import write_report_folder
from overlap.report.reading import ReportFolder, read_document
from overlap.review.decisions import Decision
from overlap.review.rules import Review
from overlap.scanning.findings import summary
from overlap.scanning.prepared import Prepared


def refresh_report(folder: ReportFolder, decisions: Sequence[Decision]) -> ScanResult:
    """Rewrite the report folder (as read) with the standing decisions about its findings.

    Returns:
        The result as written.

    Raises:
        InputError: The folder is not a report overlap wrote, lacks a submission's text, or
            one of its files changed since the scan.
    """
    report = folder.root
    review = Review.of(decisions)
    documents: dict[str, Document] = {}
    for doc_id in folder.texts:
        doc = read_document(folder, doc_id)
        if doc is not None:
            documents[doc_id] = doc
    findings = tuple(review.decided(f) for f in folder.findings)
    submissions = []
    for s in folder.submissions:
        doc = documents.get(s.id)
        if doc is None:
            raise InputError(f"{report}: the report keeps no text of {s.path}: scan again")
        mine = [f for f in findings if f.submission == s.id]
        counted = summary(Prepared.of(doc), mine, s.errors)
        submissions.append(
            dataclasses.replace(s, similarity=counted.similarity, overlap=counted.overlap)
        )
    store = folder.store or {}
    result = ScanResult(
        settings=folder.settings,
        generated_at=folder.generated_at,
        submissions=tuple(submissions),
        findings=findings,
        errors=folder.errors,
        documents=documents,
        store=store.get("path"),
        store_state={k: v for k, v in store.items() if k != "path"} or None,
    )
    return write_report_folder(result, report)
