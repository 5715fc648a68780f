"""Scan submissions against a corpus store and against each other into verified findings.

The batch is prepared here; matching runs on an engine, one task per store part (the LSH
join and the alignment of that part's candidates) and per shard of submission pairs; the
words' corpus frequencies are then summed for the words that findings hold, and findings
are scored and assembled per submission, in shares of ``ASSEMBLY_SHARE`` submissions on the
engine's processes where it is a local pool (here otherwise), peer clusters found between.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from overlap.align.score import Idf
from overlap.arrays import distinct
from overlap.engine.choice import Engine
from overlap.engine.local import LocalEngine, local_workers
from overlap.model import Document, FileError, Finding, ScanResult, SubmissionSummary
from overlap.review.rules import Review
from overlap.scanning.batch import ScanBatch, prepare_batch
from overlap.scanning.candidates import peer_candidates
from overlap.scanning.clusters import cluster_shared
from overlap.scanning.common import with_common_bar
from overlap.scanning.findings import (
    Unscored,
    common_phrasing,
    drop_shadowed,
    summary,
    unmatched_quotes,
    unscored_finding,
)
from overlap.scanning.matching import PEER_SHARD, match_part, match_peers
from overlap.scanning.proposed import PairChunk, ProposedPairs
from overlap.scanning.restatements import restatements
from overlap.scanning.sources import embedded_sources
from overlap.semantic.encoder import Encoder
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import read_decisions
from overlap.store.state import store_state

#: Called as ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]
U64 = npt.NDArray[np.uint64]


def _part_df(share: Sequence[str], shared: tuple[CorpusStore, U64]) -> npt.NDArray[np.int64]:
    """Document frequency of each of the ``terms`` in a share of the store's parts."""
    store, terms = shared
    df = np.zeros(len(terms), dtype=np.int64)
    wanted: pa.Array | None = None
    for table in store.only(share).tables("terms"):
        have = table.column("term").to_numpy()
        counts = table.column("df").to_numpy()
        if len(have) and bool(np.all(have[1:] > have[:-1])):
            # A part's terms are written sorted and distinct: look the terms asked up in them.
            at = np.searchsorted(have, terms)
            at[at == len(have)] = 0
            hit = have[at] == terms
            df[hit] += counts[at[hit]]
            continue
        wanted = pa.array(terms, type=pa.uint64()) if wanted is None else wanted
        kept = pc.is_in(table.column("term"), value_set=wanted).to_numpy(zero_copy_only=False)
        np.add.at(df, np.searchsorted(terms, have[kept]), counts[kept])
    return df


#: Store parts per share when the terms' document frequencies are read on a local pool.
DF_SHARE = 64


def _stored_df(store: CorpusStore, terms: U64, local: LocalEngine | None = None) -> dict[int, int]:
    """Document frequency in the store of each of ``terms`` (sorted, distinct).

    Read one part at a time and only for the terms asked, so memory stays bounded by the
    terms asked, not by the corpus' vocabulary; in shares of parts on ``local`` (this
    process by default).
    """
    df = np.zeros(len(terms), dtype=np.int64)
    if len(terms):
        parts = store.parts
        shares = [parts[k : k + DF_SHARE] for k in range(0, len(parts), DF_SHARE)]
        local = local or LocalEngine(1)
        for counted in local.map_shared(_part_df, shares, (store, terms)):
            df += counted
    return {int(k): int(v) for k, v in zip(terms.tolist(), df.tolist(), strict=True) if v}


def _idf(
    store: CorpusStore,
    n_stored: int,
    batch: ScanBatch,
    found: list[list[Unscored]],
    local: LocalEngine | None = None,
) -> Idf:
    """Smoothed IDF over the store and the batch, for the words of the findings."""
    words = [u.mine for fs in found for u in fs] + [u.theirs for fs in found for u in fs]
    needed = distinct(np.concatenate(words)) if words else np.zeros(0, dtype=np.uint64)
    batch_terms, batch_df = batch.term_df
    return Idf(n_stored, _stored_df(store, needed, local)).merged(
        len(batch.texts), dict(zip(batch_terms.tolist(), batch_df.tolist(), strict=True))
    )


def _model(encoder: Encoder | None) -> dict[str, str] | None:
    """What the result records of the encoder: its name and digest, or None (checking off)."""
    return None if encoder is None else {"name": encoder.name, "sha256": encoder.digest}


#: Submissions per share when findings are scored and assembled on a local pool.
ASSEMBLY_SHARE = 500


def _assembly_shares(count: int) -> list[range]:
    return [range(k, min(k + ASSEMBLY_SHARE, count)) for k in range(0, count, ASSEMBLY_SHARE)]


def _scored_share(
    share: range, shared: tuple[ScanBatch, list[list[Unscored]], Idf]
) -> list[list[Finding]]:
    """Each submission's findings of a share, scored, with its common phrasing; none shadowed."""
    batch, found, idf = shared
    least = batch.settings.min_shared_words
    out = []
    for i in share:
        t = batch.texts[i]
        scored = [u.scored(idf) for u in found[i]] + common_phrasing(t, batch.common[i], least)
        out.append(drop_shadowed(t, scored))
    return out


def _finished_share(
    share: range, shared: tuple[ScanBatch, list[list[Finding]], Review]
) -> list[tuple[list[Finding], SubmissionSummary]]:
    """A share's submissions' findings as reported, in text order, and each one's summary."""
    batch, clustered, review = shared
    out = []
    for i in share:
        t, fs = batch.texts[i], clustered[i]
        fs = sorted(fs + unmatched_quotes(t, fs), key=lambda f: (f.start, f.end, f.source or ""))
        # Excluded only now: text matched to an excluded source still shadows what others
        # share of it, and a quotation of it is no unmatched quote.
        fs = [review.decided(f) for f in fs if not review.excludes(t.doc, f)]
        out.append((fs, summary(t, fs, ())))
    return out


