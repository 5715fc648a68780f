"""Add files to a corpus store: the one way ``corpus add`` and a job's ``[add]`` step add.

Workers of an engine read, sketch and stage parts; the caller commits them in order. Only the
listing of the files travels to the workers, and the store's document ids (eight bytes each)
once; texts are read where they are sketched. Documents already read (the submissions a job
keeps as prior posts after scanning them) are added by
:func:`overlap.indexing.parts.add_documents`, with the same rule of what is new.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from overlap.engine.choice import Engine, EngineSpec, open_engine
from overlap.engine.local import LocalEngine
from overlap.errors import InputError
from overlap.indexing.known import KnownIds, id_keys
from overlap.indexing.parts import (
    PART_SIZE,
    AddReport,
    Progress,
    RoleConflict,
    log_interrupted,
    log_partwise,
    role_conflicts,
    stage_shard,
)
from overlap.ingest.files import read_shard
from overlap.ingest.limits import IngestLimits
from overlap.ingest.shards import ReadShard, plan_reads
from overlap.model import FileError, Role
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore, StagedPart
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT
from overlap.store.parts import staged_renames

#: Called as ``progress(stage, done, total)``.
StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestShard:
    """Files for one worker to read, sketch and stage as one part of ``root``'s store."""

    files: ReadShard
    role: Role
    settings: Settings
    root: Path
    limits: IngestLimits
    term: str | None = None  # stamped on documents whose metadata gives none


@dataclass(frozen=True)
class StagedShard:
    """What a worker did with an :class:`IngestShard`: the part staged (if anything was new)."""

    staged: tuple[StagedPart, ...]  # none if nothing was new; more than one for big archives
    keys: npt.NDArray[np.uint64]  # id keys of the staged documents
    added: int
    skipped: int  # documents the store already held
    words: int
    files: int
    errors: tuple[FileError, ...]
    conflicts: tuple[RoleConflict, ...] = ()  # skipped ones held under another role


def ingest_shard(shard: IngestShard, known: KnownIds) -> StagedShard:
    """Read, sketch and stage the documents of one shard not in ``known``: a worker's job.

    A shard of files holds about a part's worth of documents, but an archive or a discussion
    export can hold many more: they are staged as several parts of ``PART_SIZE``.
    """
    read = read_shard(shard.files, shard.role, limits=shard.limits)
    found = read.documents
    if shard.term is not None:
        found = tuple(d if d.term else replace(d, term=shard.term) for d in found)
    keys = id_keys(d.id for d in found)
    fresh = ~known.contains(keys)
    conflicts = role_conflicts(found, known.stored_roles(keys))
    documents = [d for d, new in zip(found, fresh.tolist(), strict=True) if new]
    staged, words = [], 0
    for i in range(0, len(documents), PART_SIZE):
        part, n = stage_shard((documents[i : i + PART_SIZE], shard.settings, shard.root))
        staged.append(part)
        words += n
    skipped = len(found) - len(documents)
    return StagedShard(
        tuple(staged),
        keys[fresh],
        len(documents),
        skipped,
        words,
        shard.files.files,
        read.errors,
        tuple(conflicts),
    )


def add_files(
    store: CorpusStore,
    shards: Sequence[ReadShard],
    role: Role,
    *,
    engine: Engine | None = None,
    limits: IngestLimits | None = None,
    progress: Progress | None = None,
    term: str | None = None,
) -> AddReport:
    """Read the planned files and add the documents not yet in the store, one part per shard.

    Workers of ``engine`` (a local process pool by default) read, sketch and stage the parts
    into the store folder; this process commits them in shard order, so a crash keeps every
    part committed before it, and the same add run again adds the rest. Only the store's
    id keys and roles (nine bytes a document) are shipped to the workers, once. Documents
    the store holds under another role are skipped and listed in ``conflicts``.
    ``progress`` is called with the number of files read so far. ``term`` is stamped on the
    documents whose metadata names none.
    """
    engine = engine or LocalEngine()
    limits = limits or IngestLimits()
    jobs = [IngestShard(s, role, store.settings, store.root, limits, term) for s in shards]
    parts: list[str] = []
    errors: list[FileError] = []
    conflicts: list[RoleConflict] = []
    added = skipped = words = files = 0
    # Ids committed by this call, kept only if two paths given could hold the same document.
    track = len({c.given for s in shards for c in s.containers}) > 1
    seen: set[int] = set()
    with store.locked():
        known = KnownIds.of_store(store)
        if len(jobs) > 1:
            log_partwise(f"{sum(s.files for s in shards)} file(s)", len(jobs))
        try:
            for job, done in zip(jobs, engine.map_shared(ingest_shard, jobs, known), strict=True):
                if done.staged and seen.intersection(done.keys.tolist()):
                    done = _without_earlier(job, done, known, seen)
                parts.extend(store.commit(staged) for staged in done.staged)
                if track:
                    seen.update(done.keys.tolist())
                added, skipped = added + done.added, skipped + done.skipped
                words += done.words
                errors.extend(done.errors)
                conflicts.extend(done.conflicts)
                files += done.files
                if progress is not None:
                    progress(files)
        except BaseException:
            log_interrupted(len(parts))
            raise
    return AddReport(
        added, skipped, words, tuple(parts), tuple(dict.fromkeys(errors)), tuple(conflicts)
    )


def _without_earlier(
    job: IngestShard, done: StagedShard, known: KnownIds, seen: set[int]
) -> StagedShard:
    """Stage a shard again, here, without documents an earlier shard of the call added.

    Only documents under two of the paths given get here (ids are made of the path inside
    the path given, and the text).
    """
    for staged in done.staged:
        for tmp, _ in staged_renames(job.root, staged):
            tmp.unlink(missing_ok=True)
    again = ingest_shard(job, known.union(sorted(seen), job.role))
    repeated = done.added - again.added  # read twice in this call: not "already stored"
    return StagedShard(
        again.staged,
        again.keys,
        again.added,
        again.skipped - repeated,
        again.words,
        again.files,
        again.errors,
        again.conflicts,
    )


def add_to_corpus(
    paths: Sequence[Path],
    role: Role,
    corpus: Path,
    *,
    progress: StageProgress | None = None,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    engine: EngineSpec | None = None,
) -> AddReport:
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
        return add_files(store, shards, role, engine=running, limits=limits, progress=step)
