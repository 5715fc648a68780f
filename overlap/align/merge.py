"""Merge exact and paraphrase evidence into passages: cluster, validate, summaries, overlaps.

The steps follow the seed-extend-filter design of Sanchez-Perez et al. (PAN 2014), in our
own terms. Seeds are sentence pairs alike by TF-ISF cosine and Dice that are each other's best
match, plus the exact passages; a sentence seed is narrowed to an exact run inside it where
the run marks the copy's edge. Seeds are clustered where few sentences separate them on both
sides, and a cluster whose two sides are not alike enough as a whole is clustered again with
smaller gaps (the gaps adapt to the evidence). A summary is a short span of the first text
taken from a long span of the second: clusters whose second side grows to several times their
first side when gaps there may be wide replace the pieces they cover. Paraphrase passages
that are short or rest on one weak sentence pair are dropped as ambiguous. Where passages
overlap in the first text, those holding an exact passage go first, then the more alike,
then the longer; no exact passage is lost (each is reported or overlaps a reported passage).
"""

from __future__ import annotations

from collections.abc import Sequence

from overlap.align.paraphrase import (
    Fragment,
    SentenceSpace,
    Skew,
    extend,
    fragment_of,
    run_seeds,
    sentence_seeds,
    trim_to_runs,
)
from overlap.align.seeds import encode_kept
from overlap.align.sentences import STEMS, sentences_of, stems_of
from overlap.model import Evidence, Passage
from overlap.settings import Settings
from overlap.text.stopwords import STOPWORDS
from overlap.text.tokens import Tokens

#: Token ranges ``(a_start, a_end, b_start, b_end)`` of an exact passage.
Range = tuple[int, int, int, int]


def chain_evidence(a_start: int, a_end: int, b_start: int, b_end: int, matched: int) -> Evidence:
    """``EXACT`` for one unbroken run of the same words, ``EDITED`` for runs chained over gaps."""
    verbatim = matched == a_end - a_start == b_end - b_start
    return Evidence.EXACT if verbatim else Evidence.EDITED


def _overlap_a(f: Fragment, g: Fragment) -> bool:
    return f.a_start < g.a_end and g.a_start < f.a_end


def _with_summaries(
    fragments: list[Fragment], wide: Sequence[Fragment], ratio: float
) -> list[Fragment]:
    """Replace the fragments a summary covers in the first text by the summary."""
    for s in wide:
        if s.seeds > 1 and s.b_end - s.b_start >= ratio * (s.a_end - s.a_start):
            fragments = [f for f in fragments if not _overlap_a(f, s)]
            fragments.append(s)
    return fragments


def _key(f: Fragment) -> Range:
    return (f.a_start, f.a_end, f.b_start, f.b_end)


def _confident(f: Fragment, exact: dict[Range, int], settings: Settings) -> bool:
    """Exact passages stand on their own; paraphrase ones need length and clear evidence."""
    if _key(f) in exact:
        return True
    if f.a_end - f.a_start < settings.min_paraphrase_words:
        return False
    return f.seeds > 1 or f.similarity >= settings.single_sentence_similarity


def resolve(fragments: Sequence[Fragment], exact: dict[Range, int]) -> list[Fragment]:
    """Keep fragments disjoint in the first text.

    Fragments that are or contain an exact passage go first, so a verified copy is never
    lost to a paraphrase passage that merely overlaps it; then the more alike, then the
    longer fragment wins.
    """

    def holds_exact(f: Fragment) -> bool:
        return any(
            f.a_start <= a0 and a1 <= f.a_end and f.b_start <= b0 and b1 <= f.b_end
            for a0, a1, b0, b1 in exact
        )

    ranked = sorted(
        fragments,
        key=lambda f: (
            not holds_exact(f),
            _key(f) in exact,  # a cluster around an exact passage before the bare passage
            -f.similarity,
            -(f.a_end - f.a_start),
            f.a_start,
            f.b_start,
        ),
    )
    kept: list[Fragment] = []
    for f in ranked:
        if not any(_overlap_a(f, g) for g in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: (f.a_start, f.b_start))


def _shared_edges(mine: list[str], theirs: set[str]) -> tuple[int, int]:
    """First and one-past-last content word of ``mine`` whose stem is in ``theirs``."""
    hits = [k for k, w in enumerate(mine) if w not in STOPWORDS and STEMS[w] in theirs]
    return (hits[0], hits[-1] + 1) if hits else (0, 0)


def tighten(f: Fragment, a: Tokens, b: Tokens, exact: dict[Range, int]) -> Range:
    """A paraphrase fragment's token ranges without edge words the other side lacks.

    Sentence evidence spans whole sentences; a lead-in ("As Lindqvist (2019) notes,") or a
    writer's own clause at either end shares no content word with the other side and is
    not part of what was taken. Exact passages inside the fragment are never cut.
    """
    mine, theirs = list(a.norms[f.a_start : f.a_end]), list(b.norms[f.b_start : f.b_end])
    a0, a1 = _shared_edges(mine, {STEMS[w] for w in theirs})
    b0, b1 = _shared_edges(theirs, {STEMS[w] for w in mine[a0:a1]})
    if a0 >= a1 or b0 >= b1:
        return _key(f)
    r = [f.a_start + a0, f.a_start + a1, f.b_start + b0, f.b_start + b1]
    for e in exact:
        if f.a_start <= e[0] and e[1] <= f.a_end and f.b_start <= e[2] and e[3] <= f.b_end:
            r = [min(r[0], e[0]), max(r[1], e[1]), min(r[2], e[2]), max(r[3], e[3])]
    return r[0], r[1], r[2], r[3]


