"""PAN evaluation with the pairs given: each listed pair aligned directly, no index (research).

This is not what ``scan`` does (``overlap.eval.pan_scan`` is): it measures the aligner alone,
in summary mode, on the pairs PAN lists.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from overlap.align import Mode, align
from overlap.engine.local import default_workers, map_shards
from overlap.eval.pan import (
    Pair,
    PanReport,
    Progress,
    Span,
    read_text,
    score_detections,
    select_pairs,
)
from overlap.settings import Settings
from overlap.text.tokens import Tokens, tokenise

#: Pairs per unit of work handed to a worker process.
SHARD_PAIRS = 24


def detect(
    susp_text: str, source_text: str, settings: Settings, susp_tokens: Tokens | None = None
) -> list[Span]:
    """Spans of ``susp_text`` taken from ``source_text``, on every kind of evidence.

    ``susp_tokens`` may be given to reuse the tokens of a suspicious document across pairs.
    """
    tokens = tokenise(susp_text) if susp_tokens is None else susp_tokens
    texts = (susp_text, source_text)
    passages = align(tokens, tokenise(source_text), settings, texts=texts, mode=Mode.SUMMARY)
    return [
        (p.start, p.end - p.start, p.other_start, p.other_end - p.other_start) for p in passages
    ]


@dataclass(frozen=True)
class _Shard:
    corpus: str
    settings: Settings
    pairs: tuple[Pair, ...]


def _align_shard(shard: _Shard) -> list[tuple[Pair, list[Span]]]:
    corpus = Path(shard.corpus)
    out = []
    for susp, group in groupby(shard.pairs, key=lambda p: p[0]):
        susp_text = read_text(corpus / "susp" / susp)
        tokens = tokenise(susp_text)
        for _, source in group:
            source_text = read_text(corpus / "src" / source)
            out.append(((susp, source), detect(susp_text, source_text, shard.settings, tokens)))
    return out


def evaluate_given_pairs(
    corpus: Path,
    out: Path,
    *,
    subsets: Sequence[str] = (),
    settings: Settings | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> PanReport:
    """Align each listed pair directly, skipping the index: research only, not what scan does.

    Args:
        corpus: A PAN text-alignment corpus folder (``src/``, ``susp/``, subset folders).
        out: Folder to write detections to; one sub-folder per subset.
        subsets: Subset folder names to evaluate; all of them by default.
        settings: Alignment settings; the defaults by default.
        workers: Worker processes; the available cores by default.
        progress: Called as ``progress("align", done, total)`` after each shard.

    Returns:
        Plagdet figures per subset and pooled, and the alignment wall time.
    """
    settings = settings or Settings()
    pairs = select_pairs(corpus, subsets, out)
    workers = workers or default_workers()
    started = time.perf_counter()
    ordered = sorted({pair for listed in pairs.values() for pair in listed})
    shards = [
        _Shard(str(corpus), settings, tuple(ordered[k : k + SHARD_PAIRS]))
        for k in range(0, len(ordered), SHARD_PAIRS)
    ]
    found: dict[Pair, list[Span]] = {}
    for results in map_shards(_align_shard, shards, workers):
        found.update(results)
        if progress:
            progress("align", len(found), len(ordered))
    seconds = round(time.perf_counter() - started, 1)
    rows, entire, listed, false, false_pairs = score_detections(corpus, out, pairs, found)
    return PanReport(
        "pairs-given",
        tuple(rows),
        entire,
        false,
        false_pairs,
        {"align": seconds},
        workers,
        listed=listed,
    )
