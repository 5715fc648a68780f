"""Synthetic posts for the benchmarks: Zipfian words, English-like sentences, planted copies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from rewording import FUNCTION_WORDS, Thesaurus, reword

VOCABULARY = 20_000
CHUNK = 5_000  # posts generated at a time: memory stays small whatever the corpus size


def vocabulary(rng: np.random.Generator) -> np.ndarray:
    """A fixed vocabulary of random lower-case words, 2 to 10 letters long."""
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lengths = rng.integers(2, 11, VOCABULARY)
    return np.array(["".join(rng.choice(letters, n)) for n in lengths])


def zipf_posts(rng: np.random.Generator, vocab: np.ndarray, n: int, words: int) -> list[list[str]]:
    """``n`` posts of ``words`` words drawn from ``vocab`` with Zipf frequencies."""
    # Zipf word frequencies, as in prose: common shingles recur across posts, so LSH proposes
    # unrelated pairs at a realistic rate.
    picks = (rng.zipf(1.2, (n, words)) - 1) % VOCABULARY
    return [row.tolist() for row in vocab[picks]]


def write_corpus(
    root: Path,
    n_prior: int,
    n_week: int,
    words: int,
    *,
    record: dict[str, dict[int, int]] | None = None,
) -> dict[str, int]:
    """Write prior/NN/ and week/ folders of synthetic posts; return what was planted.

    With ``record``, also fill in which week post copies which: ``record["from_prior"]``
    maps a week post's number to the prior post's, ``record["from_peer"]`` to the earlier
    week post's (the generated posts are the same with or without it).
    """
    rng = np.random.default_rng(11)
    vocab = vocabulary(rng)
    plan = np.random.default_rng(7)
    rolls = plan.random(n_week)
    copied = {i: int(plan.integers(0, n_prior)) for i in range(n_week) if rolls[i] < 0.3}
    wanted = set(copied.values())
    kept: dict[int, list[str]] = {}
    for start in range(0, n_prior, CHUNK):
        for k, ws in enumerate(zipf_posts(rng, vocab, min(CHUNK, n_prior - start), words)):
            i = start + k
            if i in wanted:
                kept[i] = ws
            folder = root / "prior" / f"{i // 10_000:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"p{i:06d}.txt").write_text(" ".join(ws) + "\n", encoding="utf-8")
    week = zipf_posts(rng, vocab, n_week, words)
    planted = {"from_prior": 0, "from_peer": 0}
    for i, ws in enumerate(week):
        if i in copied:  # a 40-word passage of a prior post
            src = kept[copied[i]]
            at, pos = int(plan.integers(0, len(src) - 40)), int(plan.integers(0, len(ws) - 40))
            ws[pos : pos + 40] = src[at : at + 40]
            planted["from_prior"] += 1
        elif rolls[i] < 0.4 and i > 0:  # a 30-word passage of an earlier post of the week
            j = int(plan.integers(0, i))
            src = week[j]
            at, pos = int(plan.integers(0, len(src) - 30)), int(plan.integers(0, len(ws) - 30))
            ws[pos : pos + 30] = src[at : at + 30]
            planted["from_peer"] += 1
            if record is not None:
                record.setdefault("from_peer", {})[i] = j
    if record is not None:
        record["from_prior"] = dict(copied)
    (root / "week").mkdir(parents=True)
    for i, ws in enumerate(week):
        (root / "week" / f"w{i:04d}.txt").write_text(" ".join(ws) + "\n", encoding="utf-8")
    return planted


def prior_path(root: Path, i: int) -> Path:
    """Where :func:`write_corpus` wrote prior post ``i``."""
    return root / "prior" / f"{i // 10_000:02d}" / f"p{i:06d}.txt"


def punctuate(words: list[str], rng: np.random.Generator) -> list[str]:
    """``words`` with a comma after every 6 to 12 words, so that they have clauses to reorder.

    Punctuation is not part of a word's comparison form, so the passage still copies the
    same words.
    """
    out = list(words)
    at = int(rng.integers(6, 13))
    while at < len(out) - 3:
        out[at - 1] += ","
        at += int(rng.integers(6, 13))
    return out


def write_reworded(
    root: Path,
    n_prior: int,
    n_posts: int,
    words: int,
    strengths: Sequence[float],
    *,
    passage: int = 40,
    thesaurus: Thesaurus | None = None,
) -> list[dict[str, object]]:
    """Write ``n_posts`` more week posts, ``week/r0000.txt`` on, each with a reworded passage.

    Each post is Zipfian words (the vocabulary of :func:`write_corpus`, which must have
    written ``root`` with ``n_prior`` prior posts) with ``passage`` words of a random prior
    post, given clauses by :func:`punctuate` and run through
    :func:`rewording.reword` at the strengths in turn. Zipfian words have no synonyms, so
    only reordering, deletions, insertions (of the vocabulary's most frequent words) and
    swaps apply. Returns, per post, its file name, the prior post's file name, the strength
    and the reworded passage's ``[start, end)`` in the post's text.
    """
    rng = np.random.default_rng(11)
    vocab = vocabulary(rng)
    plan = np.random.default_rng(29)
    fillers = vocab[:30].tolist()
    planted: list[dict[str, object]] = []
    for k, ws in enumerate(zipf_posts(plan, vocab, n_posts, words)):
        src_i = int(plan.integers(0, n_prior))
        src = prior_path(root, src_i).read_text(encoding="utf-8").split()
        at = int(plan.integers(0, len(src) - passage))
        strength = float(strengths[k % len(strengths)])
        copy = reword(
            punctuate(src[at : at + passage], plan),
            plan,
            strength,
            thesaurus=thesaurus,
            fillers=fillers,
        )
        pos = int(plan.integers(0, len(ws) - passage))
        before, after = " ".join(ws[:pos]), " ".join(ws[pos + passage :])
        start = len(before) + 1 if before else 0
        text = " ".join(part for part in (before, " ".join(copy), after) if part)
        name = f"r{k:04d}.txt"
        (root / "week" / name).write_text(text + "\n", encoding="utf-8")
        planted.append(
            {
                "post": name,
                "prior": prior_path(root, src_i).name,
                "strength": strength,
                "start": start,
                "end": start + len(" ".join(copy)),
            }
        )
    return planted


def english_vocabulary(thesaurus: Thesaurus, size: int = 5_000) -> list[str]:
    """``size`` content words for English-like text: the thesaurus's head words of 3 letters
    or more with the longest entries (common words have many senses), most common first."""
    function = set(FUNCTION_WORDS)
    words = (w for w in thesaurus.by_breadth() if len(w) >= 3 and w not in function)
    return [w for w, _ in zip(words, range(size), strict=False)]


def _zipf(n: int) -> np.ndarray:
    """Zipf-Mandelbrot probabilities of ranks 0..n-1, as word frequencies in English run."""
    weights = 1.0 / (np.arange(n) + 2.7)
    probabilities: np.ndarray = weights / weights.sum()
    return probabilities


def english_sentences(
    rng: np.random.Generator, vocab: Sequence[str], lengths: Sequence[int]
) -> list[list[str]]:
    """One sentence per length: English function words (45% of the words) and ``vocab``'s
    content words, both with Zipf frequencies; a comma after 7% of the words, a capital at
    the start and a full stop at the end."""
    content, function = np.asarray(vocab), np.asarray(FUNCTION_WORDS)
    p_content, p_function = _zipf(len(content)), _zipf(len(function))
    out = []
    for n in lengths:
        is_function = rng.random(n) < 0.45
        words = np.where(
            is_function,
            function[rng.choice(len(function), n, p=p_function)],
            content[rng.choice(len(content), n, p=p_content)],
        ).tolist()
        for i in np.flatnonzero(rng.random(n - 1) < 0.07):
            words[i] += ","
        words[0] = words[0][:1].upper() + words[0][1:]
        words[-1] += "."
        out.append(words)
    return out
