"""A view of a corpus store without some documents: a batch is never matched against itself.

When a job scans submissions that are already stored (a nightly job added the drop folder,
an earlier run crashed after adding them, or ``--rescan``), their stored copies must not
become prior-post findings, nor count in the term frequencies: the view drops their rows
and subtracts their words, so the scan sees the corpus as it was before they were added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from overlap.model import Document
from overlap.sketch.documents import term_frequencies
from overlap.store.bands import bands_table, rows_of
from overlap.store.content_rows import ContentRows, content_table
from overlap.store.corpus import CorpusStore
from overlap.text.shingles import word_hashes
from overlap.text.tokens import normalised_words


class StoreWithout(CorpusStore):
    """Read-only view of ``store`` that leaves out the stored documents in ``ids``."""

    def __init__(self, store: CorpusStore, ids: set[str]) -> None:
        super().__init__(store.root, store.settings, store.manifest, store.lock_timeout)
        wanted = pa.array(sorted(ids), type=pa.string())
        left_out: set[str] = set()
        #: Each part's negative term counts: those of its left-out documents, so that a view
        #: of some parts (``only``, how term frequencies are read in shares) holds theirs only.
        self._negative: dict[str, pa.Table] = {}
        found = store.tables(
            "documents", lambda t: pc.is_in(t.column("id"), value_set=wanted), ["id", "text"]
        )
        for part, table in zip(store.parts, found if ids else [], strict=True):
            if not table.num_rows:
                continue
            left_out.update(table.column("id").to_pylist())
            texts = table.column("text").to_pylist()
            terms, df = term_frequencies([word_hashes(normalised_words(t)) for t in texts])
            self._negative[part] = pa.table(
                {"term": pa.array(terms, pa.uint64()), "df": pa.array(-df)}
            )
        self.left_out = frozenset(left_out)
        self._gone = pa.array(sorted(self.left_out), type=pa.string())

    def documents(self, ids: set[str] | None = None) -> list[Document]:
        """As :meth:`CorpusStore.documents`, less the left-out documents."""
        return super().documents(None if ids is None else ids - self.left_out)

    def band_keys(self, part: str, ids: list[str]) -> npt.NDArray[np.uint64]:
        """As :meth:`CorpusStore.band_keys`, less the keys of the left-out documents."""
        keys = super().band_keys(part, ids)
        gone = self._gone_rows(ids)
        return keys if gone is None else keys[~gone[rows_of(keys)]]

    def content_rows(self, part: str, ids: list[str]) -> ContentRows:
        """As :meth:`CorpusStore.content_rows`, less the rows of the left-out documents."""
        content = super().content_rows(part, ids)
        gone = self._gone_rows(ids)
        if gone is None:
            return content
        return content.subset(~gone[content.rows])

    def _gone_rows(self, ids: list[str]) -> npt.NDArray[np.bool_] | None:
        """Which of a part's documents (by row) are left out; None if none is."""
        gone = np.array([i in self.left_out for i in ids], dtype=np.bool_)
        return gone if gone.any() else None

    def tables(
        self,
        dataset: str,
        keep: Callable[[pa.Table], pa.Array] | None = None,
        columns: list[str] | None = None,
    ) -> Iterator[pa.Table]:
        """As :meth:`CorpusStore.tables`, less the left-out documents.

        Band and content keys come as parts are written now (:mod:`overlap.store.bands`,
        :mod:`overlap.store.content_rows`). Each part's term frequencies come with one more
        table, of its left-out documents' negative counts, so that summing ``df`` per term
        (how term frequencies are read, in shares of parts too) gives the counts without them.
        """
        if not self.left_out:
            yield from super().tables(dataset, keep, columns)
            return
        if dataset in ("bands", "content"):
            for part in self.parts:
                ids = self.part_ids(part)
                if dataset == "bands":
                    table = bands_table(self.band_keys(part, ids))
                else:
                    rows = self.content_rows(part, ids)
                    table = content_table(rows.keys, rows.rows, rows.pos)
                table = table if keep is None else table.filter(keep(table))
                yield table.select(columns) if columns else table
            return
        if dataset == "terms":
            for part, table in zip(self.parts, super().tables(dataset, keep, columns), strict=True):
                yield table
                extra = self._negative.get(part)
                if extra is not None:
                    extra = extra if keep is None else extra.filter(keep(extra))
                    yield extra.select(columns) if columns else extra
            return
        key = "id" if dataset == "documents" else "doc"
        wanted = None if columns is None or key in columns else [*columns, key]

        def dropping(table: pa.Table) -> pa.Array:
            ids = table.column(key).cast(pa.string())
            mask = pc.invert(pc.is_in(ids, value_set=self._gone))
            return mask if keep is None else pc.and_(mask, keep(table))

        for table in super().tables(dataset, dropping, wanted):
            yield table.select(columns) if columns else table
