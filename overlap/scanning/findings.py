"""Turn verified passages into findings: kinds from attribution, scores, summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from overlap.align.score import Idf, containment
from overlap.attribution.classify import (
    KIND_OF_ROLE,
    Verdict,
    classify,
    finding_citation,
    finding_quote,
)
from overlap.model import Finding, Kind, Passage, Role, SubmissionSummary
from overlap.scanning.common import CommonRun
from overlap.scanning.prepared import Prepared

#: Kinds of text shared with other students' posts.
SHARED = (Kind.PEER_OVERLAP, Kind.PRIOR_OVERLAP)
#: A quotation this long (in words) that matches no source is reported for a human to check;
#: shorter ones are mostly scare quotes and quoted phrases.
UNMATCHED_QUOTE_WORDS = 8


@dataclass(frozen=True)
class Unscored:
    """A finding whose TF-IDF cosine waits for the corpus' term frequencies of its words.

    Workers align and classify; the words' document frequencies are summed over the whole
    corpus only once every passage is known, and then only for the words passages hold.
    """

    finding: Finding  # tfidf is 0.0 until scored
    mine: npt.NDArray[np.uint64]  # word hashes of the passage in the submission
    theirs: npt.NDArray[np.uint64]  # and in the other document

    def scored(self, idf: Idf) -> Finding:
        """The finding with its TF-IDF cosine."""
        cosine = idf.cosine(self.mine.tolist(), self.theirs.tolist())
        return replace(self.finding, tfidf=round(cosine, 4))


def unscored_finding(
    sub: Prepared, other: Prepared, p: Passage, *, semantic: float | None = None
) -> Unscored:
    """A finding for passage ``p`` of ``sub`` matched in ``other``, classified, not yet scored."""
    a0, a1 = sub.word_range(p.start, p.end)
    b0, b1 = other.word_range(p.other_start, p.other_end)
    if other.doc.role is Role.SOURCE:
        verdict = classify(sub.attribution, p.start, p.end, a1 - a0, other.doc, p.evidence)
    else:
        verdict = Verdict(KIND_OF_ROLE[other.doc.role], None, None)
    mine, theirs = sub.hashes[a0:a1], other.hashes[b0:b1]
    finding = Finding(
        submission=sub.doc.id,
        kind=verdict.kind,
        start=p.start,
        end=p.end,
        text=sub.doc.text[p.start : p.end],
        source=other.doc.id,
        source_path=other.doc.path,
        source_start=p.other_start,
        source_end=p.other_end,
        words=a1 - a0,
        tfidf=0.0,
        containment=round(containment(mine.tolist(), theirs.tolist()), 4),
        quote=finding_quote(verdict.quote),
        citation=finding_citation(verdict.citation),
        evidence=p.evidence,
        semantic=semantic,
    )
    return Unscored(finding, mine, theirs)


def unmatched_quotes(sub: Prepared, findings: Sequence[Finding]) -> list[Finding]:
    """Quotations of some length that no finding explains: info for a human to check."""
    explained = sub.covered([(f.start, f.end) for f in findings])
    out = []
    for q in sub.attribution.quotes:
        if q.depth:
            continue
        a, b = sub.word_range(q.start, q.end)
        if b - a < UNMATCHED_QUOTE_WORDS or explained[a:b].any() or sub.excluded[a:b].mean() > 0.5:
            continue
        near = next(
            (ring[0] for ring in sub.attribution.citations_near(q.start, q.end) if ring), None
        )
        out.append(
            Finding(
                submission=sub.doc.id,
                kind=Kind.UNMATCHED_QUOTE,
                start=q.start,
                end=q.end,
                text=sub.doc.text[q.start : q.end],
                source=None,
                source_path=None,
                source_start=None,
                source_end=None,
                words=b - a,
                tfidf=0.0,
                containment=0.0,
                quote=finding_quote(q),
                citation=finding_citation(near),
                evidence=None,
            )
        )
    return out


def common_phrasing(sub: Prepared, runs: Sequence[CommonRun], least: int) -> list[Finding]:
    """One info finding per run of common phrasing at least ``least`` words long."""
    out = []
    for run in runs:
        if run.stop - run.start < least:
            continue
        start, end = int(sub.tokens.starts[run.start]), int(sub.tokens.ends[run.stop - 1])
        out.append(
            Finding(
                submission=sub.doc.id,
                kind=Kind.COMMON_PHRASING,
                start=start,
                end=end,
                text=sub.doc.text[start:end],
                source=None,
                source_path=None,
                source_start=None,
                source_end=None,
                words=run.stop - run.start,
                tfidf=0.0,
                containment=0.0,
                cluster=run.cluster,
                shared_by=run.shared_by,
            )
        )
    return out


def drop_shadowed(sub: Prepared, findings: list[Finding]) -> list[Finding]:
    """Drop shared-text findings that mostly lie inside a passage matched to a source.

    Text two posts share because each took it from a source is reported against the source;
    so is common phrasing that many posts took from one.
    """
    from_sources = sub.covered(
        [(f.start, f.end) for f in findings if f.kind not in SHARED and f.source is not None]
    )
    kept = []
    for f in findings:
        if f.kind in SHARED or f.kind is Kind.COMMON_PHRASING:
            a, b = sub.word_range(f.start, f.end)
            if b > a and from_sources[a:b].mean() >= 0.5:
                continue
        kept.append(f)
    return kept


def summary(
    sub: Prepared, findings: Sequence[Finding], errors: tuple[str, ...]
) -> SubmissionSummary:
    """Share of the submission's words in findings: not info (similarity), matched (overlap).

    ``overlap`` counts every finding that matches another text, info included. An
    ``unmatched_quote`` matches none: it is a quotation found in no source (mostly a remark
    the writer quotes, such as a client's words), shown for a human to check, and counts
    toward neither share.
    """
    n = len(sub.tokens)
    serious = sub.covered([(f.start, f.end) for f in findings if f.counts])
    matched = sub.covered(
        [(f.start, f.end) for f in findings if f.kind is not Kind.UNMATCHED_QUOTE]
    )
    return SubmissionSummary(
        id=sub.doc.id,
        path=sub.doc.path,
        student=sub.doc.student,
        words=n,
        similarity=round(float(serious.sum()) / n, 4) if n else 0.0,
        overlap=round(float(matched.sum()) / n, 4) if n else 0.0,
        flags=sub.doc.flags,
        errors=errors,
    )