def scan(
    submissions: Sequence[Document],
    store: CorpusStore,
    *,
    excludes: Sequence[Document] = (),
    errors: Sequence[FileError] = (),
    progress: Progress | None = None,
    engine: Engine | None = None,
    common_phrase: str | None = None,
    encoder: Encoder | None = None,
) -> ScanResult:
    """Find every verified passage that submissions share with the corpus and each other.

    The store's review decisions apply (:class:`~overlap.review.rules.Review`): allowed
    passages are templates, excluded sources are not reported, and each finding carries its
    standing decision (a dismissed one counts toward neither similarity nor ``--fail-on``).

    With an ``encoder``, sentences that restate a stored source in other words are found
    too (:mod:`overlap.scanning.restatements`); without one, the result records that
    paraphrase checking was off.

    ``engine`` runs the matching (in this process by default), and where it is a local pool
    the scoring and assembly of findings too; the result does not depend on it.
    ``common_phrase`` sets the bar of common phrasing (``N`` submissions or ``P%``, see
    :func:`~overlap.scanning.common.with_common_bar`) instead of the store's settings; the
    result records the settings the scan used.
    """
    engine = engine or LocalEngine(1)
    settings = store.settings
    if common_phrase is not None:
        settings = with_common_bar(settings, common_phrase)
    review = Review.of(read_decisions(store))
    batch = prepare_batch(
        submissions, [*excludes, *review.allowed_passages()], settings, engine=engine
    )
    peer_pairs = [(i, j, n) for (i, j), n in peer_candidates(batch).items()]
    peer_shards = [peer_pairs[k : k + PEER_SHARD] for k in range(0, len(peer_pairs), PEER_SHARD)]
    parts = store.parts
    total, done = len(parts) + len(peer_shards), 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress("match", done, total)

    # Per submission and stored document, the passages in order; a document id in two
    # parts (never written so, but a store is a folder) counts once, from the first.
    from_store: list[dict[str, list[Unscored]]] = [{} for _ in batch.texts]
    others: dict[str, Document] = {}
    n_stored = n_outdated = 0
    ids = [t.doc.id for t in batch.texts]
    peers = np.array([(i, j) for i, j, _ in peer_pairs], dtype=np.int64).reshape(-1, 2)
    # Both ways round: each side's passages are reported to its submitter.
    proposed = [PairChunk(ids, ids, peers[:, 0], peers[:, 1])]
    proposed.append(PairChunk(ids, ids, peers[:, 1], peers[:, 0]))
    source_parts: list[str] = []
    for name, matches in zip(
        parts, engine.map_shared(match_part, parts, (store, batch)), strict=True
    ):
        n_stored += matches.stored
        n_outdated += matches.outdated
        if matches.sources:
            source_parts.append(name)
        pairs = matches.pairs
        proposed.append(PairChunk(ids, pairs.ids, pairs.submissions, pairs.documents))
        fresh = {d.id for d in matches.documents if d.id not in others}
        others.update((d.id, d) for d in matches.documents if d.id in fresh)
        for i, doc_id, unscored in matches.findings:
            if doc_id in fresh:
                from_store[i].setdefault(doc_id, []).append(unscored)
        step()
    found = [[u for d in sorted(by_doc) for u in by_doc[d]] for by_doc in from_store]
    for shard, per_pair in zip(
        peer_shards, engine.map_shared(match_peers, peer_shards, batch), strict=True
    ):
        for (i, j, _), passages in zip(shard, per_pair, strict=True):
            for mine, theirs in passages:
                found[i].append(mine)
                found[j].append(theirs)
        step()
    # Only the parts that hold a source are read again, for their texts.
    sources = embedded_sources(store.only(source_parts), encoder) if encoder is not None else []
    if encoder is not None and sources:
        for t, pending in zip(batch.texts, found, strict=True):
            covered = t.covered([(u.finding.start, u.finding.end) for u in pending])
            threshold = settings.semantic_threshold
            for source, p, cosine in restatements(t, sources, covered, encoder, threshold):
                pending.append(unscored_finding(t, source, p, semantic=round(cosine, 4)))
                others.setdefault(source.doc.id, source.doc)
    # Frequencies read, and findings scored and assembled per submission, in shares on this
    # machine's processes (as the report is written) where the engine is a local pool.
    local = LocalEngine(local_workers(engine))
    idf = _idf(store, n_stored, batch, found, local)
    shares = _assembly_shares(len(batch.texts))
    kept = [
        fs for part in local.map_shared(_scored_share, shares, (batch, found, idf)) for fs in part
    ]
    clustered = cluster_shared(batch.texts, kept)
    findings: list[Finding] = []
    summaries = []
    for part in local.map_shared(_finished_share, shares, (batch, clustered, review)):
        for fs, about in part:
            findings.extend(fs)
            summaries.append(about)
    return ScanResult(
        settings={**settings.to_dict(), "paraphrase_model": _model(encoder)},
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        submissions=tuple(summaries),
        findings=tuple(findings),
        errors=tuple(errors),
        documents={d.id: d for d in [*submissions, *others.values()]},
        candidates=ProposedPairs(proposed),
        store=str(store.root),
        store_state=store_state(store),
        outdated_parts=n_outdated,
    )
