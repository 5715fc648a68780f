"""Throughput of tokenise, hash, shingle and MinHash signatures against datasketch's update loop."""

from __future__ import annotations

import time

import numpy as np
from corpus_gen import vocabulary, zipf_posts
from datasketch import MinHash

from overlap.settings import Settings
from overlap.sketch import band_keys, batch_signatures
from overlap.text.shingles import (
    shingle_hashes,
    window_shingle_ranges,
    word_hashes,
)
from overlap.text.tokens import normalised_words

BATCH = 1_000  # documents per batch_signatures call, like one Arrow record batch


def synthetic_documents(n_docs: int, words: int, seed: int = 20240601) -> list[str]:
    """Documents of ``words`` Zipf-distributed words from a fixed ~20k-word vocabulary."""
    rng = np.random.default_rng(seed)
    return [" ".join(ws) for ws in zipf_posts(rng, vocabulary(rng), n_docs, words)]


def measure(n_docs: int = 20_000, words: int = 400, sample: int = 200) -> dict[str, float]:
    """Time every stage over ``n_docs`` synthetic documents; datasketch on ``sample`` of them.

    Figures are documents per second, single process, default :class:`Settings`:
    ``tokenise`` (normalised words), ``word_hash``, ``shingle_and_windows`` (shingle hashes
    and window ranges, per document), ``signatures`` (:func:`batch_signatures` on batches of
    1,000 documents), ``band_keys``, ``end_to_end`` (text to band keys), and
    ``datasketch_signatures``: the same windows through ``MinHash.update`` one shingle at a
    time. ``ratio_signatures`` is ``signatures / datasketch_signatures``.
    """
    s = Settings()
    docs = synthetic_documents(n_docs, words)
    for d in docs[:BATCH]:  # warm the word-hash cache the way a long run does
        word_hashes(normalised_words(d))

    t0 = time.perf_counter()
    tokens = [normalised_words(d) for d in docs]
    t1 = time.perf_counter()
    hashes = [word_hashes(w) for w in tokens]
    t2 = time.perf_counter()
    shingles = [shingle_hashes(h, s.shingle) for h in hashes]
    ranges = [window_shingle_ranges(len(w), s.shingle, s.window, s.stride) for w in tokens]
    t3 = time.perf_counter()
    # Batches stream through, as in a pipeline: holding every batch's signatures would time
    # the page faults of fresh memory, which on small VMs cost as much as the hashing.
    t_sigs = t_keys = 0.0
    windows = 0
    for i in range(0, n_docs, BATCH):
        t_a = time.perf_counter()
        sigs, _ = batch_signatures(
            shingles[i : i + BATCH], ranges[i : i + BATCH], s.num_perm, s.seed
        )
        t_b = time.perf_counter()
        band_keys(sigs, s.bands)
        t_keys += time.perf_counter() - t_b
        t_sigs += t_b - t_a
        windows += len(sigs)

    # datasketch gets the same shingle hashes as Python ints, so only the MinHash step differs;
    # each window starts from a copy of one empty MinHash so permutations are generated once.
    reference = [shingles[i].tolist() for i in range(min(sample, n_docs))]
    empty = MinHash(num_perm=s.num_perm, seed=s.seed, scheme=s.scheme, hashfunc=int)
    t5 = time.perf_counter()
    for hashed, (starts, ends) in zip(reference, ranges, strict=False):
        for lo, hi in zip(starts, ends, strict=True):
            m = empty.copy()
            for h in hashed[lo:hi]:
                m.update(h)
    t6 = time.perf_counter()

    rate = {
        "tokenise": n_docs / (t1 - t0),
        "word_hash": n_docs / (t2 - t1),
        "shingle_and_windows": n_docs / (t3 - t2),
        "signatures": n_docs / t_sigs,
        "band_keys": n_docs / t_keys,
        "end_to_end": n_docs / (t3 - t0 + t_sigs + t_keys),
        "datasketch_signatures": len(reference) / (t6 - t5),
    }
    rate["ratio_signatures"] = rate["signatures"] / rate["datasketch_signatures"]
    rate["windows_per_doc"] = windows / n_docs
    return rate


def main() -> None:
    """Print the figures of :func:`measure`."""
    figures = measure()
    for name, value in figures.items():
        unit = "x" if name.startswith("ratio") else "" if name == "windows_per_doc" else " docs/s"
        print(f"{name:>22}: {value:>12,.1f}{unit}")


if __name__ == "__main__":
    main()
