"""Reports at the scale of a class: names people recognise, pictures, a summary for a screen."""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from overlap.cli.common import out as stdout_console
from overlap.model import Kind, ScanResult, SubmissionSummary
from overlap.report.html.cluster_map import ROWS
from overlap.report.html.distribution import NAMED, spread
from overlap.report.html.site import page_name
from overlap.report.names import common_folder, relative_names, submission_names
from tests.classbatch import HOSTILE, STUDENTS, post_name, write_class
from tests.clirun import invoke
from tests.hostile import IMG, SCRIPT, SVG_NAME, Page

# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("paths", "folder"),
    [
        (["/home/ana/week7/a.txt", "/home/ana/week7/sub/b.txt"], "/home/ana/week7/"),
        (["week7/a.txt", "week8/a.txt"], ""),
        (["wk/a.txt"], "wk/"),
        (["a.txt", "b.txt"], ""),
        (["/a.txt", "/b.txt"], ""),  # the root says nothing
        (["/srv/x/a.txt", "/tmp/b.txt"], ""),
        (["C:\\Users\\ana\\w7\\a.txt", "C:\\Users\\ana\\w7\\b.txt"], "C:\\Users\\ana\\w7\\"),
        (["C:\\a.txt", "C:\\b.txt"], ""),
        (["dl/batch.zip!a.txt", "dl/batch.zip!b.txt"], "dl/batch.zip!"),
        (["dl/batch.zip!s/a.txt", "dl/other.txt"], "dl/"),
        (["w/forum.csv#row-3", "w/forum.csv#row-4"], "w/"),
        (["w/student_1.txt", "w/student_10.txt"], "w/"),  # a common prefix is not a folder
        ([], ""),
    ],
)
def test_the_common_folder_ends_at_a_folder(paths: list[str], folder: str) -> None:
    assert common_folder(paths) == folder
    names = relative_names(paths)
    assert all(p == folder + names[p] for p in paths) and all(names.values())


def summary(i: int, path: str, student: str | None) -> SubmissionSummary:
    return SubmissionSummary(f"id{i}", path, student, 100, 0.0, 0.0)


def test_a_student_names_a_submission_and_a_file_tells_their_submissions_apart() -> None:
    subs = [
        summary(0, "/d/w7/ana.docx", "Ana Ruiz"),
        summary(1, "/d/w7/ben-1.txt", "Ben Okafor"),
        summary(2, "/d/w7/ben-2.txt", " Ben Okafor "),  # the same student, spaced
        summary(3, "/d/w7/late/x.txt", None),
        summary(4, "/d/w7/y.txt", "   "),  # blank: unknown
    ]
    assert submission_names(subs) == {
        "id0": "Ana Ruiz",
        "id1": "Ben Okafor (ben-1.txt)",
        "id2": "Ben Okafor (ben-2.txt)",
        "id3": "late/x.txt",
        "id4": "y.txt",
    }
    assert submission_names([]) == {}


# ---------------------------------------------------------------- the outliers


def test_outliers_stand_above_the_fence_of_the_submissions_with_some_similarity() -> None:
    shares = [0.0] * 300 + [0.10, 0.12, 0.12, 0.14, 0.15, 0.16, 0.18, 0.20, 0.62, 1.0]
    subs = [SubmissionSummary(f"s{i}", f"w/{i}.txt", None, 100, x, x) for i, x in enumerate(shares)]
    batch = spread(subs)
    assert batch.none == 300 and sum(batch.bins) == 10 and batch.bins[-1] == 1  # 100% in the last
    # the quartiles of the ten with some similarity, not of the batch (whose third is 0)
    assert batch.fence is not None and 0.2 < batch.fence < 0.62
    assert [s.similarity for s in batch.outliers] == [1.0, 0.62]
    # too few with some similarity to tell outliers
    assert spread(subs[:305]).fence is None and spread(subs[:305]).outliers == ()
    assert spread([]).total == 0


# ---------------------------------------------------------------- a class of 500, end to end

POSTS = 500


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """500 posts scanned by ``overlap scan`` of their absolute folder, printed in 80 columns."""
    root = tmp_path_factory.mktemp("class")
    sources, week = write_class(root, POSTS)
    code, _, _ = invoke("corpus", "add", sources, "--role", "source", "--corpus", root / "st")
    assert code == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stdout_console, "width", 80)
        # (the fixture that hides an installed sentence model runs per test, not per module)
        code, stdout, stderr = invoke("scan", week.resolve(), "--corpus", root / "st", "--out",
                                      root / "out", "--no-paraphrase")  # fmt: skip
    assert code == 0, stderr
    yield root / "out", stdout


