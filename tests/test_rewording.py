"""The benchmarks' reworded-copy generator: deterministic, and at the rates it documents."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from rewording import FUNCTION_WORDS, RATES, Rates, Thesaurus, load_thesaurus, reword

NONE = Rates(reorder=0, synonym=0, delete=0, insert=0, swap=0)
TEXT = (
    "The large house stood on the hill, and the people walked quickly to the market; "
    "they were happy with the result. Then it rained and everyone went home."
).split()
SMALL = Thesaurus.from_text(
    "large,big,great,huge\nbig,large,great\ngreat,large,big\nhuge,large\n"
    "house,home,dwelling\nhome,house\ndwelling,house\nhill,mound\nmound,hill\nthe,a,an\n"
    "a,the\nan,the\nswift\n"
)


def distinct(n: int) -> list[str]:
    return [f"w{i}" for i in range(n)]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_same_seed_same_result_other_seed_other_result() -> None:
    runs = [reword(TEXT * 20, rng(seed), 0.8, thesaurus=SMALL) for seed in (7, 7, 8)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_strength_zero_keeps_the_text() -> None:
    assert reword(TEXT, rng(), 0.0, thesaurus=SMALL) == TEXT


@pytest.mark.parametrize("strength", [0.1, 0.5, 1.0])
def test_strength_above_zero_changes_the_text(strength: float) -> None:
    assert reword(TEXT * 10, rng(), strength, thesaurus=SMALL) != TEXT * 10


def test_input_is_not_changed() -> None:
    words = list(TEXT)
    reword(words, rng(), 1.0, thesaurus=SMALL)
    assert words == TEXT


@pytest.mark.parametrize("strength", [-0.1, 1.5, float("nan")])
def test_strength_outside_zero_to_one_is_refused(strength: float) -> None:
    with pytest.raises(ValueError, match="strength must be in"):
        reword(TEXT, rng(), strength, thesaurus=SMALL)


def test_bad_rate_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="rate swap must be in"):
        Rates(swap=1.5)


def test_deletions_at_the_documented_rate() -> None:
    words, strength = distinct(20_000), 0.5
    out = reword(words, rng(1), strength, rates=Rates(**{**vars(NONE), "delete": RATES.delete}))
    position = {w: i for i, w in enumerate(words)}
    assert all(position[a] < position[b] for a, b in pairwise(out))  # the rest, in order
    share = 1 - len(out) / len(words)
    assert share == pytest.approx(RATES.delete * strength, rel=0.1)


def test_insertions_at_the_documented_rate() -> None:
    words, strength = distinct(20_000), 0.5
    out = reword(words, rng(2), strength, rates=Rates(**{**vars(NONE), "insert": RATES.insert}))
    known = set(words)
    assert [w for w in out if w in known] == words
    share = (len(out) - len(words)) / len(words)
    assert share == pytest.approx(RATES.insert * strength, rel=0.1)


def test_swaps_at_the_documented_rate() -> None:
    words, strength = distinct(20_000), 0.5
    out = reword(words, rng(3), strength, rates=Rates(**{**vars(NONE), "swap": RATES.swap}))
    assert sorted(out) == sorted(words)
    swapped = sum(out[i] == words[i + 1] and out[i + 1] == words[i] for i in range(len(words) - 1))
    assert sum(a != b for a, b in zip(out, words, strict=True)) == 2 * swapped  # only neighbours
    p = RATES.swap * strength
    assert swapped / (len(words) - 1) == pytest.approx(p / (1 + p), rel=0.1)


def test_synonyms_from_the_thesaurus_at_the_documented_rate() -> None:
    words, strength = ["large", "house", "swift", "the"] * 5_000, 0.5
    out = reword(
        words,
        rng(4),
        strength,
        thesaurus=SMALL,
        rates=Rates(**{**vars(NONE), "synonym": RATES.synonym}),
    )
    changed = Counter(a for a, b in zip(words, out, strict=True) if a != b)
    assert changed["swift"] == 0  # in the thesaurus but no synonym listed both ways
    assert changed["the"] == 0  # a function word: never replaced
    for word in ("large", "house"):
        assert changed[word] / 5_000 == pytest.approx(RATES.synonym * strength, rel=0.1)
        replacements = {b for a, b in zip(words, out, strict=True) if a == word and b != a}
        assert replacements == set(SMALL.synonyms(word))
    assert set(SMALL.synonyms("huge")) == {"large"}  # "large" lists it, and it lists "large"


def test_synonyms_keep_capitals_and_punctuation() -> None:
    rates = Rates(**{**vars(NONE), "synonym": 1.0})
    out = reword(["Large", "house."], rng(), 1.0, thesaurus=SMALL, rates=rates)
    assert out[0] in {"Big", "Great", "Huge"} and out[1] in {"home.", "dwelling."}


def test_the_real_thesaurus_gives_close_synonyms() -> None:
    thesaurus = load_thesaurus()
    assert len(thesaurus) > 20_000
    assert "big" in thesaurus.synonyms("large") or "great" in thesaurus.synonyms("large")
    assert "swiftly" in thesaurus.synonyms("quickly")
    assert 0 < len(thesaurus.synonyms("house")) <= Thesaurus.closest
    rates = Rates(**{**vars(NONE), "synonym": 1.0})
    out = reword(["quickly"] * 50, rng(), 1.0, rates=rates)  # the default thesaurus
    assert set(out) <= set(thesaurus.synonyms("quickly")) and len(set(out)) > 1


def test_function_words_are_never_replaced() -> None:
    rates = Rates(**{**vars(NONE), "synonym": 1.0})
    words = list(FUNCTION_WORDS)
    assert reword(words, rng(), 1.0, rates=rates) == words


def test_clauses_rotate_within_their_sentence() -> None:
    rates = Rates(**{**vars(NONE), "reorder": 1.0})
    text = "First one here, second one there and third one. Next sentence stays put.".split()
    out = reword(text, rng(), 1.0, thesaurus=SMALL, rates=rates)
    assert out != text
    assert out[-4:] == ["Next", "sentence", "stays", "put."]  # one clause: nothing to rotate
    first = " ".join(out[:-4])
    assert first in {
        "Second one there, third one and first one here.",
        "Third one, first one here and second one there.",
    }


def test_reordering_keeps_the_words() -> None:
    rates = Rates(**{**vars(NONE), "reorder": 1.0})
    out = reword(TEXT, rng(5), 1.0, thesaurus=SMALL, rates=rates)
    normal = Counter(w.strip(",;.").lower() for w in TEXT)
    assert Counter(w.strip(",;.").lower() for w in out) == normal
    assert out[0][0].isupper() and out[-1].endswith(".")


def test_text_without_clauses_is_not_reordered() -> None:
    words = distinct(50)
    assert reword(words, rng(), 1.0, rates=Rates(**{**vars(NONE), "reorder": 1.0})) == words
