"""Merge runs into passages: chain nearby runs, drop short chains, settle overlaps in a."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

import numpy as np

from overlap.align.merge import chain_evidence, merge_evidence, sentences_could_seed
from overlap.align.seeds import Run, encode_known, find_runs
from overlap.model import Passage
from overlap.settings import Settings
from overlap.text.tokens import Tokens


class Mode(StrEnum):
    """What evidence the aligner looks at."""

    #: Runs of the same words, chained across a few changed or moved words: exact and edited
    #: copies.
    EXACT = "exact"
    #: Also sentences alike in their words, clustered into passages tight on both sides
    #: (reworded, reordered or translated text). For two texts that are both reported on.
    PARAPHRASE = "paraphrase"
    #: Also summaries: a short span of the first text taken from a long span of the second.
    #: Only for a source, whose side of a passage no one is scored on.
    SUMMARY = "summary"


class Chain(NamedTuple):
    """Runs in the same order on both sides, merged; token ranges, half-open.

    Attributes:
        a_start: First token in a.
        a_end: One past the last token in a.
        b_start: First token in b.
        b_end: One past the last token in b.
        matched: Tokens of a inside one of the chain's runs.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched: int

    @property
    def words(self) -> int:
        """Tokens of a the chain spans, gaps included."""
        return self.a_end - self.a_start


def chain_runs(runs: Sequence[Run], max_gap: int, min_words: int = 1) -> list[Chain]:
    """Merge runs that follow each other on both sides with at most ``max_gap`` words between.

    A run may follow another when it starts and ends later on both sides, and the words
    skipped between them are at most ``max_gap`` on each side; runs may overlap, which absorbs
    a repeated or dropped word. A dynamic programme over the runs (sorted by start in a)
    scores each run by the most words of a matched by a chain ending in it; chains are then
    read back from the best-scoring run down, each run used once.

    Args:
        runs: Matched token ranges, in any order.
        max_gap: Largest number of skipped words, on either side, between chained runs.
        min_words: Chains whose best score is below this are not read back (they could
            only be dropped later, and noise yields many of them).

    Returns:
        Chains, best first; each run is in at most one.
    """
    if max_gap < 0:
        raise ValueError(f"max_gap must be >= 0, got {max_gap}")
    if not runs:
        return []
    from overlap.align.chain_loops import chains

    rows = np.array(sorted(runs), dtype=np.int64).reshape(-1, 4)
    return [Chain(*c) for c in chains(rows, max_gap, min_words).tolist()]


def select_chains(chains: Sequence[Chain], min_words: int) -> list[Chain]:
    """Keep chains with at least ``min_words`` matched words that do not overlap in a.

    Where chains overlap in a (one stretch of a matching two places in b) the one with more
    matched words wins; ties go to the denser chain, then the earlier one in a, then in b.
    Overlaps in b are allowed.

    Returns:
        The kept chains, sorted by their start in a.
    """
    ranked = sorted(
        (c for c in chains if c.matched >= min_words),
        key=lambda c: (-c.matched, c.words, c.a_start, c.b_start),
    )
    starts: list[int] = []
    kept: list[Chain] = []  # disjoint in a, sorted by a_start (hence by a_end too)
    for c in ranked:
        at = bisect_right(starts, c.a_start)
        if at > 0 and kept[at - 1].a_end > c.a_start:
            continue
        if at < len(kept) and kept[at].a_start < c.a_end:
            continue
        starts.insert(at, c.a_start)
        kept.insert(at, c)
    return kept


def _verbatim(c: Chain) -> bool:
    return c.matched == c.a_end - c.a_start == c.b_end - c.b_start


def join_reordered(chains: Sequence[Chain], gap: int) -> list[Chain]:
    """Join chains (disjoint in a, sorted by start in a) that lie close on both sides.

    Two chains whose ranges are at most ``gap`` words apart in a and in b, in either order,
    are one edited copy whose clauses were moved or whose words were changed too densely for
    ``max_gap``: reported apart, each piece may fall under the shortest reported passage.
    Two verbatim chains stay apart: each quotation keeps its own marks and citation.
    """
    out: list[Chain] = []
    for c in chains:
        if out:
            p = out[-1]
            apart_b = max(c.b_start - p.b_end, p.b_start - c.b_end)
            near = c.a_start - p.a_end <= gap and apart_b <= gap
            if near and not (_verbatim(p) and _verbatim(c)):
                out[-1] = Chain(
                    p.a_start,
                    c.a_end,
                    min(p.b_start, c.b_start),
                    max(p.b_end, c.b_end),
                    p.matched + c.matched,
                )
                continue
        out.append(c)
    return out


