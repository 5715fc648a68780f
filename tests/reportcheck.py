"""Whether a report folder is one whole report: every link resolves and every file agrees."""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyarrow.parquet as pq

from overlap.report.html.page import when
from overlap.report.swap import REPORT_MARKER


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _links(page: Path) -> list[Path]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    targets = []
    for href in parser.hrefs:
        path = unquote(urlsplit(href).path)
        if path:  # "" is a fragment of the same page
            targets.append((page.parent / path).resolve())
    return targets


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def whole_report(out: Path) -> frozenset[str]:
    """The submission ids of the report in ``out``; AssertionError if it is not whole.

    Whole: the marker and findings.json agree on the scan; the CSV and Parquet tables hold
    the same submissions and as many findings; ``submissions/`` holds exactly one page per
    submission and ``texts/`` exactly the files its index lists; every link of every page
    resolves; no page names another scan's time.
    """
    marker = json.loads((out / REPORT_MARKER).read_text(encoding="utf-8"))
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    stamp = doc["generated_at"]
    assert marker["generated_at"] == stamp, "marker and findings.json disagree"
    ids = frozenset(s["id"] for s in doc["submissions"])
    assert len(ids) == len(doc["submissions"])
    assert {r["id"] for r in _csv_rows(out / "submissions.csv")} == ids, "submissions.csv"
    assert len(_csv_rows(out / "findings.csv")) == len(doc["findings"]), "findings.csv"
    for name, n in (("submissions", len(ids)), ("findings", len(doc["findings"]))):
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows == n, f"{name}.parquet"
        assert table.schema.metadata[b"overlap.generated_at"].decode() == stamp
    pages = list((out / "submissions").iterdir())
    assert sorted(p.name.rsplit("-", 1)[1].removesuffix(".html") for p in pages) == sorted(ids)
    index = json.loads((out / "texts" / "index.json").read_text(encoding="utf-8"))
    listed = {Path(e["path"]).name for e in index["documents"].values()}
    assert ids <= set(index["documents"]), "texts/index.json lacks a submission"
    assert {p.name for p in (out / "texts").iterdir()} == listed | {"index.json"}, "texts/"
    linked = {t for t in _links(out / "index.html") if t.parent.name == "submissions"}
    assert linked == {p.resolve() for p in pages}, "index.html links other pages than there are"
    for page in [out / "index.html", *pages]:
        assert when(stamp) in page.read_text(encoding="utf-8"), f"{page.name}: another scan"
        for target in _links(page):
            assert target.is_file(), f"{page.name} links to missing {target}"
    return ids
