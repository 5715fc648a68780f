"""The sources a semantic pass compares submissions with: every source the store holds."""

from __future__ import annotations

import pyarrow.compute as pc

from overlap.model import Document, Role
from overlap.scanning.prepared import Prepared
from overlap.scanning.restatements import SourceSentences, source_sentences
from overlap.semantic.encoder import Encoder
from overlap.store.corpus import CorpusStore
from overlap.store.schema import table_to_documents


def stored_sources(store: CorpusStore) -> list[Document]:
    """Every source document of the store (or view), in store order."""
    found: list[Document] = []
    for table in store.tables("documents", lambda t: pc.equal(t.column("role"), Role.SOURCE.value)):
        found.extend(table_to_documents(table))
    return found


def embedded_sources(store: CorpusStore, encoder: Encoder) -> list[SourceSentences]:
    """The store's sources with their sentences embedded.

    Sources are the readings of courses: tens to thousands of documents, whose sentences the
    encoder embeds at about 0.6 ms each on one core. Prior posts are not compared: a
    restatement is of a reading, and text shared with earlier posts is found by its words.
    """
    return [source_sentences(Prepared.of(d), encoder) for d in stored_sources(store)]