def to_passage(chain: Chain, a: Tokens, b: Tokens) -> Passage:
    """Turn token ranges into character offsets of the original texts."""
    start, end = a.span(chain.a_start, chain.a_end - 1)
    other_start, other_end = b.span(chain.b_start, chain.b_end - 1)
    evidence = chain_evidence(chain.a_start, chain.a_end, chain.b_start, chain.b_end, chain.matched)
    return Passage(start, end, other_start, other_end, chain.words, chain.matched, evidence)


def align(
    a: Tokens,
    b: Tokens,
    settings: Settings,
    *,
    texts: tuple[str, str] | None = None,
    mode: Mode | None = None,
    only_if_copied: bool = False,
) -> list[Passage]:
    """Return the passages of ``a`` copied from ``b``, with what evidence each rests on.

    Shared ``settings.seed_words``-grams seed exact runs; runs in the same order on both sides
    with at most ``settings.max_gap`` words between them are merged, so a few changed,
    inserted or dropped words do not split a passage. Passages with fewer than
    ``settings.min_words`` matched words are dropped, and where two overlap in ``a`` the one
    with more matched words is kept. Passages at most ``settings.join_gap`` words apart on
    both sides, in either order, are joined into one (moved clauses), unless both are
    verbatim. Passages may overlap in ``b``. These passages are verified copies:
    ``Evidence.EXACT`` for one unbroken run, else ``Evidence.EDITED``.

    In ``Mode.PARAPHRASE`` and ``Mode.SUMMARY`` (which need ``texts``, to see sentences),
    sentence pairs alike by TF-ISF cosine and Dice seed passages together with the exact
    ones, and clusters of them become ``Evidence.PARAPHRASE`` passages (translated,
    reworded or shuffled text, and in ``Mode.SUMMARY`` summarised text), or
    ``Evidence.EDITED`` ones where runs of the same words make up most of them; see
    :func:`overlap.align.merge.merge_evidence`. Every exact passage is still reported (as
    is, or inside a passage that contains it).

    Args:
        a: Tokens of the text whose passages are reported.
        b: Tokens of the text they are compared with.
        settings: Supplies ``seed_words``, ``max_gap`` and ``min_words``, and with ``texts``
            the paraphrase settings.
        texts: The original texts ``a`` and ``b`` were tokenised from.
        mode: The evidence to use; ``Mode.EXACT`` without ``texts``, else ``Mode.SUMMARY``
            by default.
        only_if_copied: Look at sentences only where runs of the same words already show a
            copy (a passage of ``settings.min_words``); else return what the runs give.

    Returns:
        Passages with character offsets into both original texts, sorted by start in ``a``
        and disjoint in ``a``.
    """
    ids = encode_known(a.memo, "word ids", a.norms, b.norms, len(b.norms))
    runs = find_runs(a.norms, b.norms, settings.seed_words, ids=ids)
    chains = select_chains(
        chain_runs(runs, settings.max_gap, settings.min_words), settings.min_words
    )
    chains = join_reordered(chains, settings.join_gap)
    mode = mode or (Mode.EXACT if texts is None else Mode.SUMMARY)
    if mode is Mode.EXACT or (only_if_copied and not chains):
        return [to_passage(c, a, b) for c in chains]
    if texts is None:
        raise ValueError(f"aligning in mode {mode} needs the texts, to see sentences")
    if len(chains) <= 1 and not sentences_could_seed(a, b, texts, settings):
        # No sentence seed: one exact passage (or none) is all the sentence pass would see,
        # and it would return it as it is.
        return [to_passage(c, a, b) for c in chains]
    exact = {(c.a_start, c.a_end, c.b_start, c.b_end): c.matched for c in chains}
    return merge_evidence(a, b, texts, exact, settings, summaries=mode is Mode.SUMMARY)
