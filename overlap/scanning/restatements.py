"""Restatements: submission sentences that say what a source sentence says, in other words.

The scan's other evidence rests on shared words; a restatement may share none. Here each
sentence of a submission that no other finding covers is embedded (after its in-text
citations and an ``According to X,`` lead-in are taken out: they name the source, they are
not what it says) and compared with every sentence of the candidate sources. A sentence whose
best match reaches ``Settings.semantic_threshold`` is a restatement of it; consecutive ones
restating one source are one passage. Classification then decides, as for any paraphrase
evidence, whether a citation nearby attributes it.

Sentences left out, each for a reason a reader would give: quotations (their marks already
attribute or accuse them), template and reference-list words, sentences of fewer than
``MIN_WORDS`` words, and sentences in the writer's own first-person voice ("I", "my", "we"),
which report experience or opinion rather than restate a reading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from overlap.align.sentences import STEMS
from overlap.attribution.citations import Citation
from overlap.attribution.classify import names_source, year_agrees
from overlap.attribution.sentences import Sentence, split_sentences
from overlap.model import Evidence, Passage
from overlap.scanning.prepared import Prepared
from overlap.semantic.encoder import Encoder, Vectors
from overlap.text.stopwords import STOPWORDS

_WORDS = re.compile(r"[^\W\d_]+")
#: Shorter sentences are greetings, headings and fragments.
MIN_WORDS = 6
#: A hedge that opens a restatement ("From what I understand, ...", "I think that ..."): it
#: says who believes the claim, not that the claim is the writer's own experience.
_HEDGE = re.compile(
    r"^\s*(?:from what I (?:understand|read|gather|learned)|as I understand it|"
    r"in my (?:view|opinion|understanding)|it seems to me(?: that)?|to me|"
    r"I (?:think|believe|feel|understand|learned|read|agree)(?: that)?)\s*,?\s*",
    re.I,
)
#: Words of the writer's own voice.
_OWN_VOICE = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|mine|myself|we|our|us)\b", re.I)
#: "According to Hale and Okonkwo," / "As Hale (2018) notes," at the start of a sentence.
_LEAD_IN = re.compile(
    r"^\s*(?:according to\b[^,.;:]{0,80}|as\b[^,.;:]{0,80}?\s(?:notes?|explains?|states?|"
    r"argues?|writes?|puts it|points out|suggests?|describes?|says))\s*,\s*",
    re.I,
)


@dataclass(frozen=True)
class SourceSentences:
    """The sentences of one candidate source, their vectors and their content stems."""

    source: Prepared
    sentences: tuple[Sentence, ...]
    vectors: Vectors
    stems: tuple[frozenset[str], ...]


def embedding_text(text: str, sentence: Sentence, cuts: Sequence[tuple[int, int]]) -> str:
    """The sentence with the character ranges ``cuts`` (its citations) and a lead-in removed."""
    pieces, at = [], sentence.start
    for start, end in sorted(cuts):
        if end <= at or start >= sentence.end:
            continue
        pieces.append(text[at : max(start, at)])
        at = max(at, end)
    pieces.append(text[at : sentence.end])
    plain = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", "".join(pieces))).strip()
    return _HEDGE.sub("", _LEAD_IN.sub("", plain, count=1), count=1)


def source_sentences(source: Prepared, encoder: Encoder) -> SourceSentences:
    """Embed every sentence of a source (its own citations left in: they are its words)."""
    text = source.doc.text
    sentences = tuple(
        s for s in split_sentences(text) if len(text[s.start : s.end].split()) >= MIN_WORDS
    )
    plain = [text[s.start : s.end] for s in sentences]
    stems = tuple(frozenset(content_stems(t)) for t in plain)
    return SourceSentences(source, sentences, encoder.encode(plain), stems)


def _candidates(sub: Prepared, covered: npt.NDArray[np.bool_]) -> list[tuple[int, Sentence]]:
    """The submission's sentences worth comparing, with their place among all its sentences.

    See the module's list of what is left out.
    """
    text, att = sub.doc.text, sub.attribution
    out = []
    for place, s in enumerate(att.sentences):
        a, b = sub.word_range(s.start, s.end)
        if b - a < MIN_WORDS:
            continue
        if covered[a:b].mean() >= 0.5 or sub.excluded[a:b].mean() >= 0.5:
            continue
        if att.quote_over(s.start, s.end) is not None:
            continue
        if _OWN_VOICE.search(_HEDGE.sub("", text[s.start : s.end].strip(), count=1)):
            continue
        out.append((place, s))
    return out


def restatements(
    sub: Prepared,
    sources: Sequence[SourceSentences],
    covered: npt.NDArray[np.bool_],
    encoder: Encoder,
    threshold: float,
) -> list[tuple[Prepared, Passage, float]]:
    """Passages of ``sub`` that restate a source sentence, with the source and the cosine.

    Args:
        sub: The submission.
        sources: Candidate sources, embedded.
        covered: The submission's words that other findings already hold.
        encoder: The encoder the sources were embedded with.
        threshold: Least cosine of a restatement.
    """
    pool = [s for s in sources if len(s.sentences)]
    if not pool:  # nothing to restate: the submission's sentences need not be looked at
        return []
    placed = _candidates(sub, covered)
    mine = [s for _, s in placed]
    if not mine:
        return []
    text = sub.doc.text
    cuts = [(c.group_start, c.group_end) for c in sub.attribution.citations]
    vectors = encoder.encode([embedding_text(text, s, cuts) for s in mine])
    matrix = np.concatenate([s.vectors for s in pool])
    owner = np.repeat(np.arange(len(pool)), [len(s.sentences) for s in pool])
    which = np.concatenate([np.arange(len(s.sentences)) for s in pool])
    scores = vectors @ matrix.T
    hits = []
    for k, s in enumerate(mine):
        row = scores[k]
        rings = sub.attribution.citations_near(s.start, s.end, inner=True)
        own, near = _named(rings[:1], pool), _named(rings[:3], pool)
        if near.any() and row[near[owner]].max() >= threshold:
            row = np.where(near[owner], row, -1.0)  # the writer says which source they used
        elif own.any():
            continue  # cited in itself, and not a restatement of what it cites: not judged
        words = content_stems(embedding_text(text, s, cuts))
        for j in np.argsort(-row).tolist():
            if row[j] < threshold:
                break
            if len(words & pool[int(owner[j])].stems[int(which[j])]) >= 2:
                hits.append((k, int(owner[j]), int(which[j]), float(row[j])))
                break
    return _passages(sub, placed, pool, hits)


def content_stems(text: str) -> set[str]:
    """Stems of the words of ``text`` that carry content (no stopwords, three letters or more).

    A restatement keeps a few of its source's content words (a term, a name, the thing it is
    about) even when it rewords the rest: every restatement of the paraphrase set keeps two
    or more. Sentences of an encoder's unknown words (codes, lists of names) can be close in
    its space while sharing nothing; two shared stems keep those out.
    """
    return {STEMS[w] for w in _WORDS.findall(text.lower()) if len(w) > 2 and w not in STOPWORDS}


def _named(
    rings: Sequence[Sequence[Citation]], pool: Sequence[SourceSentences]
) -> npt.NDArray[np.bool_]:
    """Which candidate sources a citation of ``rings`` names."""
    cited = [c for ring in rings for c in ring]
    return np.array(
        [
            any(names_source(c, s.source.doc) and year_agrees(c, s.source.doc) for c in cited)
            for s in pool
        ],
        dtype=np.bool_,
    )


def _passages(
    sub: Prepared,
    placed: list[tuple[int, Sentence]],
    pool: Sequence[SourceSentences],
    hits: list[tuple[int, int, int, float]],
) -> list[tuple[Prepared, Passage, float]]:
    """Join hits on sentences next to each other restating one source into passages."""
    mine = [s for _, s in placed]
    out: list[tuple[Prepared, Passage, float]] = []
    run: list[tuple[int, int, int, float]] = []
    for hit in [*hits, (-2, -1, -1, 0.0)]:
        last = run[-1] if run else None
        if last and (
            hit[0] != last[0] + 1
            or hit[1] != last[1]
            or placed[hit[0]][0] != placed[last[0]][0] + 1
        ):
            src = pool[run[0][1]]
            spans = [src.sentences[h[2]] for h in run]
            start, end = mine[run[0][0]].start, mine[run[-1][0]].end
            a, b = sub.word_range(start, end)
            passage = Passage(
                start,
                end,
                min(s.start for s in spans),
                max(s.end for s in spans),
                b - a,
                b - a,
                Evidence.PARAPHRASE,
            )
            out.append((src.source, passage, min(h[3] for h in run)))
            run = []
        if hit[0] >= 0:
            run.append(hit)
    return out