def test_the_summary_of_500_posts_fits_40_lines_of_80_columns(scanned: tuple[Path, str]) -> None:
    out, stdout = scanned
    lines = stdout.splitlines()
    assert len(lines) <= 40 and max(len(line) for line in lines) <= 80
    assert lines[-1] == f"report written to {out}"
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    subs = sorted(document["submissions"], key=lambda s: (-s["similarity"], -s["overlap"]))
    with_findings = len({f["submission"] for f in document["findings"]})
    text = " ".join(stdout.split())
    assert f"{POSTS} submissions scanned: {with_findings} with findings to review" in text
    assert f"The 20 most similar of {POSTS} submissions" in text
    # one line per submission, most similar first, named by file below the common folder
    rows = [line.split() for line in lines if re.match(r"student_\d{4}\.txt ", line)]
    assert [r[0] for r in rows] == [Path(s["path"]).name for s in subs[:20]]
    assert [r[1] for r in rows] == [f"{s['similarity']:.0%}" for s in subs[:20]]
    # the findings counted by severity, each with its kinds
    kinds = {k: sum(f["kind"] == k for f in document["findings"]) for k in ("peer_overlap",
             "unattributed_copy")}  # fmt: skip
    (high,) = [line.split() for line in lines if line.split()[:1] == ["high"]]
    assert high[1] == str(sum(kinds.values()))
    for kind, n in kinds.items():
        assert f"{n} {kind.replace('_', ' ')}" in text
    left = POSTS - 20
    assert f"{left} more submissions" in text and "overlap scan --all" in text
    assert "Overlapping passages" not in stdout  # every finding: --all


