"""Add documents to a corpus store: words, window band keys and term frequencies, in parts."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from overlap.engine.choice import Engine
from overlap.engine.local import LocalEngine
from overlap.indexing.known import KnownIds, id_keys
from overlap.model import Document, FileError, Role
from overlap.settings import Settings
from overlap.sketch.content import hash_words
from overlap.sketch.documents import sketch_content, sketch_hashes, term_frequencies
from overlap.store.bands import bands_table, packed
from overlap.store.content_rows import content_table
from overlap.store.corpus import CorpusStore, StagedPart, stage_part
from overlap.store.schema import current_form, documents_to_table, hashes_column
from overlap.text.tokens import normalised_words

#: Documents per part file: the unit of parallel work and of commit.
PART_SIZE = 2_000

Progress = Callable[[int], None]
logger = logging.getLogger(__name__)


def log_partwise(documents: str, parts: int) -> None:
    """Say, before an add of several parts, what an interruption would leave."""
    logger.info(
        "adding %s in %d parts, each committed on its own: if this add is interrupted, the "
        "parts committed stay in the store and running the same add again adds the rest",
        documents,
        parts,
    )


def log_interrupted(parts: int) -> None:
    """Say what an add that stopped with an error or an interruption left in the store."""
    if parts:
        logger.warning(
            "add stopped after committing %d part(s), which stay in the store; run the same "
            "add again to add the rest (documents already stored are skipped)",
            parts,
        )


@dataclass(frozen=True)
class RoleConflict:
    """A document an add skipped because the store already holds it under another role.

    A stored document has one role; to change it, remove the document (``overlap corpus
    remove --path``) and add it again with the other role.
    """

    path: str
    stored: Role
    asked: Role


@dataclass(frozen=True)
class AddReport:
    """What an add did.

    Attributes:
        added: Documents added.
        skipped: Documents not added because the store held them (conflicts included).
        words: Words added.
        parts: The parts committed, in order.
        errors: Files that could not be read.
        conflicts: The skipped documents that the store holds under another role.
    """

    added: int
    skipped: int
    words: int
    parts: tuple[str, ...]
    errors: tuple[FileError, ...] = ()
    conflicts: tuple[RoleConflict, ...] = ()


def describe_conflicts(conflicts: Sequence[RoleConflict]) -> str:
    """One line saying which documents an add skipped for their role, and what to do."""
    kinds = Counter((c.stored, c.asked) for c in conflicts)
    held = ", ".join(f"{n} as {stored}, not {asked}" for (stored, asked), n in kinds.items())
    return (
        f"{len(conflicts)} document(s) not added: the store already holds them under another "
        f"role ({held}; e.g. {conflicts[0].path}); a document has one role: to change it, "
        "remove it with 'overlap corpus remove --path PATH' and add it again"
    )


def role_conflicts(
    documents: Sequence[Document], stored: Sequence[Role | None]
) -> list[RoleConflict]:
    """The documents whose stored role (``stored``, aligned with them) is not their own."""
    return [
        RoleConflict(d.path, role, d.role)
        for d, role in zip(documents, stored, strict=True)
        if role is not None and role != d.role
    ]


def part_tables(
    documents: Sequence[Document], settings: Settings
) -> tuple[dict[str, pa.Table], int]:
    """Build the dataset tables of one part; also return its word count."""
    word_lists = [normalised_words(d.text) for d in documents]
    hashed = [hash_words(words) for words in word_lists]
    hash_lists = [word for word, _ in hashed]
    sketch = sketch_hashes(hash_lists, settings)
    content = sketch_content([content for _, content in hashed], settings)
    ids = pa.array([d.id for d in documents], type=pa.string())
    windows = pa.table(
        {
            "doc": pa.DictionaryArray.from_arrays(sketch.doc.astype(np.int32), ids),
            "window": sketch.window,
            "first_word": sketch.first_word,
            "end_word": sketch.end_word,
        }
    )
    # One key per window and band, carrying its document's row; scans keep distinct documents.
    bands = bands_table(
        packed(sketch.keys.reshape(-1), np.repeat(sketch.doc.astype(np.int64), settings.bands))
    )
    content_rows = content_table(content.keys, content.doc, content.pos)
    terms, df = term_frequencies(hash_lists)
    words = [len(h) for h in hash_lists]
    tables = {
        "documents": documents_to_table(list(documents), words, hash_lists),
        "windows": windows,
        "bands": bands,
        "content": content_rows,
        "terms": pa.table({"term": terms, "df": df}),
    }
    return tables, sum(words)


def with_word_hashes(documents: pa.Table) -> pa.Table:
    """A documents table with its ``hashes`` column as parts are written now.

    Parts written before word hashes were stored have none: they are made from the texts.
    Parts written before they were packed (``LISTED_HASHES``) have them packed.
    """
    if "hashes" in documents.column_names:
        return current_form("documents", documents)
    texts = documents.column("text").to_pylist()
    hashes = hashes_column([hash_words(normalised_words(t))[0] for t in texts])
    return documents.append_column("hashes", hashes)


def stage_shard(shard: tuple[Sequence[Document], Settings, Path]) -> tuple[StagedPart, int]:
    """Sketch one shard of documents and write its part files (uncommitted): a worker's job."""
    documents, settings, root = shard
    tables, words = part_tables(documents, settings)
    return stage_part(root, settings, tables), words


def add_documents(
    store: CorpusStore,
    documents: Sequence[Document],
    progress: Progress | None = None,
    *,
    engine: Engine | None = None,
) -> AddReport:
    """Add documents not yet in the store; documents already there (same id) are skipped.

    Parts are sketched in parallel (on ``engine``; by default local processes, one per
    core) and committed one at a time in order, so a crash keeps every part committed
    before it, and the same add run again adds the rest. Documents the store holds under
    another role are skipped too, and listed in ``conflicts``.
    """
    engine = engine or LocalEngine()
    with store.locked():
        known = KnownIds.of_store(store)
        keys = id_keys(d.id for d in documents)
        stored = known.contains(keys).tolist()
        conflicts = role_conflicts(documents, known.stored_roles(keys))
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
        if len(shards) > 1:
            log_partwise(f"{len(fresh)} document(s)", len(shards))
        try:
            for (chunk, _, _), (staged, words) in zip(
                shards, engine.map(stage_shard, shards), strict=True
            ):
                parts.append(store.commit(staged))
                total_words += words
                done += len(chunk)
                if progress is not None:
                    progress(done)
        except BaseException:
            log_interrupted(len(parts))
            raise
    return AddReport(
        len(fresh),
        len(documents) - len(fresh),
        total_words,
        tuple(parts),
        conflicts=tuple(conflicts),
    )
