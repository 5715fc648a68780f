"""A scan's batch of submissions, prepared once and shipped to every worker that needs it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from overlap.jobs.prepared import Prepared
from overlap.jobs.sketching import sketch_hashes
from overlap.model import Document
from overlap.settings import Settings
from overlap.sketch.lsh import KeySet


@dataclass(frozen=True)
class ScanBatch:
    """Submissions ready to match: tokens, excluded words, and their band keys, sorted.

    Attributes:
        texts: The submissions, in the order they were given.
        keys: Band keys of every window of every submission, sorted.
        docs: The submission (index into ``texts``) each key belongs to.
        settings: The store's settings the keys were made with.
    """

    texts: tuple[Prepared, ...]
    keys: npt.NDArray[np.uint64]
    docs: npt.NDArray[np.int64]
    settings: Settings

    def __getstate__(self) -> dict[str, object]:
        # The key set is rebuilt where it is used: shipping its bitmap would cost 16 MiB.
        return {k: v for k, v in self.__dict__.items() if k != "keyset"}

    @cached_property
    def keyset(self) -> KeySet:
        """The keys as a set, built on first use (once per worker that holds the batch)."""
        return KeySet(self.keys)


def prepare_batch(
    submissions: Sequence[Document], excludes: Sequence[Document], settings: Settings
) -> ScanBatch:
    """Tokenise the submissions, mark template words excluded, and band-key their windows."""
    texts = [Prepared.of(d) for d in submissions]
    templates = [Prepared.of(d) for d in excludes]
    for t in texts:
        t.exclude_templates(templates, settings)
    sketch = sketch_hashes([t.hashes for t in texts], settings)
    # Sorted once: searching sorted needles is several times faster than searching random ones.
    flat_keys = sketch.keys.reshape(-1)
    order = np.argsort(flat_keys, kind="stable")
    flat_docs = np.repeat(sketch.doc, settings.bands)[order]
    return ScanBatch(tuple(texts), flat_keys[order], flat_docs, settings)
