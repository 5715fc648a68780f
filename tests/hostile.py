"""A report built from the demo corpus plus hostile posts, sources and file names.

The payloads would change ``document.title`` to ``PWNED`` or set ``data-pwned`` on the body
if a browser ran them; every one must show as text in the HTML report.
"""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path

from overlap.indexing.add import add_to_corpus
from overlap.model import Role, ScanResult
from overlap.scanning.files import scan_paths
from tests.conftest import DEMO, prose

PWNED = "PWNED"
SCRIPT = (
    f"<script>document.title='{PWNED}';document.body.setAttribute('data-pwned','script')</script>"
)
IMG = f"\"><img src=x onerror=\"document.title='{PWNED}';document.body.dataset.pwned='img'\">"
LINK = f"<a href=\"javascript:document.title='{PWNED}'\">click here for the answers</a>"
SVG_NAME = f'eve"><svg onload="document.title=\'{PWNED}\'">.txt'
#: An unreadable file (a PNG named .pdf) whose name is markup.
BROKEN_NAME = f"<b onmouseover=\"document.title='{PWNED}'\">broken.pdf"

#: Copied by the first hostile post from the hostile source.
SOURCE_PASSAGE = (
    f"Reflective listening works best when the counselor {SCRIPT} repeats the client's own "
    "words back slowly and without any judgement at all so that ambivalence can be heard"
)
#: Shared by the two hostile posts.
PEER_PASSAGE = (
    f"Every single week I tried {IMG} to write down what the client hoped would be different "
    "by the end of the month and then we read the list aloud together in the last session"
)


def _metadata(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def write_hostile(root: Path) -> tuple[Path, Path]:
    """Write a hostile source folder and a hostile week folder under ``root``."""
    sources, week = root / "hostile-sources", root / "hostile-week"
    sources.mkdir(parents=True)
    week.mkdir(parents=True)
    (sources / "evil.txt").write_text(f"{prose(61, 120)} {SOURCE_PASSAGE}. {prose(62, 80)}\n")
    _metadata(
        sources / "metadata.csv",
        ["path", "author", "year", "title"],
        [["evil.txt", f"{IMG}Mallory, A.", "2021", f"{SCRIPT}The Hostile Source"]],
    )
    (week / "mallory.txt").write_text(
        f"{prose(63, 40)} {SOURCE_PASSAGE}. {prose(64, 30)}\n\n{PEER_PASSAGE}. {LINK}\n\n{SCRIPT}\n"
    )
    (week / BROKEN_NAME).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (week / SVG_NAME).write_text(f"{prose(65, 50)} {PEER_PASSAGE}. {prose(66, 20)} {IMG}\n")
    _metadata(
        week / "metadata.csv",
        ["path", "student", "submitted_at"],
        [
            ["mallory.txt", f"{SCRIPT}Mallory", "2025-02-03T09:00:00"],
            [SVG_NAME, f"{IMG}Eve", "2025-02-04T09:00:00"],
        ],
    )
    return sources, week


def build_report(root: Path) -> tuple[Path, ScanResult]:
    """Index the demo sources and prior posts plus a hostile source; scan the demo week
    plus two hostile posts into ``root/report``."""
    sources, week = write_hostile(root)
    store = root / "store"
    add_to_corpus([DEMO / "sources", sources], Role.SOURCE, store)
    add_to_corpus([DEMO / "prior"], Role.PRIOR, store)
    out = root / "report"
    result = scan_paths([DEMO / "week", week], store, out, excludes=[DEMO / "prompt.txt"])
    return out, result


class Page(HTMLParser):
    """A parsed page: its start tags with their attributes, title, scripts, styles and text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self.title = ""
        #: The tooltips (``<title>``) of SVG elements, apart from the page's title.
        self.svg_titles: list[str] = []
        self._in: str | None = None
        self._svg = 0
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._svg += tag == "svg"
        self._in = tag if tag in ("script", "style", "title") else None
        if self._in == "title" and self._svg:
            self._in = "tooltip"

    def handle_endtag(self, tag: str) -> None:
        self._svg -= tag == "svg" and self._svg > 0
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "tooltip":
            self.svg_titles.append(data)
        elif self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)
        elif self._in == "title":
            self.title += data
        else:
            self.text.append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if "id" in a}

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        """Attributes of every ``tag`` element, only those with class ``cls`` if given."""
        return [
            a
            for t, a in self.tags
            if t == tag and (cls is None or cls in a.get("class", "").split())
        ]
