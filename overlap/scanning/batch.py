"""A scan's batch of submissions, prepared once and shipped to every worker that needs it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from overlap.align.screen import Grams
from overlap.model import Document
from overlap.scanning.common import CommonRun, common_bar, common_runs
from overlap.scanning.prepared import Prepared
from overlap.settings import Settings
from overlap.sketch.content import content_hashes
from overlap.sketch.documents import sketch_content, sketch_hashes
from overlap.sketch.lsh import KeySet


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

    def __getstate__(self) -> dict[str, object]:
        # Key sets are rebuilt where they are used: shipping their bitmaps would cost 16 MiB.
        rebuilt = ("keyset", "content_keyset", "grams")
        return {k: v for k, v in self.__dict__.items() if k not in rebuilt}

    @cached_property
    def grams(self) -> Grams:
        """The seed n-gram keys of every submission, for screening pairs before alignment."""
        n = self.settings.seed_words
        return Grams([t.hashes for t in self.texts], n)

    @cached_property
    def keyset(self) -> KeySet:
        """The band keys as a set, built on first use (once per worker that holds the batch)."""
        return KeySet(self.keys)

    @cached_property
    def content_keyset(self) -> KeySet:
        """The content keys as a set, built on first use."""
        return KeySet(self.content_keys)


def prepare_batch(
    submissions: Sequence[Document], excludes: Sequence[Document], settings: Settings
) -> ScanBatch:
    """Tokenise the submissions, mark template words excluded and common phrasing, key them."""
    texts = [Prepared.of(d) for d in submissions]
    templates = [Prepared.of(d) for d in excludes]
    for t in texts:
        t.exclude_templates(templates, settings)
    bar = common_bar(settings, len(texts))
    runs = common_runs([t.hashes for t in texts], [~t.excluded for t in texts], bar)
    for t, found in zip(texts, runs, strict=True):
        for run in found:
            t.common[run.start : run.stop] = True
    sketch = sketch_hashes([t.hashes for t in texts], settings)
    # Sorted once: searching sorted needles is several times faster than searching random ones.
    flat_keys = sketch.keys.reshape(-1)
    order = np.argsort(flat_keys, kind="stable")
    flat_docs = np.repeat(sketch.doc, settings.bands)[order]
    content = sketch_content([content_hashes(t.tokens.norms) for t in texts], settings)
    by_key = np.argsort(content.keys, kind="stable")
    return ScanBatch(
        tuple(texts),
        flat_keys[order],
        flat_docs,
        content.keys[by_key],
        content.doc[by_key],
        content.pos[by_key],
        settings,
        tuple(tuple(r) for r in runs),
        bar,
    )
