"""Scan submissions against a corpus store and against each other into verified findings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from overlap.align.passages import align
from overlap.align.score import Idf
from overlap.jobs.findings import drop_shadowed, passage_finding, summary, unmatched_quotes
from overlap.jobs.prepared import Prepared
from overlap.jobs.sketching import sketch_hashes, term_frequencies
from overlap.model import Document, FileError, Finding, Passage, Role, ScanResult
from overlap.sketch.lsh import KeySet, join_keys, self_pairs
from overlap.store.corpus import CorpusStore

#: Called as ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]


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


def _idf(store: CorpusStore, batch: Sequence[Prepared]) -> Idf:
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
    texts = [Prepared.of(d) for d in submissions]
    templates = [Prepared.of(d) for d in excludes]
    for t in texts:
        t.exclude_templates(templates, settings)
    sketch = sketch_hashes([t.hashes for t in texts], settings)
    # Sorted once: searching sorted needles is several times faster than searching random ones.
    flat_keys = sketch.keys.reshape(-1)
    order = np.argsort(flat_keys, kind="stable")
    flat_keys = flat_keys[order]
    flat_docs = np.repeat(sketch.doc, settings.bands)[order]
    proposed = _store_candidates(store, flat_keys, flat_docs)
    wanted = set().union(*proposed.values()) if proposed else set()
    others = {d.id: Prepared.of(d) for d in store.documents(wanted)} if wanted else {}
    idf = _idf(store, texts)
    found: list[list[Finding]] = [[] for _ in texts]
    peer_pairs = self_pairs(flat_keys, flat_docs).tolist()
    total = sum(len(v) for v in proposed.values()) + len(peer_pairs)
    done = 0
    for i, ids in sorted(proposed.items()):
        sub = texts[i]
        for doc_id in sorted(ids):
            other = others[doc_id]
            shared = other.doc.role is not Role.SOURCE
            least = settings.min_shared_words if shared else settings.min_words
            for p in align(sub.tokens, other.tokens, settings):
                if p.matched_words >= least and not sub.mostly_excluded(p.start, p.end, least):
                    found[i].append(passage_finding(sub, other, p, idf))
            done += 1
            if progress:
                progress("align", done, total)
    least = settings.min_shared_words
    for i, j in peer_pairs:
        a, b = texts[i], texts[j]
        for p in align(a.tokens, b.tokens, settings):
            if (
                p.matched_words < least
                or a.mostly_excluded(p.start, p.end, least)
                or b.mostly_excluded(p.other_start, p.other_end, least)
            ):
                continue
            found[i].append(passage_finding(a, b, p, idf))
            found[j].append(passage_finding(b, a, _mirror(p), idf))
        done += 1
        if progress:
            progress("align", done, total)
    findings: list[Finding] = []
    summaries = []
    for t, fs in zip(texts, found, strict=True):
        fs = drop_shadowed(t, fs)
        fs = sorted(fs + unmatched_quotes(t, fs), key=lambda f: (f.start, f.end, f.source or ""))
        findings.extend(fs)
        summaries.append(summary(t, fs, ()))
    return ScanResult(
        settings=settings.to_dict(),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        submissions=tuple(summaries),
        findings=tuple(findings),
        errors=tuple(errors),
        documents={d.id: d for d in [*submissions, *(o.doc for o in others.values())]},
    )
