"""A week of a large class for the tests: hundreds of posts, copies from sources and peers.

Posts lie deep in a folder (``home/ana/week7/students/student_0001.txt``) with submission
times and no students, as an instructor's download does; every ninth copies a passage of a
source (and a few most of one), and every fortieth starts a passage that the next two posts
copy. With ``hostile``,
two more posts stand out (most of each is copied, and they share a passage): one named by a
student whose name is markup, one by a file name that is markup and no student.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import prose
from tests.hostile import SCRIPT, SVG_NAME

#: Where the posts lie below the root the helper writes to.
STUDENTS = Path("home/ana/week7/students")
SOURCES = ("Marlowe, T.", "Adeyemi, F.", "Voss, H.")
#: The hostile posts: file name and student (None: named by the file).
HOSTILE = (("mallory.txt", f"{SCRIPT}Mallory"), (SVG_NAME, None))


def post_name(i: int) -> str:
    """The file name of post ``i`` (from 0)."""
    return f"student_{i + 1:04d}.txt"


def write_class(root: Path, posts: int, *, hostile: bool = False) -> tuple[Path, Path]:
    """Write ``root/sources`` and ``root/STUDENTS``; return both folders."""
    sources, week = root / "sources", root / STUDENTS
    sources.mkdir(parents=True)
    week.mkdir(parents=True)
    texts = [prose(10_000 + k, 300) for k in range(len(SOURCES))]
    with (sources / "metadata.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "author", "year", "title"])
        for k, (author, text) in enumerate(zip(SOURCES, texts, strict=True)):
            (sources / f"s{k}.txt").write_text(text + "\n", encoding="utf-8")
            writer.writerow([f"s{k}.txt", author, 2020 + k, f"Source {k}"])
    start = datetime(2026, 3, 2, 8, 0)
    with (week / "metadata.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "submitted_at", "student"])
        for i in range(posts):
            parts = [prose(20_000 + i, 60)]
            words = texts[i % len(SOURCES)].split()
            if i % 9 == 0:
                at = (i * 7) % (len(words) - 40)
                parts.append(" ".join(words[at : at + 10 + i % 30]) + ".")
            elif i % 97 == 50:  # most of the post copied: an outlier
                parts.append(" ".join(words[200 : 200 + 90]) + ".")
            first = i - i % 40
            if i % 40 < 3 and first + 2 < posts:
                parts.insert(1, prose(50_000 + first, 25))
            name = post_name(i)
            (week / name).write_text(" ".join(parts) + "\n", encoding="utf-8")
            writer.writerow([name, (start + timedelta(minutes=17 * i)).isoformat(), ""])
        for k, (name, student) in enumerate(HOSTILE if hostile else ()):
            copied = " ".join(texts[0].split()[100 + 80 * k : 160 + 80 * k])
            text = f"{prose(70_000, 25)} {prose(60_000 + k, 20)} {copied}."
            (week / name).write_text(text + "\n", encoding="utf-8")
            writer.writerow([name, (start - timedelta(days=1 - k)).isoformat(), student or ""])
    return sources, week