def test_names_are_the_same_in_the_terminal_the_pages_and_the_tables(
    scanned: tuple[Path, str],
) -> None:
    out, stdout = scanned
    with (out / "submissions.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # the folder scanned was given whole (absolute); names are the files below it
    assert all(r["path"].endswith(f"{STUDENTS}/{r['name']}") for r in rows)
    assert {r["name"] for r in rows} == {post_name(i) for i in range(POSTS)}
    names = {r["id"]: r["name"] for r in rows}
    index = Page((out / "index.html").read_text(encoding="utf-8"))
    shown = index.all("a", "who")
    assert len(shown) == POSTS
    top = [line.split()[0] for line in stdout.splitlines() if line.startswith("student_")]
    assert top == [r["name"] for r in rows[:20]]  # the table is sorted by similarity too
    with (out / "findings.csv").open(encoding="utf-8", newline="") as fh:
        findings = list(csv.DictReader(fh))
    assert findings and all(f["submission_name"] == names[f["submission"]] for f in findings)
    peers = [f for f in findings if f["kind"] == "peer_overlap"]
    assert peers and all(f["source_name"] == names[f["source"]] for f in peers)
    assert all(f["source_name"] == "" for f in findings if f["kind"] != "peer_overlap")
    # each page is titled by the name, and the overview names its folder once
    sub = next(r for r in rows if r["name"] == top[0])
    page = Page((out / "submissions" / page_name(summary_of(sub))).read_text(encoding="utf-8"))
    assert page.title == f"{top[0]} — overlap report"
    folder = rows[0]["path"][: -len(rows[0]["name"])]
    assert f"relative to {folder}" in "".join(index.text)


def summary_of(row: dict[str, str]) -> SubmissionSummary:
    return SubmissionSummary(row["id"], row["path"], None, 0, 0.0, 0.0)


def svg_of(source: str, cls: str) -> str:
    (found,) = re.findall(rf'<svg class="{cls}".*?</svg>', source, re.S)
    return found


def test_the_overview_pictures_the_batch_and_links_every_mark(scanned: tuple[Path, str]) -> None:
    out, _ = scanned
    source = (out / "index.html").read_text(encoding="utf-8")
    index = Page(source)
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    charts = [a for t, a in index.tags if t == "svg" and "chart" in a.get("class", "")]
    assert [c["class"] for c in charts] == ["chart spread", "chart clusters"]
    assert all(c["role"] == "img" and c["aria-label"] for c in charts)
    # the histogram: a bar per bin with some, its count on it; the outliers named and linked
    spread_svg = Page(svg_of(source, "chart spread"))
    subs = document["submissions"]
    none = sum(s["similarity"] == 0 for s in subs)
    assert f"{len(subs)} submissions: {none} with none" in charts[0]["aria-label"]
    counts = [t for t in spread_svg.text if t.strip().isdigit()]
    assert str(none) in counts
    outliers = spread_svg.all("a", "outlier")
    assert 0 < len(outliers) <= NAMED
    pages = {p.name for p in (out / "submissions").iterdir()}
    assert all(a["href"].removeprefix("submissions/") in pages for a in outliers)
    # the shared passages: one row each (at most ROWS), members linked to the passage
    clusters_svg = Page(svg_of(source, "chart clusters"))
    shared = {f["cluster"] for f in document["findings"] if f["kind"] == "peer_overlap"}
    rows = [a for a in clusters_svg.all("a") if a["href"].startswith("#passage-")]
    labels = {a["href"] for a in rows}
    assert len(labels) == min(len(shared), ROWS)
    assert labels <= {f"#{i}" for i in index.ids()}
    members = clusters_svg.all("a", "member")
    assert members and all(
        re.fullmatch(r"submissions/[^#]+\.html#f\d+", a["href"]) for a in members
    )
    for a in members:
        name, anchor = a["href"].removeprefix("submissions/").split("#")
        assert f'id="{anchor}"' in (out / "submissions" / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- hostile names in the pictures


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScanResult]:
    from overlap.indexing.add import add_to_corpus
    from overlap.model import Role
    from overlap.scanning.files import scan_paths

    root = tmp_path_factory.mktemp("hostile-class")
    sources, week = write_class(root, 60, hostile=True)
    add_to_corpus([sources], Role.SOURCE, root / "store")
    return root / "out", scan_paths([week], root / "store", root / "out")


#: Every element the pictures are drawn with; nothing else may stand in an SVG of a page.
SVG_TAGS = {"svg", "defs", "pattern", "marker", "path", "g", "title", "rect", "line", "circle",
            "text", "tspan", "a"}  # fmt: skip


def test_no_name_or_text_can_add_markup_to_the_pictures(
    hostile_class: tuple[Path, ScanResult],
) -> None:
    out, result = hostile_class
    source = (out / "index.html").read_text(encoding="utf-8")
    names = submission_names(result.submissions)
    hostile = [names[s.id] for s in result.submissions if Path(s.path).name in dict(HOSTILE)]
    assert len(hostile) == 2 and any(SCRIPT in n for n in hostile) and SVG_NAME in hostile
    for cls in ("chart spread", "chart clusters"):
        svg = svg_of(source, cls)
        picture = Page(svg)
        assert {t for t, _ in picture.tags} <= SVG_TAGS, cls
        assert not [a for _, a in picture.tags if any(k.startswith("on") for k in a)]
        assert not [a for a in picture.all("a") if a["href"].startswith(("javascript:", "data:"))]
        for payload in (SCRIPT, IMG, SVG_NAME):
            assert payload not in svg
        # the names are there, as text: in the aria-label, the tooltips and the labels
        (chart,) = picture.all("svg")
        assert all(name in chart["aria-label"] for name in hostile), cls
        assert all(name in "".join(picture.svg_titles) for name in hostile), cls
        assert html.escape(f"{SCRIPT}Mallory", quote=True) in svg
    # both stand out and share a passage: named on the chart, and a row of the picture
    spread_svg = Page(svg_of(source, "chart spread"))
    hrefs = {a["href"] for a in spread_svg.all("a", "outlier")}
    mine = {s for s in result.submissions if Path(s.path).name in dict(HOSTILE)}
    assert {f"submissions/{page_name(s)}" for s in mine} <= hrefs
    clusters_svg = Page(svg_of(source, "chart clusters"))
    # each name cut in the middle to fit under its node, shown as text
    assert "<script>…Mallory" in clusters_svg.text and 'eve"><sv…\'">.txt' in clusters_svg.text


def test_the_filter_is_hidden_without_script_and_reads_escaped_rows(
    hostile_class: tuple[Path, ScanResult],
) -> None:
    out, result = hostile_class
    index = Page((out / "index.html").read_text(encoding="utf-8"))
    (form,) = index.all("form")
    assert form["id"] == "filters" and "hidden" in form
    rows = [a for t, a in index.tags if t == "tr" and "data-similarity" in a]
    assert len(rows) == len(result.submissions)
    by_name = {a["data-name"]: a for a in rows}
    (mallory,) = [a for n, a in by_name.items() if n.startswith(f"{SCRIPT}Mallory".lower())]
    assert mallory["data-kinds"].split() == sorted([Kind.PEER_OVERLAP, Kind.UNATTRIBUTED_COPY])
    options = [a["value"] for t, a in index.tags if t == "option"]
    assert {"peer_overlap", "unattributed_copy"} <= set(options)


def test_all_prints_every_submission_and_every_finding(
    scanned: tuple[Path, str], tmp_path: Path
) -> None:
    out, _ = scanned
    root = out.parent
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stdout_console, "width", 120)
        code, stdout, _ = invoke("scan", root / STUDENTS, "--corpus", root / "st", "--out",
                                 tmp_path / "all", "--no-paraphrase", "--all")  # fmt: skip
    assert code == 0
    document = json.loads((tmp_path / "all" / "findings.json").read_text(encoding="utf-8"))
    assert len(document["findings"]) > 50  # more than the table once held
    summary, passages = stdout.split("Overlapping passages")
    for i in range(POSTS):
        assert post_name(i) in summary
    for f in document["findings"]:
        assert f"{f['start']}-{f['end']}" in passages
    assert "more in findings.json" not in stdout
