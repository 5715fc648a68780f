"""A generated week of a large class: posts with copies from sources and between students.

Writes under ``ROOT``:

- ``sources/``: 8 sources of ~1,500 English-like words (``corpus_gen.english_sentences``)
  with a ``metadata.csv`` giving each an author, a year and a title;
- ``week07/students/student_NNNN.txt``: the posts, ~250 words each, with a ``metadata.csv``
  giving each its submission time over a week (and, with ``--students``, a student name).

Of the posts, about 10% copy one or two source sentences without attribution, 5% quote one
with quotation marks and a citation, 3% copy one with a citation but no quotation marks, 2%
copy a whole paragraph of a source (the outliers), 3% end with the same stock reply (common
phrasing); one post in 60 starts a cluster of 2 to 5 posts sharing two of its sentences,
and two posts disguise a copy with look-alike letters from other alphabets. The same seed
gives the same files.

Run as ``python benchmarks/class_batch.py ROOT --posts 500``; prints what it planted.
"""

from __future__ import annotations

import argparse
import csv
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from corpus_gen import english_sentences, english_vocabulary
from rewording import load_thesaurus

#: Invented authors, years and titles of the sources.
SOURCES = [
    ("Marlowe, T.", 2019, "Listening as a Clinical Skill"),
    ("Adeyemi, F.; Larsen, K.", 2021, "Change Talk in Brief Sessions"),
    ("Voss, H.", 2016, "Ambivalence and the Working Alliance"),
    ("Okafor, B.", 2022, "Reflective Practice in Counselling Training"),
    ("Lindqvist, M.", 2018, "Goals, Values and the First Interview"),
    ("Ferreira, P.; Tan, W.", 2020, "Measuring Empathy in Supervision"),
    ("Haddad, R.", 2017, "Resistance Reconsidered"),
    ("Nakamura, E.", 2023, "Motivation in Group Work"),
]
FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Efua", "Farid", "Grace", "Hiro", "Inés", "Jonas",
         "Kavya", "Liam", "Maya", "Nikolai", "Oluwaseun", "Priya", "Quinn", "Rosa", "Sven",
         "Tariq", "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoë"]  # fmt: skip
LAST = ["Abara", "Bianchi", "Castillo", "Dubois", "Eriksen", "Fitzgerald", "García", "Haugen",
        "Ibrahim", "Jovanović", "Kowalski", "Lefebvre", "Moreau", "Nguyen", "O'Neill",
        "Petrova", "Quispe", "Rahman", "Schneider", "Takahashi", "Urquhart", "Varga",
        "Wójcik", "Yilmaz", "Zhang"]  # fmt: skip
STOCK_REPLY = (
    "Thank you all for a week of thoughtful discussion, and I look forward to reading "
    "everyone's replies to my post before the live session on Thursday."
)
#: Latin letters and the Cyrillic letters that look like them.
LOOK_ALIKES = str.maketrans(
    {"a": "\u0430", "e": "\u0435", "o": "\u043e", "c": "\u0441", "p": "\u0440"}
)
START = datetime(2026, 3, 2, 8, 0)


@dataclass
class Plan:
    """What was planted, by post file name."""

    copies: dict[str, list[str]] = field(default_factory=dict)
    quotes: list[str] = field(default_factory=list)
    unquoted: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    stock: list[str] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)
    look_alikes: list[str] = field(default_factory=list)


def _paragraphs(sentences: list[list[str]], rng: np.random.Generator) -> str:
    """Sentences as paragraphs of 3 to 6."""
    out, para, left = [], [], int(rng.integers(3, 7))
    for s in sentences:
        para.append(" ".join(s))
        left -= 1
        if left == 0:
            out.append(" ".join(para))
            para, left = [], int(rng.integers(3, 7))
    if para:
        out.append(" ".join(para))
    return "\n\n".join(out)


