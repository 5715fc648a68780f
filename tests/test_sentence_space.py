"""A sentence space held dense gives the sparse one's numbers, bit for bit."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import overlap.align.paraphrase as paraphrase
from overlap.align import Mode, align
from overlap.align.paraphrase import SentenceSpace
from overlap.align.sentences import MAX_SENTENCE_WORDS, _cut_long, split_sentences
from overlap.settings import Settings
from overlap.text.tokens import tokenise


def text(rng: random.Random, words: list[str], sentences: int) -> str:
    """Sentences of 3 to 25 words, some words in every sentence (a term of ISF 0)."""
    out = []
    for _ in range(sentences):
        body = [rng.choice(words) for _ in range(rng.randint(3, 25))]
        out.append(" ".join(["the", *body]).capitalize() + rng.choice([".", "?", "!"]))
    return " ".join(out)


def spaces(a_text: str, b_text: str, monkeypatch: pytest.MonkeyPatch) -> list[SentenceSpace]:
    a, b = tokenise(a_text), tokenise(b_text)
    sa, sb = split_sentences(a_text, a), split_sentences(b_text, b)
    dense = SentenceSpace(a, sa, b, sb)
    with monkeypatch.context() as m:
        m.setattr(paraphrase, "DENSE_CELLS", 0)
        sparse = SentenceSpace(a, sa, b, sb)
    assert dense.dense and not sparse.dense
    return [dense, sparse]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 30), st.integers(1, 30), st.integers(3, 400))
def test_dense_and_sparse_spaces_agree_bit_for_bit(
    seed: int, na: int, nb: int, vocabulary: int
) -> None:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocabulary)]
    a_text, b_text = text(rng, words, na), text(rng, words, nb)
    with pytest.MonkeyPatch.context() as monkeypatch:
        dense, sparse = spaces(a_text, b_text, monkeypatch)
    for x, y in zip(dense.pairs(), sparse.pairs(), strict=True):
        assert np.array_equal(x, y)
    for _ in range(20):
        sa0 = rng.randrange(na)
        sb0 = rng.randrange(nb)
        sa1, sb1 = rng.randrange(sa0, na), rng.randrange(sb0, nb)
        assert dense.similarity(sa0, sa1, sb0, sb1) == sparse.similarity(sa0, sa1, sb0, sb1)


def test_large_texts_are_held_sparse() -> None:
    rng = random.Random(1)
    words = [f"w{i}" for i in range(3000)]
    a_text, b_text = text(rng, words, 400), text(rng, words, 400)
    a, b = tokenise(a_text), tokenise(b_text)
    space = SentenceSpace(a, split_sentences(a_text, a), b, split_sentences(b_text, b))
    assert not space.dense


@pytest.mark.parametrize("mode", [Mode.PARAPHRASE, Mode.SUMMARY])
def test_passages_do_not_depend_on_how_the_space_is_held(
    mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(4)
    words = [f"w{i}" for i in range(60)]
    source = text(rng, words, 30)
    # A reworded copy: the source's sentences with a word in three changed, among others.
    copied = " ".join(
        " ".join(w if rng.random() > 0.3 else rng.choice(words) for w in s.split())
        for s in source.split(". ")[5:15]
    )
    post = f"{text(rng, words, 6)} {copied} {text(rng, words, 6)}"
    s = Settings()
    a, b = tokenise(post), tokenise(source)
    dense = align(a, b, s, texts=(post, source), mode=mode)
    monkeypatch.setattr(paraphrase, "DENSE_CELLS", 0)
    sparse = align(a, b, s, texts=(post, source), mode=mode)
    assert dense == sparse
    assert dense  # the case finds something


def test_long_sentences_are_cut_where_even_float_steps_round_to() -> None:
    # The pieces numpy's linspace gives, rounded half to even, for every length of a
    # sentence cut into two to six pieces, at many starting tokens.
    for start in range(0, 2_000, 37):
        for length in range(MAX_SENTENCE_WORDS + 1, 6 * MAX_SENTENCE_WORDS + 1):
            end = start + length
            cut = _cut_long(np.array([start]), np.array([end]))
            pieces = -(-length // MAX_SENTENCE_WORDS)
            bounds = np.linspace(start, end, pieces + 1).round().astype(np.int64)
            assert cut.starts.tolist() == bounds[:-1].tolist()
            assert cut.ends.tolist() == bounds[1:].tolist()
            assert max(cut.ends - cut.starts) <= MAX_SENTENCE_WORDS
