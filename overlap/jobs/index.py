"""Add documents to a corpus store: words, window band keys and term frequencies, in parts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from overlap.jobs.sketching import sketch_words, term_frequencies
from overlap.model import Document
from overlap.store.corpus import CorpusStore
from overlap.store.schema import documents_to_table
from overlap.text.tokens import normalised_words

#: Documents written per part file; bounds memory while adding large folders.
PART_SIZE = 5_000

Progress = Callable[[int], None]


@dataclass(frozen=True)
class AddReport:
    """What an add did."""

    added: int
    skipped: int
    words: int
    parts: tuple[str, ...]


def part_tables(
    documents: Sequence[Document], store: CorpusStore
) -> tuple[dict[str, pa.Table], int]:
    """Build the four dataset tables of one part; also return its word count."""
    settings = store.settings
    word_lists = [normalised_words(d.text) for d in documents]
    sketch = sketch_words(word_lists, settings)
    ids = np.array([d.id for d in documents], dtype=object)
    win_docs = ids[sketch.doc] if len(sketch.doc) else np.zeros(0, dtype=object)
    windows = pa.table(
        {
            "doc": pa.array(win_docs, type=pa.string()),
            "window": sketch.window,
            "first_word": sketch.first_word,
            "end_word": sketch.end_word,
        }
    )
    # One row per distinct (key, document): scans look documents up, not windows.
    flat_keys = sketch.keys.reshape(-1)
    flat_docs = np.repeat(sketch.doc, settings.bands)
    pairs = np.unique(np.stack([flat_keys, flat_docs.astype(np.uint64)], axis=1), axis=0)
    bands = pa.table(
        {
            "key": pa.array(pairs[:, 0], type=pa.uint64()),
            "doc": pa.array(ids[pairs[:, 1].astype(np.int64)], type=pa.string()),
        }
    )
    terms, df = term_frequencies(word_lists)
    words = [len(w) for w in word_lists]
    tables = {
        "documents": documents_to_table(list(documents), words),
        "windows": windows,
        "bands": bands,
        "terms": pa.table({"term": terms, "df": df}),
    }
    return tables, sum(words)


def add_documents(
    store: CorpusStore, documents: Sequence[Document], progress: Progress | None = None
) -> AddReport:
    """Add documents not yet in the store; documents already there (same id) are skipped."""
    with store.locked():
        known = store.document_ids()
        seen: set[str] = set()
        fresh = []
        for d in documents:
            if d.id not in known and d.id not in seen:
                seen.add(d.id)
                fresh.append(d)
        parts = []
        total_words = 0
        for i in range(0, len(fresh), PART_SIZE):
            chunk = fresh[i : i + PART_SIZE]
            tables, words = part_tables(chunk, store)
            parts.append(store.add_part(tables))
            total_words += words
            if progress is not None:
                progress(i + len(chunk))
    return AddReport(len(fresh), len(documents) - len(fresh), total_words, tuple(parts))