def _filler(rng: np.random.Generator, vocab: list[str], words: int) -> list[list[str]]:
    lengths = rng.integers(8, 28, words // 8 + 1)
    n = int(np.searchsorted(np.cumsum(lengths), words)) + 1
    return english_sentences(rng, vocab, lengths[:n].tolist())


def _surname(author: str) -> str:
    return author.split(",")[0]


def write_class(root: Path, posts: int, *, seed: int = 3, students: bool = False) -> Plan:
    """Write the sources and the posts under ``root``; return what was planted where."""
    rng = np.random.default_rng(seed)
    vocab = english_vocabulary(load_thesaurus())
    sources = [_filler(rng, vocab, 1_500) for _ in SOURCES]
    (root / "sources").mkdir(parents=True)
    with (root / "sources" / "metadata.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "author", "year", "title"])
        for k, (author, year, title) in enumerate(SOURCES):
            name = f"{_surname(author).lower()}{year}.txt"
            (root / "sources" / name).write_text(_paragraphs(sources[k], rng) + "\n")
            writer.writerow([name, author, year, title])
    plan = Plan()
    names = [f"student_{i + 1:04d}.txt" for i in range(posts)]
    texts = [_filler(rng, vocab, int(rng.integers(200, 300))) for _ in range(posts)]
    tails: list[list[str]] = [[] for _ in range(posts)]

    def source_sentence(at_least: int = 10) -> tuple[int, list[str]]:
        while True:
            k = int(rng.integers(len(SOURCES)))
            s = sources[k][int(rng.integers(len(sources[k])))]
            if len(s) >= at_least:
                return k, s

    def put(i: int, sentence: list[str]) -> None:
        texts[i].insert(int(rng.integers(0, len(texts[i]) + 1)), sentence)

    for i in range(posts):
        roll = rng.random()
        if roll < 0.10:
            for _ in range(int(rng.integers(1, 3))):
                put(i, list(source_sentence()[1]))
            plan.copies[names[i]] = ["copied"]
        elif roll < 0.15:
            k, s = source_sentence()
            author, year, _ = SOURCES[k]
            put(i, [f'As {_surname(author)} ({year}) writes, "{" ".join(s).rstrip(".")}."'])
            plan.quotes.append(names[i])
        elif roll < 0.18:
            k, s = source_sentence()
            author, year, _ = SOURCES[k]
            put(i, [*s[:-1], f"{s[-1].rstrip('.')} ({_surname(author)}, {year})."])
            plan.unquoted.append(names[i])
        elif roll < 0.20:
            k = int(rng.integers(len(SOURCES)))
            at = int(rng.integers(0, len(sources[k]) - 8))
            texts[i][1:1] = [list(s) for s in sources[k][at : at + int(rng.integers(5, 9))]]
            plan.paragraphs.append(names[i])
        if rng.random() < 0.03:
            tails[i].append(STOCK_REPLY)
            plan.stock.append(names[i])
    for first in range(0, posts - 5, 60):
        members = [first, *sorted(rng.choice(np.arange(first + 1, posts), size=int(
            rng.integers(1, 5)), replace=False).tolist())]  # fmt: skip
        shared = [list(s) for s in texts[first][:2]]
        for m in members[1:]:
            texts[m][2:2] = [list(s) for s in shared]
        plan.clusters.append([names[m] for m in members])
    for i in (posts // 3, 2 * posts // 3):
        k, s = source_sentence(16)
        put(i, [w.translate(LOOK_ALIKES) if n % 2 else w for n, w in enumerate(s)])
        plan.look_alikes.append(names[i])
    folder = root / "week07" / "students"
    folder.mkdir(parents=True)
    with (folder / "metadata.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "submitted_at", *(["student"] if students else [])])
        week = timedelta(days=6).total_seconds()
        for i, name in enumerate(names):
            at = START + timedelta(seconds=int(week * i / posts + rng.integers(0, 600)))
            who = [f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"]
            writer.writerow([name, at.isoformat(), *(who if students else [])])
            body = _paragraphs(texts[i], rng)
            tail = "".join(f"\n\n{t}" for t in tails[i])
            (folder / name).write_text(body + tail + "\n", encoding="utf-8")
    return plan


def main() -> None:
    """Write a batch and print what it planted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder to write (must not exist)")
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--students", action="store_true", help="name a student for each post")
    args = parser.parse_args()
    if args.root.exists():
        parser.error(f"{args.root} exists; give a new folder")
    plan = write_class(args.root, args.posts, seed=args.seed, students=args.students)
    print(
        json.dumps(
            {
                "posts": args.posts,
                "copied": len(plan.copies),
                "quoted": len(plan.quotes),
                "cited without quotation marks": len(plan.unquoted),
                "whole paragraphs": len(plan.paragraphs),
                "stock reply": len(plan.stock),
                "clusters": [len(c) for c in plan.clusters],
                "look-alike letters": plan.look_alikes,
            }
        )
    )


if __name__ == "__main__":
    main()
