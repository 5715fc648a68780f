"""A scan's batch of submissions, prepared once and shipped to every worker that needs it."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from overlap.align.screen import Grams
from overlap.engine.choice import Engine
from overlap.engine.local import LocalEngine, default_workers, local_workers
from overlap.model import Document
from overlap.scanning.common import (
    CommonRun,
    common_bar,
    common_grams,
    ngram_hashes,
    runs_of,
)
from overlap.scanning.prepared import Prepared
from overlap.settings import Settings
from overlap.sketch.content import ContentIndex, content_hashes
from overlap.sketch.documents import (
    sketch_content,
    sketch_hashes,
    summed_frequencies,
    term_frequencies,
)
from overlap.sketch.lsh import KeySet
from overlap.sketch.runs import merge_runs
from overlap.store.bands import STORED_BITS, prefixes
from overlap.store.schema import low_hashes


@dataclass(frozen=True)
class ScanBatch:
    """Submissions ready to match: tokens, excluded words, their band and content keys, sorted.

    Attributes:
        texts: The submissions, in the order they were given.
        keys: Band keys of every window of every submission, sorted.
        docs: The submission (index into ``texts``) each key belongs to.
        content_keys: Distinct content keys of every submission, sorted.
        content_docs: The submission each content key belongs to.
        content_pos: Where each content key is in its submission, in content words.
        settings: The store's settings the keys were made with.
        common: Each submission's common phrasing (runs of words), in text order.
        common_bar: A key (or passage) more submissions than this hold is common phrasing.
        term_df: Every word hash of the submissions, sorted, and how many of them hold it.
    """

    texts: tuple[Prepared, ...]
    keys: npt.NDArray[np.uint64]
    docs: npt.NDArray[np.int64]
    content_keys: npt.NDArray[np.uint64]
    content_docs: npt.NDArray[np.int64]
    content_pos: npt.NDArray[np.int64]
    settings: Settings
    common: tuple[tuple[CommonRun, ...], ...]
    common_bar: int
    term_df: tuple[U64, I64]

    def __getstate__(self) -> dict[str, object]:
        # Key sets and tables are rebuilt where they are used: shipping them would cost MiBs.
        rebuilt = ("keyset", "sorted_keys", "content_index", "grams")
        return {k: v for k, v in self.__dict__.items() if k not in rebuilt}

    @cached_property
    def grams(self) -> Grams:
        """The seed n-gram keys of every submission, for screening pairs before alignment.

        Made from the low 32 bits of the word hashes, as the store keeps them for stored
        documents (see :mod:`overlap.align.screen`).
        """
        n = self.settings.seed_words
        return Grams([low_hashes(t.hashes) for t in self.texts], n)

    @cached_property
    def keyset(self) -> KeySet:
        """The band keys as a set, on the bits stored keys keep (:mod:`overlap.store.bands`).

        Built on first use, once per worker that holds the batch.
        """
        return KeySet(self.keys, STORED_BITS)

    @cached_property
    def sorted_keys(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
        """The band keys on the bits stored keys keep, and their documents, by key."""
        keys, docs = self.keys, self.docs
        if len(keys) > 1 and not np.all(keys[1:] >= keys[:-1]):
            order = np.argsort(keys, kind="stable")
            keys, docs = keys[order], docs[order]
        return prefixes(keys), docs

    @cached_property
    def content_index(self) -> ContentIndex:
        """The content rows by key, built on first use (once per worker that holds the batch)."""
        return ContentIndex(self.content_keys, self.content_docs, self.content_pos)


#: Submissions per task when a batch is prepared on an engine.
PREPARE_CHUNK = 200

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Chunk:
    """Consecutive submissions of a batch prepared on a worker, their keys sorted.

    Attributes:
        texts: The submissions, prepared.
        keys: Band keys of every window, sorted (stably: in window order within a key).
        docs: The submission (index into ``texts``) of each band key.
        content_keys: Distinct content keys of each submission, sorted by key, then
            submission.
        content_docs: The submission of each content key.
        content_pos: Where each content key is in its submission, in content words.
        grams: Each submission's n-grams of usable words and where each starts, for
            common phrasing (:mod:`overlap.scanning.common`).
        held: The chunk's distinct n-grams and how many of its submissions hold each.
        terms: The chunk's word hashes and how many of its submissions hold each.
    """

    texts: list[Prepared]
    keys: U64
    docs: I64
    content_keys: U64
    content_docs: I64
    content_pos: I64
    grams: list[tuple[U64, I64]]
    held: tuple[U64, I64]
    terms: tuple[U64, I64]


def _prepare_chunk(docs: Sequence[Document], shared: tuple[Sequence[Prepared], Settings]) -> _Chunk:
    """Tokenise, exclude, parse, sketch and sort one chunk: the per-submission work of a batch.

    Each text's attribution structure is parsed here too, so that it travels with the text
    to every worker that classifies its findings instead of being parsed again there; and
    its n-grams are hashed and counted, for common phrasing to be found over the batch.
    """
    templates, settings = shared
    texts = [Prepared.of(d) for d in docs]
    for t in texts:
        t.exclude_templates(templates, settings)
        _ = t.attribution
    sketch = sketch_hashes([t.hashes for t in texts], settings)
    flat = sketch.keys.reshape(-1)
    order = np.argsort(flat, kind="stable")
    content = sketch_content([content_hashes(t.tokens.norms) for t in texts], settings)
    by_key = np.lexsort((content.doc, content.keys))
    grams = [ngram_hashes(t.hashes, ~t.excluded) for t in texts]
    return _Chunk(
        texts,
        flat[order],
        np.repeat(sketch.doc, settings.bands)[order],
        content.keys[by_key],
        content.doc[by_key],
        content.pos[by_key],
        grams,
        term_frequencies([g for g, _ in grams]),
        term_frequencies([t.hashes for t in texts]),
    )


def _chunks(submissions: Sequence[Document], workers: int) -> list[Sequence[Document]]:
    """Chunks of at most ``PREPARE_CHUNK`` submissions, of even size.

    Where there are several, as many as a multiple of ``workers``: no worker waits while
    another prepares a last, lone chunk.
    """
    n = len(submissions)
    count = -(-n // PREPARE_CHUNK)
    if count > 1:
        count = min(-(-count // workers) * workers, n)
    bounds = [k * n // count for k in range(count + 1)] if count else []
    return [submissions[a:b] for a, b in itertools.pairwise(bounds)]


def prepare_batch(
    submissions: Sequence[Document],
    excludes: Sequence[Document],
    settings: Settings,
    engine: Engine | None = None,
) -> ScanBatch:
    """Tokenise the submissions, mark template words excluded and common phrasing, key them.

    The per-submission work (and sorting each chunk's keys) runs on ``engine`` (in this
    process by default) in chunks of at most ``PREPARE_CHUNK``; common phrasing, which needs every
    submission, is found here, and the chunks' sorted keys are merged
    (:func:`~overlap.sketch.runs.merge_runs`, on as many threads as a local engine has
    workers, or as this machine has cores). The batch does not depend on the engine or the
    chunks.
    """
    templates = [Prepared.of(d) for d in excludes]
    engine = engine or LocalEngine(1)
    chunks = _chunks(submissions, local_workers(engine))
    done = list(engine.map_shared(_prepare_chunk, chunks, (templates, settings)))
    threads = local_workers(engine, default_workers())
    texts = [t for c in done for t in c.texts]
    bar = common_bar(settings, len(texts))
    common = common_grams([c.held for c in done], bar, threads)
    runs = runs_of([g for c in done for g in c.grams], common)
    for t, found in zip(texts, runs, strict=True):
        for run in found:
            t.common[run.start : run.stop] = True
    offsets = np.cumsum([0, *(len(c.texts) for c in done)])
    keys, (docs,) = merge_runs(
        [(c.keys, (c.docs + at,)) for c, at in zip(done, offsets, strict=False)], 1, threads
    )
    content_keys, (content_docs, content_pos) = merge_runs(
        [
            (c.content_keys, (c.content_docs + at, c.content_pos))
            for c, at in zip(done, offsets, strict=False)
        ],
        2,
        threads,
    )
    return ScanBatch(
        tuple(texts),
        keys,
        docs,
        content_keys,
        content_docs,
        content_pos,
        settings,
        tuple(tuple(r) for r in runs),
        bar,
        summed_frequencies([c.terms for c in done], threads),
    )
