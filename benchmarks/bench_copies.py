"""Recall figures for `make bench-copies`: copied sentences by length, copies between posts,
reworded copies, and findings where nothing was copied, on generated English-like text.

Generates (``corpus_gen.english_sentences``: English function words and thesaurus words with
Zipf frequencies) 20 sources of ~2,000 words and a batch of 500 posts of ~270 words. 30% of
the posts copy no source; the others copy one to three single source sentences of 8 to 30
words (length bands 8-11, 12-15, 16-20 and 21-30 equally often), each as one sentence of the
post; 10% copy two sentences of an earlier post of the batch. 100 more posts each hold one
source sentence of 20 to 40 words run through ``rewording.reword`` at strengths 0.25, 0.5,
0.75 and 1 in turn. The store is built and the batch scanned as the command line does
(``add_to_corpus``, ``scan_paths``), with default settings or, with ``--old``, with
``bench.OLD`` (windows only, exact evidence only).

A planted copy is found when a finding of its post against its source covers at least half
of it; it is proposed when the index proposed that (post, source) pair. Prints what it saw;
never fails on a figure.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from bench import OLD, build_store, covers_half, scan_store
from corpus_gen import english_sentences, english_vocabulary
from rewording import Thesaurus, load_thesaurus, reword

from overlap.model import Finding, Role, ScanResult
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import list_documents

#: Length bands of copied sentences, in words.
BANDS = ((8, 11), (12, 15), (16, 20), (21, 30))
#: Rewording strengths of the reworded copies, in turn.
STRENGTHS = (0.25, 0.5, 0.75, 1.0)
#: Words of a reworded source sentence, before rewording.
REWORDED_WORDS = (20, 40)
#: Words of a run two texts must share for a finding between them to rest on a copy.
RUN = 8


@dataclass(frozen=True)
class Planted:
    """A copy planted in a post: the span ``[start, end)`` of the post's text holds it."""

    post: str
    other: str  # file name of the source, or of the earlier post for a copy between posts
    start: int
    end: int
    words: int
    strength: float | None = None  # reworded copies only


@dataclass
class Batch:
    """The generated files (name to text) and what was planted in them."""

    sources: dict[str, str] = field(default_factory=dict)
    posts: dict[str, str] = field(default_factory=dict)
    copies: list[Planted] = field(default_factory=list)
    peers: list[Planted] = field(default_factory=list)
    reworded: list[Planted] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)


@dataclass
class _Item:
    words: list[str]
    planted: tuple[str, float | None] | None = None  # (what it copies, strength)
    own: bool = True  # written for this post (not copied)


def _layout(items: list[_Item], rng: np.random.Generator) -> tuple[str, list[tuple[int, int]]]:
    """Sentences into paragraphs of 3 to 6; the text and each sentence's ``[start, end)``."""
    text, spans, left = "", [], int(rng.integers(3, 7))
    for k, item in enumerate(items):
        if k:
            if left == 0:
                text, left = text + "\n\n", int(rng.integers(3, 7))
            else:
                text += " "
        sentence = " ".join(item.words)
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
        left -= 1
    return text, spans


