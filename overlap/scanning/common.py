"""Common phrasing: passages that many submissions of one scan share.

Discussion boards are full of stock replies ("Thank you so much for sharing your experience
with us this week ..."). A passage that more than a set number (or share) of a scan's
submissions hold is not evidence that any two of them copied each other: it is reported
once per submission, as information, with how many submissions share it and which cluster
it belongs to, and it neither proposes nor supports a peer or prior-term finding.

A passage is found through its runs of ``COMMON_NGRAM`` words (normalised, as everywhere): a
run held by more submissions than the bar is common, and a submission's words that common
runs cover are its common phrasing. Runs that follow each other in some submission belong to
one cluster, named after the smallest of their hashes, so the same passage gets the same
cluster name in every scan that finds it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from overlap.errors import SettingsError
from overlap.settings import Settings
from overlap.sharing import UnionFind
from overlap.sketch.documents import summed_frequencies, term_frequencies

#: Words per run counted across submissions; shorter runs ("I agree with you that") are
#: shared by chance and too short to be reported anyway.
COMMON_NGRAM = 8
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

U64 = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CommonRun:
    """Words ``[start, stop)`` of one submission that are common phrasing.

    Attributes:
        start: First word.
        stop: Word after the last.
        cluster: Name of the passage the run belongs to, the same in every submission.
        shared_by: Submissions of the scan that hold some of the passage.
    """

    start: int
    stop: int
    cluster: str
    shared_by: int


def with_common_bar(settings: Settings, bar: str) -> Settings:
    """``settings`` with the common-phrasing bar written as ``N`` (submissions) or ``P%``.

    Raises:
        SettingsError: ``bar`` is neither a whole number of at least 1 nor a share in
            ``(0%, 100%]``.
    """
    written = bar.strip()
    try:
        if written.endswith("%"):
            share = float(written[:-1]) / 100
            if not (0 < share <= 1 and math.isfinite(share)):
                raise ValueError
            return replace(settings, common_share=share)
        posts = int(written)
        if posts < 1:
            raise ValueError
    except ValueError:
        raise SettingsError(
            f"common-phrase bar must be a number of submissions (e.g. 10) or a share of them "
            f"(e.g. 5%), got {bar!r}"
        ) from None
    return replace(settings, common_posts=posts, common_share=0.0)


def common_bar(settings: Settings, submissions: int) -> int:
    """Most submissions that may share a passage before it is common phrasing."""
    if settings.common_share > 0:
        return max(1, math.floor(settings.common_share * submissions))
    return settings.common_posts


def ngram_hashes(
    hashes: U64, usable: Mask, n: int = COMMON_NGRAM
) -> tuple[U64, npt.NDArray[np.int64]]:
    """Hashes of the runs of ``n`` words whose words are all usable, and where each starts."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    acc = np.zeros(count, dtype=np.uint64)
    for k in range(n):
        acc = acc * _MULTIPLIER + hashes[k : k + count]
    unusable = np.concatenate(([0], np.cumsum(~usable, dtype=np.int64)))
    whole = (unusable[n:] - unusable[:count]) == 0
    starts = np.flatnonzero(whole).astype(np.int64)
    return acc[whole], starts


def common_grams(
    counted: Sequence[tuple[U64, npt.NDArray[np.int64]]], bar: int, threads: int = 1
) -> U64:
    """The n-grams more than ``bar`` texts hold, from counts of disjoint sets of texts.

    Each count is :func:`~overlap.sketch.documents.term_frequencies` of a set's n-grams;
    they are added up on ``threads`` threads.
    """
    values, held = summed_frequencies(counted, threads)
    return values[held > bar]


def common_runs(
    hashes: Sequence[U64], usable: Sequence[Mask], bar: int, n: int = COMMON_NGRAM
) -> list[list[CommonRun]]:
    """The common phrasing of each submission, as runs of words in text order.

    Args:
        hashes: Word hashes of each submission.
        usable: Words of each submission that may count (not template or reference words).
        bar: A run of ``n`` words that more than this many submissions hold is common.
        n: Words per run.
    """
    grams = [ngram_hashes(h, u, n) for h, u in zip(hashes, usable, strict=True)]
    common = common_grams([term_frequencies([g for g, _ in grams])], bar)
    return runs_of(grams, common, n)


def runs_of(
    grams: Sequence[tuple[U64, npt.NDArray[np.int64]]], common: U64, n: int = COMMON_NGRAM
) -> list[list[CommonRun]]:
    """The common phrasing of each text, from its :func:`ngram_hashes` and the common n-grams.

    Args:
        grams: Each text's n-gram hashes and where each starts.
        common: The n-grams that are common phrasing, sorted.
        n: Words per n-gram.
    """
    if not len(common):
        return [[] for _ in grams]
    clusters: UnionFind[int] = UnionFind()
    per_text: list[tuple[npt.NDArray[np.int64], U64]] = []
    for g, starts in grams:
        is_common = np.isin(g, common)
        at, keys = starts[is_common], g[is_common]
        for k in range(1, len(at)):
            if at[k] <= at[k - 1] + n:  # overlapping or touching runs: one passage
                clusters.union(int(keys[k - 1]), int(keys[k]))
        per_text.append((at, keys))
    members: dict[int, set[int]] = {}
    for text, (_, keys) in enumerate(per_text):
        for key in set(keys.tolist()):
            members.setdefault(clusters.root(key), set()).add(text)
    out: list[list[CommonRun]] = []
    for at, keys in per_text:
        runs: list[CommonRun] = []
        k = 0
        while k < len(at):
            j = k
            while j + 1 < len(at) and at[j + 1] <= at[j] + n:
                j += 1
            root = clusters.root(int(keys[k]))
            runs.append(CommonRun(int(at[k]), int(at[j]) + n, f"{root:016x}", len(members[root])))
            k = j + 1
        out.append(runs)
    return out
