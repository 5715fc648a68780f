"""The pair screen never drops a pair the aligner would find a passage in."""

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import overlap.align.screen as screen_module
from overlap.align.passages import align
from overlap.align.screen import MAX_SEEDS, Grams, could_chain
from overlap.settings import Settings
from overlap.text.shingles import word_hashes
from overlap.text.tokens import normalised_words, tokenise

SETTINGS = Settings()


def screen(a_texts: list[str], b_texts: list[str], pairs: list[tuple[int, int]]) -> list[bool]:
    n = SETTINGS.seed_words

    def grams(texts: list[str]) -> Grams:
        return Grams([word_hashes(normalised_words(t)) for t in texts], n)

    mask = could_chain(
        grams(a_texts),
        grams(b_texts),
        np.array(pairs, dtype=np.int64).reshape(-1, 2),
        n=n,
        max_gap=SETTINGS.max_gap,
        min_words=SETTINGS.min_words,
    )
    return mask.tolist()


def found(a: str, b: str) -> bool:
    return bool(align(tokenise(a), tokenise(b), SETTINGS))


def noise(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def test_a_copy_is_kept_and_stock_phrases_far_apart_are_not() -> None:
    copy = "the reflection slowed the client down enough to hear her own reasons"
    a = f"alpha beta gamma {copy} delta epsilon"
    b = f"one two three four {copy} five six"
    stock = "as well as the"  # shared, but 4 words, twice, far apart
    c = f"{stock} w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 {stock} z1"
    d = f"{stock} q1 q2 q3 q4 q5 q6 q7 q8 q9 q10 q11 q12 q13 q14 q15 {stock}"
    assert screen([a, c], [b, d], [(0, 0), (1, 1), (0, 1), (1, 0)]) == [True, False, False, False]
    assert found(a, b) and not found(c, d)


def test_runs_chained_across_gaps_are_kept() -> None:
    # Three runs of three words, each a few words apart: a chain of nine matched words.
    a = "aa bb cc x1 x2 dd ee ff y1 y2 gg hh ii tail"
    b = "aa bb cc z1 dd ee ff z2 z3 z4 gg hh ii end"
    assert found(a, b)
    assert screen([a], [b], [(0, 0)]) == [True]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.integers(2, 12), st.integers(0, 60))
def test_never_drops_a_pair_with_a_passage(seed: int, vocabulary: int, copied: int) -> None:
    """Small vocabularies make many short shared runs; planted copies make real passages."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocabulary)] + [f"r{i}" for i in range(200)]
    shared = noise(rng, words, copied)
    a = f"{noise(rng, words, rng.randint(0, 80))} {shared} {noise(rng, words, rng.randint(0, 80))}"
    b = f"{noise(rng, words, rng.randint(0, 80))} {shared} {noise(rng, words, rng.randint(0, 80))}"
    if found(a, b):
        assert screen([a], [b], [(0, 0)]) == [True]


def stock_texts(rng: random.Random, count: int) -> list[str]:
    """Texts of 5 to 120 words, seven in ten of them one of three: many short shared runs."""
    common = [f"w{i}" for i in range(3)]
    rare = [f"r{i}" for i in range(400)]
    return [
        " ".join(
            rng.choice(common if rng.random() < 0.7 else rare) for _ in range(rng.randint(5, 120))
        )
        for _ in range(count)
    ]


def test_many_pairs_at_once_match_one_at_a_time() -> None:
    rng = random.Random(5)
    texts = stock_texts(rng, 30)
    pairs = [(i, j) for i in range(30) for j in range(30) if i != j]
    together = screen(texts, texts, pairs)
    alone = [screen([texts[i]], [texts[j]], [(0, 0)])[0] for i, j in pairs]
    assert together == alone
    for (i, j), kept in zip(pairs, together, strict=True):
        if found(texts[i], texts[j]):
            assert kept
    assert 0 < sum(together) < len(pairs)  # the case screens some pairs out, not all


@pytest.mark.parametrize("text", ["", "one", "one two", "one two three"])
def test_short_texts(text: str) -> None:
    long = "one two three four five six seven eight nine ten eleven"
    assert screen([text], [long], [(0, 0)]) == [found(text, long)]
    assert screen([], [], []) == []


def test_a_text_repeating_one_phrase_is_kept_unexpanded() -> None:
    n = int(MAX_SEEDS**0.5) + 10
    a = " ".join(["la"] * n)
    assert screen([a], [a], [(0, 0)]) == [True]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_normalised_words_are_the_tokens_norms(text: str) -> None:
    """The screen hashes normalised_words; the aligner compares tokenise's norms."""
    assert normalised_words(text) == list(tokenise(text).norms)


