"""The sentence pass is skipped only where no sentence pair could seed it: nothing changes."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import overlap.align.passages as passages
import overlap.align.sentences as sentences_module
from overlap.align import Mode, align
from overlap.align.merge import sentences_could_seed
from overlap.align.paraphrase import SentenceSpace, sentence_seeds
from overlap.align.sentences import sentences_of
from overlap.settings import Settings
from overlap.text.tokens import tokenise

SETTINGS = Settings()


def text(rng: random.Random, words: list[str], sentences: int) -> str:
    """Sentences of 3 to 25 words; with inflected forms, so stems fold some words together."""
    out = []
    for _ in range(sentences):
        body = [
            rng.choice(words) + rng.choice(["", "", "s", "ing"]) for _ in range(rng.randint(3, 25))
        ]
        out.append(" ".join(["the", *body]).capitalize() + rng.choice([".", "?", "!"]))
    return " ".join(out)


def numpy_bars(a_text: str, b_text: str) -> tuple[bool, bool]:
    """Whether a pair passes both bars by the sentence space's own numbers; whether any
    pair's cosine lies so near the bar that rounding could tip it."""
    a, b = tokenise(a_text), tokenise(b_text)
    sa, sb = sentences_of(a_text, a), sentences_of(b_text, b)
    cos, dice = SentenceSpace(a, sa, b, sb).pairs()
    passes = (cos > SETTINGS.sentence_cosine) & (dice > SETTINGS.sentence_dice)
    near = np.abs(cos - SETTINGS.sentence_cosine) < 1e-8
    return bool(passes.any()), bool(near.any())


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 25), st.integers(1, 25), st.integers(4, 300))
def test_the_compiled_bars_agree_with_the_sentence_space(
    seed: int, na: int, nb: int, vocabulary: int
) -> None:
    rng = random.Random(seed)
    words = [f"w{i}x" for i in range(vocabulary)]
    a_text, b_text = text(rng, words, na), text(rng, words, nb)
    expected, near = numpy_bars(a_text, b_text)
    could = sentences_could_seed(tokenise(a_text), tokenise(b_text), (a_text, b_text), SETTINGS)
    if near:  # within the margin: the gate must let the pair through
        assert could
    else:
        assert could == expected


def test_no_seed_where_the_gate_says_none() -> None:
    rng = random.Random(7)
    closed = opened = 0
    for _ in range(300):
        words = [f"w{i}x" for i in range(rng.randint(5, 200))]
        a_text, b_text = text(rng, words, rng.randint(1, 15)), text(rng, words, rng.randint(1, 15))
        a, b = tokenise(a_text), tokenise(b_text)
        if sentences_could_seed(a, b, (a_text, b_text), SETTINGS):
            opened += 1
            continue
        closed += 1
        sa, sb = sentences_of(a_text, a), sentences_of(b_text, b)
        space = SentenceSpace(a, sa, b, sb)
        assert sentence_seeds(space, sa, sb, SETTINGS.sentence_cosine, SETTINGS.sentence_dice) == []
    assert closed > 30 and opened > 30  # both ways were tried


def test_a_copied_sentence_opens_the_gate() -> None:
    post = "My own view differs. The committee reviewed every archived budget report last spring."
    source = "Records show that the committee reviewed every archived budget report last spring."
    a, b = tokenise(post), tokenise(source)
    assert sentences_could_seed(a, b, (post, source), SETTINGS)
    assert not sentences_could_seed(a, tokenise(""), (post, ""), SETTINGS)


@pytest.mark.parametrize("mode", [Mode.PARAPHRASE, Mode.SUMMARY])
def test_passages_are_the_same_with_and_without_the_gate(
    mode: Mode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pairs sharing one short run of words (or none): the gate closes on many, and what
    the aligner returns is what the full sentence pass returns."""
    rng = random.Random(11)
    gated = 0
    for k in range(120):
        words = [f"w{i}x" for i in range(rng.randint(30, 400))]
        source = text(rng, words, rng.randint(3, 20))
        tokens = source.split()
        start = rng.randrange(max(1, len(tokens) - 12))
        run = " ".join(tokens[start : start + rng.randint(8, 14)]) if k % 4 else ""
        post = f"{text(rng, words, rng.randint(1, 8))} {run} {text(rng, words, rng.randint(1, 8))}"
        a, b = tokenise(post), tokenise(source)
        with monkeypatch.context() as m:
            m.setattr(passages, "sentences_could_seed", lambda *args: True)
            full = align(a, b, SETTINGS, texts=(post, source), mode=mode)
        if not sentences_could_seed(a, b, (post, source), SETTINGS):
            gated += 1
        assert align(a, b, SETTINGS, texts=(post, source), mode=mode) == full
    assert gated > 20


def test_stems_looked_up_are_the_stems_made(monkeypatch: pytest.MonkeyPatch) -> None:
    words = ["studies", "studied", "covid19", "running", "the", "studies", "a"]
    monkeypatch.setattr(sentences_module, "STEMS_KEPT", 3)
    sentences_module.STEMS.clear()
    looked = [sentences_module.STEMS[w] for w in words]
    assert looked == [sentences_module.stem(w) for w in words]
    assert len(sentences_module.STEMS) <= 3  # started again when full
