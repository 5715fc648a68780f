"""Add documents to a corpus store: words, window band keys and term frequencies, in parts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from overlap.engine.choice import Engine
from overlap.engine.local import LocalEngine
from overlap.ingest.files import read_shard
from overlap.ingest.limits import IngestLimits
from overlap.ingest.shards import ReadShard
from overlap.jobs.known import KnownIds, id_keys
from overlap.jobs.sketching import sketch_hashes, term_frequencies
from overlap.model import Document, FileError, Role
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore, StagedPart, stage_part
from overlap.store.parts import staged_renames
from overlap.store.schema import documents_to_table
from overlap.text.shingles import word_hashes
from overlap.text.tokens import normalised_words

#: Documents per part file: the unit of parallel work and of commit.
PART_SIZE = 2_000

Progress = Callable[[int], None]


@dataclass(frozen=True)
class AddReport:
    """What an add did."""

    added: int
    skipped: int
    words: int
    parts: tuple[str, ...]
    errors: tuple[FileError, ...] = ()


def part_tables(
    documents: Sequence[Document], settings: Settings
) -> tuple[dict[str, pa.Table], int]:
    """Build the four dataset tables of one part; also return its word count."""
    hash_lists = [word_hashes(normalised_words(d.text)) for d in documents]
    sketch = sketch_hashes(hash_lists, settings)
    ids = pa.array([d.id for d in documents], type=pa.string())
    windows = pa.table(
        {
            "doc": pa.DictionaryArray.from_arrays(sketch.doc.astype(np.int32), ids),
            "window": sketch.window,
            "first_word": sketch.first_word,
            "end_word": sketch.end_word,
        }
    )
    # One row per window and band; scans join on the key and keep distinct documents.
    bands = pa.table(
        {
            "key": pa.array(sketch.keys.reshape(-1), type=pa.uint64()),
            "doc": pa.DictionaryArray.from_arrays(
                np.repeat(sketch.doc.astype(np.int32), settings.bands), ids
            ),
        }
    )
    terms, df = term_frequencies(hash_lists)
    words = [len(h) for h in hash_lists]
    tables = {
        "documents": documents_to_table(list(documents), words),
        "windows": windows,
        "bands": bands,
        "terms": pa.table({"term": terms, "df": df}),
    }
    return tables, sum(words)


def stage_shard(shard: tuple[Sequence[Document], Settings, Path]) -> tuple[StagedPart, int]:
    """Sketch one shard of documents and write its part files (uncommitted): a worker's job."""
    documents, settings, root = shard
    tables, words = part_tables(documents, settings)
    return stage_part(root, settings, tables), words


def add_documents(
    store: CorpusStore,
    documents: Sequence[Document],
    progress: Progress | None = None,
    workers: int | None = None,
    *,
    engine: Engine | None = None,
) -> AddReport:
    """Add documents not yet in the store; documents already there (same id) are skipped.

    Parts are sketched in parallel (on ``engine``; by default ``workers`` local processes,
    one per core) and committed one at a time in order, so a crash keeps every part
    committed before it.
    """
    engine = engine or LocalEngine(workers)
    with store.locked():
        known = KnownIds.of_store(store)
        keys = id_keys(d.id for d in documents)
        stored = known.contains(keys).tolist()
        seen: set[str] = set()
        fresh = []
        for d, old in zip(documents, stored, strict=True):
            if not old and d.id not in seen:
                seen.add(d.id)
                fresh.append(d)
        shards = [
            (fresh[i : i + PART_SIZE], store.settings, store.root)
            for i in range(0, len(fresh), PART_SIZE)
        ]
        parts = []
        total_words = 0
        done = 0
        for (chunk, _, _), (staged, words) in zip(
            shards, engine.map(stage_shard, shards), strict=True
        ):
            parts.append(store.commit(staged))
            total_words += words
            done += len(chunk)
            if progress is not None:
                progress(done)
    return AddReport(len(fresh), len(documents) - len(fresh), total_words, tuple(parts))


@dataclass(frozen=True)
class IngestShard:
    """Files for one worker to read, sketch and stage as one part of ``root``'s store."""

    files: ReadShard
    role: Role
    settings: Settings
    root: Path
    limits: IngestLimits


@dataclass(frozen=True)
class StagedShard:
    """What a worker did with an :class:`IngestShard`: the part staged (if anything was new)."""

    staged: StagedPart | None
    keys: npt.NDArray[np.uint64]  # id keys of the part's documents
    added: int
    skipped: int  # documents the store already held
    words: int
    files: int
    errors: tuple[FileError, ...]


def ingest_shard(shard: IngestShard, known: KnownIds) -> StagedShard:
    """Read, sketch and stage the documents of one shard not in ``known``: a worker's job."""
    read = read_shard(shard.files, shard.role, limits=shard.limits)
    keys = id_keys(d.id for d in read.documents)
    fresh = ~known.contains(keys)
    documents = [d for d, new in zip(read.documents, fresh.tolist(), strict=True) if new]
    staged, words = None, 0
    if documents:
        staged, words = stage_shard((documents, shard.settings, shard.root))
    skipped = len(read.documents) - len(documents)
    return StagedShard(
        staged, keys[fresh], len(documents), skipped, words, shard.files.files, read.errors
    )


def add_files(
    store: CorpusStore,
    shards: Sequence[ReadShard],
    role: Role,
    *,
    engine: Engine | None = None,
    limits: IngestLimits | None = None,
    progress: Progress | None = None,
) -> AddReport:
    """Read the planned files and add the documents not yet in the store, one part per shard.

    Workers of ``engine`` (a local process pool by default) read, sketch and stage the parts
    into the store folder; this process commits them in shard order, so a crash keeps every
    part committed before it. Only the store's id keys (eight bytes a document) are shipped
    to the workers, once. ``progress`` is called with the number of files read so far.
    """
    engine = engine or LocalEngine()
    limits = limits or IngestLimits()
    jobs = [IngestShard(s, role, store.settings, store.root, limits) for s in shards]
    parts: list[str] = []
    errors: list[FileError] = []
    added = skipped = words = files = 0
    with store.locked():
        known = KnownIds.of_store(store)
        seen: set[int] = set()  # ids committed by this call
        for job, done in zip(jobs, engine.map_shared(ingest_shard, jobs, known), strict=True):
            if done.staged is not None and seen.intersection(done.keys.tolist()):
                done = _without_earlier(job, done.staged, done.added, known, seen)
            if done.staged is not None:
                parts.append(store.commit(done.staged))
                seen.update(done.keys.tolist())
            added, skipped, words = added + done.added, skipped + done.skipped, words + done.words
            errors.extend(done.errors)
            files += done.files
            if progress is not None:
                progress(files)
    return AddReport(added, skipped, words, tuple(parts), tuple(dict.fromkeys(errors)))


def _without_earlier(
    job: IngestShard, staged: StagedPart, added: int, known: KnownIds, seen: set[int]
) -> StagedShard:
    """Stage a shard again without documents an earlier shard of the call already added.

    Only a path given twice gets here (ids are made of the path and the text).
    """
    for tmp, _ in staged_renames(job.root, staged):
        tmp.unlink(missing_ok=True)
    again = ingest_shard(job, known.union(sorted(seen)))
    repeated = added - again.added  # read twice in this call: not "already stored"
    return StagedShard(
        again.staged, again.keys, again.added, again.skipped - repeated,
        again.words, again.files, again.errors,
    )  # fmt: skip