def test_runs_out_of_order_on_the_other_side_are_not_a_chain() -> None:
    a = "aa bb cc x1 dd ee ff x2 gg hh ii x3"
    b = "gg hh ii y1 dd ee ff y2 aa bb cc y3"
    assert not found(a, b)
    assert screen([a], [b], [(0, 0)]) == [False]


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.integers(1, 6), st.integers(2, 9))
def test_never_drops_a_pair_with_shuffled_pieces(seed: int, pieces: int, size: int) -> None:
    """Pieces of one text in another order, with small gaps: the links decide."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(8)] + [f"r{i}" for i in range(300)]
    parts = [noise(rng, words, size) for _ in range(pieces)]
    shuffled = parts[:]
    rng.shuffle(shuffled)
    gap = lambda: noise(rng, words, rng.randint(0, 5))  # noqa: E731
    a = " ".join(f"{p} {gap()}" for p in parts)
    b = " ".join(f"{p} {gap()}" for p in shuffled)
    if found(a, b):
        assert screen([a], [b], [(0, 0)]) == [True]


def test_wider_positions_keep_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside a text of more than 2**24 words keys keep fewer bits: only more seeds reach the
    word-by-word check, so the same pairs are kept (shown here with 34-bit keys)."""
    rng = random.Random(9)
    texts = stock_texts(rng, 20)
    pairs = [(i, j) for i in range(20) for j in range(20) if i != j]
    narrow = screen(texts, texts, pairs)
    monkeypatch.setattr(screen_module, "_POS_BITS", 30)
    assert screen(texts, texts, pairs) == narrow
    assert 0 < sum(narrow) < len(pairs)


def test_each_text_filter_holds_its_keys_and_rules_out_most_others() -> None:
    from overlap.align.screen_loops import filter_bit

    rng = np.random.default_rng(7)
    sizes = [0, 1, 5, 400, 3000]
    keys = rng.integers(0, 2**40, size=sum(sizes), dtype=np.uint64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    from overlap.align.screen_loops import key_tables

    _, _, filters, fstarts = key_tables(keys, offsets, 24)

    def held(t: int, key: np.uint64) -> bool:
        words = int(fstarts[t + 1] - fstarts[t])
        bit = int(filter_bit(key, words))
        return bool((int(filters[fstarts[t] + bit // 64]) >> (bit % 64)) & 1)

    for t in range(len(sizes)):
        assert all(held(t, k) for k in keys[offsets[t] : offsets[t + 1]])
    others = rng.integers(2**40, 2**41, size=2000, dtype=np.uint64) & np.uint64(2**40 - 1)
    for t in (3, 4):
        mine = set(keys[offsets[t] : offsets[t + 1]].tolist())
        let_through = sum(held(t, k) for k in others if int(k) not in mine)
        assert let_through < 0.1 * len(others)


def gram_keys(hashes: np.ndarray, n: int) -> np.ndarray:
    """The reference: a key for each run of ``n`` word hashes, by array operations."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            acc = acc * screen_module._MULT + hashes[k : k + count]
    return acc & screen_module._KEY_MASK


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=12), max_size=6),
    st.integers(1, 4),
)
def test_grams_hold_each_texts_own_n_gram_keys(texts: list[list[int]], n: int) -> None:
    hashes = [np.array(t, dtype=np.uint32) for t in texts]
    grams = Grams(hashes, n)
    for t, words in enumerate(hashes):
        mine = grams.keys[grams.offsets[t] : grams.offsets[t + 1]]
        assert mine.tolist() == gram_keys(words.astype(np.uint64), n).tolist()
        held = grams.words[grams.word_offsets[t] : grams.word_offsets[t + 1]]
        assert held.tolist() == words.astype(np.uint64).tolist()
    assert len(grams.keys) == grams.offsets[-1]
