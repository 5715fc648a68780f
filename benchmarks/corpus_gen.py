"""Synthetic posts for the benchmarks: Zipfian words, and corpora with planted copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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


def write_corpus(root: Path, n_prior: int, n_week: int, words: int) -> dict[str, int]:
    """Write prior/NN/ and week/ folders of synthetic posts; return what was planted."""
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
            src = week[int(plan.integers(0, i))]
            at, pos = int(plan.integers(0, len(src) - 30)), int(plan.integers(0, len(ws) - 30))
            ws[pos : pos + 30] = src[at : at + 30]
            planted["from_peer"] += 1
    (root / "week").mkdir(parents=True)
    for i, ws in enumerate(week):
        (root / "week" / f"w{i:04d}.txt").write_text(" ".join(ws) + "\n", encoding="utf-8")
    return planted