def _filler(rng: np.random.Generator, vocab: list[str], words: int) -> list[_Item]:
    lengths = rng.integers(8, 31, words // 8 + 1)
    n = int(np.searchsorted(np.cumsum(lengths), words)) + 1
    return [_Item(s) for s in english_sentences(rng, vocab, lengths[:n].tolist())]


def _insert(rng: np.random.Generator, items: list[_Item], new: list[_Item]) -> None:
    at = int(rng.integers(0, len(items) + 1))
    items[at:at] = new


def make_batch(
    rng: np.random.Generator,
    thesaurus: Thesaurus,
    *,
    n_sources: int = 20,
    source_words: int = 2_000,
    n_posts: int = 500,
    post_words: int = 270,
    n_reworded: int = 100,
) -> Batch:
    """Generate the sources and the batch of posts, and plan every copy (see the docstring)."""
    vocab = english_vocabulary(thesaurus)
    batch = Batch()
    sentences: list[list[list[str]]] = []
    for k in range(n_sources):
        lengths = rng.integers(8, 41, source_words // 8 + 1)
        n = int(np.searchsorted(np.cumsum(lengths), source_words)) + 1
        sentences.append(english_sentences(rng, vocab, lengths[:n].tolist()))
        batch.sources[f"s{k:02d}.txt"] = _layout([_Item(s) for s in sentences[-1]], rng)[0]
    by_band = [
        [(k, s) for k, ss in enumerate(sentences) for s in ss if lo <= len(s) <= hi]
        for lo, hi in BANDS
    ]
    posts: list[list[_Item]] = []
    clean, copied = [], set()
    for i in range(n_posts):
        peer = i > 0 and rng.random() < 0.1
        n_copies = 0 if rng.random() < 0.3 else int(rng.integers(1, 4))
        if not peer and n_copies == 0:
            clean.append(i)
        picks = []
        for _ in range(n_copies):
            pool = by_band[int(rng.integers(len(BANDS)))]
            k, s = pool[int(rng.integers(len(pool)))]
            picks.append(_Item(list(s), (f"s{k:02d}.txt", None), own=False))
        items = _filler(rng, vocab, post_words - sum(len(p.words) for p in picks))
        for item in picks:
            _insert(rng, items, [item])
        if peer:
            j = int(rng.integers(0, i))
            pairs = [k for k in range(len(posts[j]) - 1) if posts[j][k].own and posts[j][k + 1].own]
            if pairs:
                k = pairs[int(rng.integers(len(pairs)))]
                two = [posts[j][k].words, posts[j][k + 1].words]
                _insert(rng, items, [_Item([*two[0], *two[1]], (f"p{j:03d}.txt", None), False)])
                copied.add(j)
        posts.append(items)
    for i, items in enumerate(posts):
        _write_post(batch, f"p{i:03d}.txt", items, rng)
    batch.clean = [f"p{i:03d}.txt" for i in clean if i not in copied]
    long = [(k, s) for k, ss in enumerate(sentences) for s in ss]
    long = [(k, s) for k, s in long if REWORDED_WORDS[0] <= len(s) <= REWORDED_WORDS[1]]
    for i in range(n_reworded):
        k, s = long[int(rng.integers(len(long)))]
        strength = STRENGTHS[i % len(STRENGTHS)]
        words = reword(s, rng, strength, thesaurus=thesaurus)
        item = _Item(words, (f"s{k:02d}.txt", strength), own=False)
        items = _filler(rng, vocab, post_words - len(s))
        _insert(rng, items, [item])
        _write_post(batch, f"r{i:03d}.txt", items, rng, planted_words=len(s))
    return batch


def _write_post(
    batch: Batch,
    name: str,
    items: list[_Item],
    rng: np.random.Generator,
    planted_words: int | None = None,
) -> None:
    text, spans = _layout(items, rng)
    batch.posts[name] = text
    for item, (start, end) in zip(items, spans, strict=True):
        if item.planted is None:
            continue
        other, strength = item.planted
        words = planted_words if strength is not None and planted_words else len(item.words)
        planted = Planted(name, other, start, end, words, strength)
        if strength is not None:
            batch.reworded.append(planted)
        elif other.startswith("p"):
            batch.peers.append(planted)
        else:
            batch.copies.append(planted)


def write_batch(root: Path, batch: Batch) -> None:
    """Write ``sources/`` and ``week/`` under ``root``."""
    for folder, files in (("sources", batch.sources), ("week", batch.posts)):
        (root / folder).mkdir(parents=True)
        for name, text in files.items():
            (root / folder / name).write_text(text + "\n", encoding="utf-8")


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _tally(rows: Iterable[tuple[str, bool, bool]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key, hit, proposed in rows:
        t = out.setdefault(key, {"planted": 0, "found": 0, "proposed": 0})
        t["planted"] += 1
        t["found"] += hit
        t["proposed"] += proposed
    return out


def evaluate(batch: Batch, result: ScanResult, store: Path) -> dict[str, Any]:
    """Score the scan against what was planted."""
    ids = {Path(s.path).name: s.id for s in result.submissions}
    names = {v: k for k, v in ids.items()}
    src_ids = {Path(d.path).name: d.id for d in list_documents(CorpusStore.open(store))}
    src_names = {v: k for k, v in src_ids.items()}
    pairs: dict[tuple[str, str | None], list[Finding]] = defaultdict(list)
    for f in result.findings:
        pairs[f.submission, f.source].append(f)
    proposed = set(result.candidates)

    def scored(c: Planted) -> tuple[bool, bool]:
        key = (ids[c.post], src_ids[c.other])
        return any(covers_half(f, c.start, c.end) for f in pairs[key]), key in proposed

    def band(words: int) -> str:
        return next(f"{lo}-{hi}" for lo, hi in BANDS if words <= hi)

    zero = {"planted": 0, "found": 0, "proposed": 0}
    by_band = _tally((band(c.words), *scored(c)) for c in batch.copies)
    copies = {f"{lo}-{hi}": by_band.get(f"{lo}-{hi}", zero) for lo, hi in BANDS}
    copies["all"] = _tally(("all", *scored(c)) for c in batch.copies).get("all", zero)
    by_strength = _tally((str(c.strength), *scored(c)) for c in batch.reworded)
    reworded = {str(s): by_strength[str(s)] for s in STRENGTHS if str(s) in by_strength}
    evidence: dict[str, Counter[str]] = defaultdict(Counter)
    for c in batch.reworded:
        key = (ids[c.post], src_ids[c.other])
        hits = [f for f in pairs[key] if covers_half(f, c.start, c.end)]
        evidence[str(c.strength)].update(str(f.evidence) for f in hits[:1])

    def between(c: Planted) -> tuple[str, bool, bool]:
        a, b = ids[c.post], ids[c.other]
        return "all", bool(pairs[a, b] or pairs[b, a]), (a, b) in proposed or (b, a) in proposed

    peers = _tally(between(c) for c in batch.peers)
    clean_ids = {ids[name] for name in batch.clean}
    in_clean = [f for f in result.findings if f.submission in clean_ids]
    planted_pairs = {(c.post, c.other) for c in [*batch.copies, *batch.reworded]}
    source_runs = {name: _runs(text) for name, text in batch.sources.items()}
    flagged = {(names[s], src_names[o]) for s, o in pairs if o in src_names}
    no_run = [p for p in flagged if not _runs(batch.posts[p[0]]) & source_runs[p[1]]]
    return {
        "sources": len(batch.sources),
        "source_words": sum(len(t.split()) for t in batch.sources.values()),
        "posts": len(batch.posts),
        "post_words": sum(len(t.split()) for t in batch.posts.values()),
        "findings": len(result.findings),
        "posts_with_findings": len({f.submission for f in result.findings}),
        "candidate_pairs": len(result.candidates),
        "copies": copies,
        "peers": peers.get("all", zero),
        "reworded": reworded,
        "reworded_evidence": {k: dict(v) for k, v in evidence.items()},
        "clean_posts": len(batch.clean),
        "clean_findings": len(in_clean),
        "clean_posts_with_findings": len({f.submission for f in in_clean}),
        "clean_kinds": dict(Counter(str(f.kind) for f in in_clean)),
        "flagged_source_pairs": len(flagged),
        "flagged_unplanted": len(flagged - planted_pairs),
        "flagged_no_run": len(no_run),
        "flagged_no_run_reworded": sum(p in planted_pairs for p in no_run),
    }


def _row(label: str, t: dict[str, int]) -> str:
    n = t["planted"] or 1
    return (
        f"  {label:<10}{t['planted']:>8}{t['found']:>8}{t['found'] / n:>9.3f}"
        f"{t['proposed']:>10}{t['proposed'] / n:>9.3f}"
    )


def show(figures: dict[str, Any]) -> None:
    """Print the figures as tables."""
    head = f"  {'':<10}{'planted':>8}{'found':>8}{'recall':>9}{'proposed':>10}{'share':>9}"
    f = figures
    print(
        f"{f['sources']} sources ({f['source_words']:,} words), {f['posts']} posts "
        f"({f['post_words']:,} words); path: {f['path']}"
    )
    print(
        f"store built in {f['build_seconds']:.2f} s, batch scanned in {f['scan_seconds']:.2f} s: "
        f"{f['findings']:,} findings in {f['posts_with_findings']} posts; "
        f"{f['candidate_pairs']:,} candidate pairs"
    )
    print("\nsource sentences copied verbatim, by length in words")
    print(head)
    for label, t in f["copies"].items():
        print(_row(label, t))
    print("\ncopies between posts (two sentences of an earlier post; any finding between them)")
    print(head)
    print(_row("all", f["peers"]))
    lo, hi = REWORDED_WORDS
    print(f"\nreworded source sentences ({lo}-{hi} words), by rewording strength")
    print(head + "   evidence of those found")
    for label, t in f["reworded"].items():
        evidence = ", ".join(f"{k} {v}" for k, v in sorted(f["reworded_evidence"][label].items()))
        print(_row(label, t) + f"   {evidence or '-'}")
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(f["clean_kinds"].items())) or "-"
    print(
        f"\nposts that copy nothing: {f['clean_posts']}; findings in them: "
        f"{f['clean_findings']} in {f['clean_posts_with_findings']} posts ({kinds})"
    )
    print(
        f"(post, source) pairs flagged: {f['flagged_source_pairs']}, of which not planted: "
        f"{f['flagged_unplanted']}"
    )
    print(
        f"posts flagged against a source they share no {RUN}-word run with: "
        f"{f['flagged_no_run']} pairs ({f['flagged_no_run_reworded']} of them planted "
        f"reworded copies, {f['flagged_no_run'] - f['flagged_no_run_reworded']} others)"
    )


def main() -> None:
    """Generate the batch, build the store, scan, print what was found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--reworded", type=int, default=100)
    parser.add_argument("--old", action="store_true", help="scan with bench.OLD settings")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args()

    settings = OLD if args.old else None
    batch = make_batch(
        np.random.default_rng(args.seed),
        load_thesaurus(),
        n_posts=args.posts,
        n_reworded=args.reworded,
    )
    with tempfile.TemporaryDirectory(prefix="overlap-copies-") as tmp:
        root = Path(tmp)
        write_batch(root, batch)
        t0 = time.perf_counter()
        build_store([root / "sources"], Role.SOURCE, root / "store", settings)
        t1 = time.perf_counter()
        result = scan_store([root / "week"], root / "store", root / "report", settings)
        t2 = time.perf_counter()
        figures = evaluate(batch, result, root / "store")
    figures["path"] = "old (bench.OLD)" if args.old else "new (default Settings)"
    figures["build_seconds"] = round(t1 - t0, 2)
    figures["scan_seconds"] = round(t2 - t1, 2)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        show(figures)


if __name__ == "__main__":
    main()
