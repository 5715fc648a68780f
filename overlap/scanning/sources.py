"""The sources a semantic pass compares submissions with: every source the store holds."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from overlap.model import Document, Role
from overlap.scanning.prepared import Prepared
from overlap.scanning.restatements import SourceSentences, source_sentences
from overlap.semantic.encoder import Encoder
from overlap.store.corpus import CorpusStore
from overlap.store.schema import table_to_documents


def _is_source(table: pa.Table) -> pa.Array:
    return pc.equal(table.column("role"), Role.SOURCE.value)


def parts_with_sources(store: CorpusStore) -> list[str]:
    """The parts of the store (or view) that hold a source, from their ``role`` column alone.

    A store of prior posts has hundreds of parts and no source in most: reading each part's
    roles costs a fraction of a millisecond, reading its texts several milliseconds.
    """
    return [
        part
        for part in store.parts
        if any(t.num_rows for t in store.only([part]).tables("documents", _is_source, ["role"]))
    ]


def stored_sources(store: CorpusStore) -> list[Document]:
    """Every source document of the store (or view), in store order."""
    found: list[Document] = []
    for table in store.only(parts_with_sources(store)).tables("documents", _is_source):
        found.extend(table_to_documents(table))
    return found


def embedded_sources(store: CorpusStore, encoder: Encoder) -> list[SourceSentences]:
    """The store's sources with their sentences embedded.

    Sources are the readings of courses: tens to thousands of documents, whose sentences the
    encoder embeds at about 0.6 ms each on one core. Prior posts are not compared: a
    restatement is of a reading, and text shared with earlier posts is found by its words.
    """
    return [source_sentences(Prepared.of(d), encoder) for d in stored_sources(store)]