def _copied(r: Range, exact: dict[Range, int]) -> int:
    """Words of the first side of ``r`` inside exact passages."""
    return sum(
        max(0, min(r[1], e[1]) - max(r[0], e[0])) * m // max(e[1] - e[0], 1)
        for e, m in exact.items()
    )


def join_touching(fragments: list[Fragment], exact: dict[Range, int]) -> list[Fragment]:
    """Join fragments (sorted, disjoint in the first text) that touch there: one passage.

    Sentences of a summary that follow each other with no word between them were taken
    together, even where the source sentences they condense lie apart; reported apart, one
    summarised passage would count as several. Two exact passages stay apart: each verbatim
    copy keeps its own quotation marks and citation.
    """
    out: list[Fragment] = []
    for f in fragments:
        both_exact = out and _key(out[-1]) in exact and _key(f) in exact
        if out and f.a_start <= out[-1].a_end and not both_exact:
            p = out[-1]
            out[-1] = Fragment(
                p.a_start,
                f.a_end,
                min(p.b_start, f.b_start),
                max(p.b_end, f.b_end),
                min(p.similarity, f.similarity),
                p.seeds + f.seeds,
                exact=False,
            )
        else:
            out.append(f)
    return out


def _passage(f: Fragment, a: Tokens, b: Tokens, exact: dict[Range, int]) -> Passage:
    r = _key(f) if _key(f) in exact else tighten(f, a, b, exact)
    if r in exact:  # the fragment is, or was trimmed down to, one exact passage
        matched = exact[r]
        evidence = chain_evidence(*r, matched)
    else:
        theirs = {STEMS[w] for w in b.norms[r[2] : r[3]]}
        matched = sum(STEMS[w] in theirs for w in a.norms[r[0] : r[1]])
        # Mostly runs of the same words: an edited copy, whatever else the sentences added.
        copied = 2 * _copied(r, exact) >= r[1] - r[0]
        evidence = Evidence.EDITED if copied else Evidence.PARAPHRASE
    start, end = a.span(r[0], r[1] - 1)
    other_start, other_end = b.span(r[2], r[3] - 1)
    return Passage(start, end, other_start, other_end, r[1] - r[0], matched, evidence)


def sentences_could_seed(a: Tokens, b: Tokens, texts: tuple[str, str], settings: Settings) -> bool:
    """Whether any sentence pair of ``a`` and ``b`` may be alike enough to seed a passage.

    False means :func:`overlap.align.paraphrase.sentence_seeds` finds none: the cosine and
    Dice of every pair are computed as the sentence space computes them (Dice exactly, the
    cosine up to rounding, with a margin for it), in one compiled pass that costs far less
    than the space itself. Then the sentence pass has only the exact passages to work with.
    """
    if not len(a) or not len(b):
        return False
    from overlap.align.sentence_loops import could_seed

    sa, sb = sentences_of(texts[0], a), sentences_of(texts[1], b)
    stems = map(STEMS.__getitem__, b.norms)
    a_ids, b_ids = encode_kept(a.memo, "stem ids", stems_of(a), stems, len(b.norms))
    return bool(
        could_seed(
            a_ids,
            sa.of_tokens(),
            b_ids,
            sb.of_tokens(),
            len(sa),
            len(sb),
            settings.sentence_cosine,
            settings.sentence_dice,
        )
    )


def merge_evidence(
    a: Tokens,
    b: Tokens,
    texts: tuple[str, str],
    exact: dict[Range, int],
    settings: Settings,
    *,
    summaries: bool = True,
) -> list[Passage]:
    """Passages of ``a`` taken from ``b`` on exact and on paraphrase evidence.

    Args:
        a: Tokens of the text whose passages are reported.
        b: Tokens of the text they are compared with.
        texts: The original texts of ``a`` and ``b``; their punctuation marks the sentences.
        exact: Exact passages as token ranges, with their matched words.
        summaries: Also look for summaries (a short span of ``a`` from a long one of ``b``).
        settings: Supplies the ``sentence_*``, ``passage_similarity``, ``summary_*``,
            ``min_paraphrase_words`` and ``single_sentence_similarity`` values.

    Returns:
        Passages disjoint in ``a``, sorted by start in ``a``; a passage that is one exact
        passage keeps ``Evidence.EXACT``, any other is ``Evidence.PARAPHRASE``.
    """
    if not len(a) or not len(b):
        return []
    sa, sb = sentences_of(texts[0], a), sentences_of(texts[1], b)
    space = SentenceSpace(a, sa, b, sb)
    runs = run_seeds(list(exact), sa, sb)
    seeds = sentence_seeds(space, sa, sb, settings.sentence_cosine, settings.sentence_dice)
    seeds = trim_to_runs(seeds, runs) + runs
    gap, least = settings.sentence_gap, settings.passage_similarity
    # Only the first text's side is reported where summaries are looked for (a source's side
    # may skip sentences freely); otherwise both sides are and both must be tight.
    skew = Skew(settings.sentence_skew, both=not summaries)
    fragments = extend(seeds, space, gap, gap, least, skew)
    if summaries:
        wide = extend(seeds, space, gap, settings.summary_gap, least)
        fragments = _with_summaries(fragments, wide, settings.summary_ratio)
    candidates = [f for f in fragments if _confident(f, exact, settings)]
    candidates += [fragment_of([r], space) for r in runs]
    kept = resolve(candidates, exact)
    if summaries:
        kept = join_touching(kept, exact)
    return [_passage(f, a, b, exact) for f in kept]
