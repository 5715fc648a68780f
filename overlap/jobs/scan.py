"""Scan submissions against a corpus store and against each other into verified findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from overlap.align.passages import align
from overlap.align.score import Idf, containment
from overlap.attribution.classify import KIND_OF_ROLE
from overlap.attribution.references import reference_list_span
from overlap.jobs.sketching import sketch_hashes, term_frequencies
from overlap.model import (
    Document,
    FileError,
    Finding,
    Kind,
    Passage,
    ScanResult,
    Severity,
    SubmissionSummary,
)
from overlap.settings import Settings
from overlap.sketch.lsh import KeySet, join_keys, self_pairs
from overlap.store.corpus import CorpusStore
from overlap.text.shingles import word_hashes
from overlap.text.tokens import Tokens, tokenise

#: Called as ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]


@dataclass
class _Text:
    """A document prepared for alignment: its tokens, word hashes and excluded words."""

    doc: Document
    tokens: Tokens
    hashes: npt.NDArray[np.uint64]
    excluded: npt.NDArray[np.bool_]


def _prepare(doc: Document) -> _Text:
    tokens = tokenise(doc.text)
    return _Text(doc, tokens, word_hashes(tokens.norms), np.zeros(len(tokens), dtype=np.bool_))


def _word_range(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    """Half-open range of the words inside the character range ``[start, end)``."""
    first = int(np.searchsorted(tokens.starts, start, side="left"))
    stop = int(np.searchsorted(tokens.ends, end, side="right"))
    return first, max(first, stop)


def _exclude_templates(text: _Text, templates: Sequence[_Text], settings: Settings) -> None:
    """Mark words of reference lists and of template (prompt) passages as excluded."""
    ref = reference_list_span(text.doc.text)
    if ref is not None:
        a, b = _word_range(text.tokens, *ref)
        text.excluded[a:b] = True
    for template in templates:
        for p in align(text.tokens, template.tokens, settings):
            a, b = _word_range(text.tokens, p.start, p.end)
            text.excluded[a:b] = True


def _mostly_excluded(text: _Text, start: int, end: int, settings: Settings) -> bool:
    a, b = _word_range(text.tokens, start, end)
    kept = int((~text.excluded[a:b]).sum())
    return kept < settings.min_words or kept * 2 < (b - a)


def _finding(sub: _Text, other: _Text, p: Passage, kind: Kind, idf: Idf) -> Finding:
    a0, a1 = _word_range(sub.tokens, p.start, p.end)
    b0, b1 = _word_range(other.tokens, p.other_start, p.other_end)
    mine, theirs = sub.hashes[a0:a1].tolist(), other.hashes[b0:b1].tolist()
    return Finding(
        submission=sub.doc.id,
        kind=kind,
        start=p.start,
        end=p.end,
        text=sub.doc.text[p.start : p.end],
        source=other.doc.id,
        source_path=other.doc.path,
        source_start=p.other_start,
        source_end=p.other_end,
        words=a1 - a0,
        tfidf=round(idf.cosine(mine, theirs), 4),
        containment=round(containment(mine, theirs), 4),
    )


def _mirror(p: Passage) -> Passage:
    return Passage(p.other_start, p.other_end, p.start, p.end, p.words, p.matched_words)


def _store_candidates(
    store: CorpusStore, keys: npt.NDArray[np.uint64], docs: npt.NDArray[np.int64]
) -> dict[int, set[str]]:
    """Stored documents proposed for each submission (by batch index)."""
    wanted = KeySet(keys)
    out: dict[int, set[str]] = {}

    def shared(t: pa.Table) -> pa.Array:
        return pa.array(wanted.contains(t.column("key").to_numpy()))

    for bands in store.scan("bands", shared):
        encoded = bands.unify_dictionaries().column("doc").combine_chunks()
        index_docs = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        index_keys = bands.column("key").to_numpy()
        names = encoded.dictionary.to_pylist()
        for q, i in join_keys(keys, docs, index_keys, index_docs).tolist():
            out.setdefault(q, set()).add(names[i])
    return out


def _idf(store: CorpusStore, batch: Sequence[_Text]) -> Idf:
    terms = store.read("terms")
    summed = terms.group_by("term").aggregate([("df", "sum")])
    stored = dict(
        zip(summed.column("term").to_pylist(), summed.column("df_sum").to_pylist(), strict=True)
    )
    n_stored = store.read("documents", ["id"]).num_rows
    batch_terms, batch_df = term_frequencies([t.hashes for t in batch])
    return Idf(n_stored, stored).merged(
        len(batch), dict(zip(batch_terms.tolist(), batch_df.tolist(), strict=True))
    )


def _covered(text: _Text, findings: Sequence[Finding]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(len(text.tokens), dtype=np.bool_)
    for f in findings:
        a, b = _word_range(text.tokens, f.start, f.end)
        mask[a:b] = True
    return mask


def _drop_shadowed(text: _Text, findings: list[Finding]) -> list[Finding]:
    """Drop peer/prior findings that mostly lie inside a passage matched to a source.

    Text two posts share because each took it from a source is reported against the source.
    """
    from_sources = _covered(text, [f for f in findings if f.kind not in _SHARED])
    kept = []
    for f in findings:
        if f.kind in _SHARED:
            a, b = _word_range(text.tokens, f.start, f.end)
            if b > a and from_sources[a:b].mean() >= 0.5:
                continue
        kept.append(f)
    return kept


_SHARED = (Kind.PEER_OVERLAP, Kind.PRIOR_OVERLAP)
_FROM_SOURCES = (Kind.UNATTRIBUTED_COPY,)


def _summary(
    text: _Text, findings: Sequence[Finding], errors: tuple[str, ...]
) -> SubmissionSummary:
    n = len(text.tokens)
    serious = _covered(text, [f for f in findings if f.severity is not Severity.INFO])
    anything = _covered(text, findings)
    return SubmissionSummary(
        id=text.doc.id,
        path=text.doc.path,
        student=text.doc.student,
        words=n,
        similarity=round(float(serious.sum()) / n, 4) if n else 0.0,
        overlap=round(float(anything.sum()) / n, 4) if n else 0.0,
        flags=text.doc.flags,
        errors=errors,
    )


def scan(
    submissions: Sequence[Document],
    store: CorpusStore,
    *,
    excludes: Sequence[Document] = (),
    errors: Sequence[FileError] = (),
    progress: Progress | None = None,
) -> ScanResult:
    """Find every verified passage that submissions share with the corpus and each other."""
    settings = store.settings
    texts = [_prepare(d) for d in submissions]
    templates = [_prepare(d) for d in excludes]
    for t in texts:
        _exclude_templates(t, templates, settings)
    sketch = sketch_hashes([t.hashes for t in texts], settings)
    # Sorted once: searching sorted needles is several times faster than searching random ones.
    flat_keys = sketch.keys.reshape(-1)
    order = np.argsort(flat_keys, kind="stable")
    flat_keys = flat_keys[order]
    flat_docs = np.repeat(sketch.doc, settings.bands)[order]
    proposed = _store_candidates(store, flat_keys, flat_docs)
    wanted = set().union(*proposed.values()) if proposed else set()
    others = {d.id: _prepare(d) for d in store.documents(wanted)} if wanted else {}
    idf = _idf(store, texts)
    found: list[list[Finding]] = [[] for _ in texts]
    peer_pairs = self_pairs(flat_keys, flat_docs).tolist()
    total = sum(len(v) for v in proposed.values()) + len(peer_pairs)
    done = 0
    for i, ids in sorted(proposed.items()):
        for doc_id in sorted(ids):
            other = others[doc_id]
            kind = KIND_OF_ROLE[other.doc.role]
            least = settings.min_words if kind in _FROM_SOURCES else settings.min_shared_words
            for p in align(texts[i].tokens, other.tokens, settings):
                if p.matched_words >= least and not _mostly_excluded(
                    texts[i], p.start, p.end, settings
                ):
                    found[i].append(_finding(texts[i], other, p, kind, idf))
            done += 1
            if progress:
                progress("align", done, total)
    for i, j in peer_pairs:
        a, b = texts[i], texts[j]
        for p in align(a.tokens, b.tokens, settings):
            if (
                p.matched_words < settings.min_shared_words
                or _mostly_excluded(a, p.start, p.end, settings)
                or _mostly_excluded(b, p.other_start, p.other_end, settings)
            ):
                continue
            found[i].append(_finding(a, b, p, Kind.PEER_OVERLAP, idf))
            found[j].append(_finding(b, a, _mirror(p), Kind.PEER_OVERLAP, idf))
        done += 1
        if progress:
            progress("align", done, total)
    findings: list[Finding] = []
    summaries = []
    for t, fs in zip(texts, found, strict=True):
        fs = sorted(_drop_shadowed(t, fs), key=lambda f: (f.start, f.end, f.source))
        findings.extend(fs)
        summaries.append(_summary(t, fs, ()))
    return ScanResult(
        settings=settings.to_dict(),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        submissions=tuple(summaries),
        findings=tuple(findings),
        errors=tuple(errors),
    )
