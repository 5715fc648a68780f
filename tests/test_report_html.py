"""The HTML report: overlapping highlights, escaping, links, security policy, clusters."""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from overlap.errors import OverlapError
from overlap.model import (
    Document,
    Evidence,
    FileError,
    Finding,
    Kind,
    Role,
    ScanResult,
    SubmissionSummary,
)
from overlap.report.html import write_html
from overlap.report.html.cards import card
from overlap.report.html.characters import disguises
from overlap.report.html.clusters import peer_clusters
from overlap.report.html.diff import Side, diff_html, word_diff
from overlap.report.html.figure_style import OVERVIEW_CSS
from overlap.report.html.legend import legend
from overlap.report.html.markup import attrs, content_security_policy, page_href
from overlap.report.html.overview import OVERVIEW_SCRIPT
from overlap.report.html.segments import Close, Open, Run, split
from overlap.report.html.site import Site, page_name
from overlap.report.html.style import COPY_SCRIPT, CSS
from overlap.report.html.text import excerpt, highlighted
from overlap.text.normalise import HOMOGLYPHS, INVISIBLE
from overlap.text.tokens import tokenise
from tests.hostile import BROKEN_NAME, IMG, LINK, PWNED, SCRIPT, Page, build_report

# ---------------------------------------------------------------- helpers


def doc(doc_id: str, text: str, role: Role = Role.SUBMISSION, **kw: object) -> Document:
    path = str(kw.pop("path", f"week/{doc_id}.txt"))
    return Document(id=doc_id, path=path, role=role, text=text, **kw)  # type: ignore[arg-type]


def finding(
    sub: Document,
    start: int,
    end: int,
    kind: Kind,
    other: Document | None = None,
    other_range: tuple[int, int] | None = None,
) -> Finding:
    o0, o1 = other_range or (start, end)
    return Finding(
        submission=sub.id,
        kind=kind,
        start=start,
        end=end,
        text=sub.text[start:end],
        source=other.id if other else None,
        source_path=other.path if other else None,
        source_start=o0 if other else None,
        source_end=o1 if other else None,
        words=len(sub.text[start:end].split()),
        tfidf=1.0,
        containment=1.0,
    )


def result_of(docs: list[Document], findings: list[Finding], **kw: object) -> ScanResult:
    subs = tuple(
        SubmissionSummary(d.id, d.path, d.student, len(d.text.split()), 0.1 * i, 0.1 * i, d.flags)
        for i, d in enumerate(docs)
        if d.role is Role.SUBMISSION
    )
    return ScanResult(
        settings={},
        generated_at="2025-02-10T08:00:00+00:00",
        submissions=subs,
        findings=tuple(findings),
        documents={d.id: d for d in docs},
        **kw,  # type: ignore[arg-type]
    )


def strip_markup(rendered: str) -> str:
    """The text a highlighted rendering shows, without the [n kind] / [end n] markers."""
    markers = r'<a class="tag[^"]*"[^>]*>[^<]*</a>|<span class="tag end[^"]*">[^<]*</span>'
    no_markers = re.sub(markers, "", rendered)
    return html.unescape(re.sub(r"<[^>]+>", "", no_markers))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScanResult]:
    return build_report(tmp_path_factory.mktemp("hostile"))


# ---------------------------------------------------------------- segments


@pytest.mark.parametrize(
    ("length", "ranges", "expected"),
    [
        (0, [], []),
        (5, [], [Run(0, 5, ())]),
        (10, [(2, 5)], [Run(0, 2, ()), Open(0), Run(2, 5, (0,)), Close(0), Run(5, 10, ())]),
        # nested: the outer range opens first and closes last
        (10, [(2, 6), (0, 10)],
         [Open(1), Run(0, 2, (1,)), Open(0), Run(2, 6, (0, 1)), Close(0), Run(6, 10, (1,)),
          Close(1)]),
        # overlapping without nesting
        (10, [(0, 6), (4, 10)],
         [Open(0), Run(0, 4, (0,)), Open(1), Run(4, 6, (0, 1)), Close(0), Run(6, 10, (1,)),
          Close(1)]),
        # touching: the first closes before the second opens
        (6, [(0, 3), (3, 6)], [Open(0), Run(0, 3, (0,)), Close(0), Open(1), Run(3, 6, (1,)),
                               Close(1)]),
        # identical ranges, an empty range, and ranges past the end are clamped
        (4, [(1, 3), (1, 3)], [Run(0, 1, ()), Open(0), Open(1), Run(1, 3, (0, 1)), Close(1),
                               Close(0), Run(3, 4, ())]),
        (4, [(2, 2)], [Run(0, 2, ()), Open(0), Close(0), Run(2, 4, ())]),
        (4, [(-3, 99)], [Open(0), Run(0, 4, (0,)), Close(0)]),
        (0, [(0, 5)], [Open(0), Close(0)]),
    ],
)  # fmt: skip
def test_split_cuts_at_every_boundary(
    length: int, ranges: list[tuple[int, int]], expected: list[object]
) -> None:
    assert split(length, ranges) == expected


@given(
    st.integers(0, 60).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(-2, n + 2), st.integers(-2, n + 2)), max_size=8),
        )
    )
)
def test_split_invariants(case: tuple[int, list[tuple[int, int]]]) -> None:
    length, ranges = case
    pieces = split(length, ranges)
    runs = [p for p in pieces if isinstance(p, Run)]
    # runs tile the text exactly
    assert sum(r.end - r.start for r in runs) == length
    assert all(a.end == b.start for a, b in itertools.pairwise(runs))
    for i, (s, e) in enumerate(ranges):
        s, e = min(max(s, 0), length), min(max(e, min(max(s, 0), length)), length)
        opens = [k for k, p in enumerate(pieces) if p == Open(i)]
        closes = [k for k, p in enumerate(pieces) if p == Close(i)]
        assert len(opens) == len(closes) == 1 and opens[0] < closes[0]
        inside = [p for p in pieces[opens[0] : closes[0]] if isinstance(p, Run)]
        # a range covers exactly the runs between its open and close, and is active in them
        assert sum(r.end - r.start for r in inside) == e - s
        assert all(i in r.active for r in inside)
        assert all(i not in r.active for r in runs if r not in inside)


# ---------------------------------------------------------------- highlighting


def test_overlapping_findings_render_every_character_once() -> None:
    text = 'Alpha <b>beta</b> & gamma "delta" epsilon zeta eta theta iota kappa.'
    sub, src = doc("s1", text), doc("x1", text, Role.SOURCE, title="T")
    findings = [
        finding(sub, 0, 30, Kind.UNATTRIBUTED_COPY, src),
        finding(sub, 10, 45, Kind.PEER_OVERLAP, src),  # overlaps the first
        finding(sub, 20, 25, Kind.ATTRIBUTED_QUOTE, src),  # nested in both
        finding(sub, 45, 60, Kind.MISCITED, src),  # touches the second
    ]
    rendered = highlighted(text, findings, {})
    assert strip_markup(rendered) == text
    for n in range(1, len(findings) + 1):
        assert f'id="m{n}" href="#f{n}"' in rendered
        assert f"[end {n}]" in rendered
    runs = [p for p in split(len(text), [(f.start, f.end) for f in findings]) if isinstance(p, Run)]
    assert rendered.count("<mark ") == sum(1 for r in runs if r.active) == 6
    # text inside two findings is outlined and its tooltip names both
    both = 'class="hl k-unattributed-copy s-high multi" title="1 unattributed copy; 2 peer overlap"'
    assert f"<mark {both}" in rendered
    assert "&lt;b&gt;beta&lt;/b&gt; &amp; gamma &quot;delta&quot;" in html.escape(
        strip_markup(rendered)
    )


def test_disguises_are_made_visible() -> None:
    text = "Cl\u0456ents who\u200b fe\u0435l \u0440\u0443\u0441\u0441\u043a\u0438\u0439 lectured"
    marks = disguises(text)
    assert set(marks) == {2, 11, 15}  # Cyrillic і, zero-width space, Cyrillic е; not a Russian word
    rendered = highlighted(text, [], marks)
    assert rendered.count('class="glyph"') == 2 and rendered.count('class="invis"') == 1
    assert "U+200B" in rendered and "U+0456" in rendered


def test_every_disguising_character_is_found_and_plain_text_has_none() -> None:
    for char in [*INVISIBLE, *HOMOGLYPHS]:
        text = f"plain words, then cl{char}ents again"
        assert set(disguises(text)) == {text.index(char)}, repr(char)
    assert disguises("Plain text, with \u201ccurly\u201d quotes and caf\u00e9s.") == {}


def test_excerpt_shows_context_cut_at_words_and_the_citation() -> None:
    text = " ".join(f"w{i}" for i in range(200))
    start = text.index("w100")
    end = text.index("w110") + 4
    cite = text.index("w115"), text.index("w116") + 4
    shown = excerpt(text, [(start, end, "hl k-miscited"), (*cite, "cite")], {}, context=40)
    plain = html.unescape(re.sub(r"<[^>]+>", "", shown))
    assert plain.startswith("…w") and plain.endswith("…")
    assert plain[1:].split()[0] in text.split() and "w115 w116" in plain
    assert '<mark class="cite">w115 w116</mark>' in shown
    # offsets past the text (a damaged store) show what there is instead of failing
    assert excerpt("short text", [(6, 99, "hl")], {}) == 'short <mark class="hl">text</mark>'
    assert excerpt("", [(0, 0, "hl")], {}) == ""


# ---------------------------------------------------------------- escaping and safety


SAFE_HREF = re.compile(
    r"#[fm]\d+|#passage-\d+|\.\./index\.html|(submissions/)?[A-Za-z0-9._-]+\.html(#f\d+)?"
)
#: The overview's own pictures and form: no other SVG, form or input may be in a page.
OUR_SVGS = {"bar", "chart spread", "chart clusters"}
OUR_CONTROLS = {("form", "filters"), ("input", "f-min"), ("input", "f-who")}


def test_hostile_strings_are_text_everywhere(hostile: tuple[Path, ScanResult]) -> None:
    out, _ = hostile
    pages = [out / "index.html", *sorted((out / "submissions").glob("*.html"))]
    assert len(pages) == 13
    for path in pages:
        source = path.read_text(encoding="utf-8")
        page = Page(source)
        tags = {t for t, _ in page.tags}
        assert not tags & {"img", "iframe", "object", "embed", "base", "link", "foreignobject"}
        controls = {(t, a.get("id")) for t, a in page.tags if t in ("form", "input")}
        assert controls == (OUR_CONTROLS if path.name == "index.html" else set())
        for tag, attributes in page.tags:
            assert not any(name.startswith("on") for name in attributes), (path, tag, attributes)
            if tag == "a":
                assert SAFE_HREF.fullmatch(attributes["href"]), (path, attributes["href"])
            if tag == "svg":
                assert attributes["class"] in OUR_SVGS
        assert "<img" not in source and "<svg onload" not in source
        for payload in (SCRIPT, IMG, LINK):
            assert payload not in source
    index = (out / "index.html").read_text(encoding="utf-8")
    assert html.escape(BROKEN_NAME, quote=True) in index and "Files not read (1)" in index
    mallory = next((out / "submissions").glob("mallory-*.html")).read_text(encoding="utf-8")
    for payload in (SCRIPT, IMG, LINK):
        assert html.escape(payload, quote=True) in mallory
    assert f"{PWNED}" in "".join(Page(mallory).text)


def test_each_page_allows_only_its_own_style_and_script(hostile: tuple[Path, ScanResult]) -> None:
    out, result = hostile
    found = {f.submission for f in result.findings}
    pages = {page_name(s): s.id in found for s in result.submissions}
    assert any(pages.values()) and not all(pages.values())  # pages with cards and without
    for path in [out / "index.html", *(out / "submissions").glob("*.html")]:
        page = Page(path.read_text(encoding="utf-8"))
        script = (
            OVERVIEW_SCRIPT
            if path.name == "index.html"
            else COPY_SCRIPT
            if pages[path.name]
            else None
        )
        style = OVERVIEW_CSS if path.name == "index.html" else CSS
        assert page.styles == [style]
        assert page.scripts == ([script] if script else [])
        (meta,) = [m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
        policy = meta["content"]
        assert policy == content_security_policy(style, script)
        assert "default-src 'none'" in policy and "unsafe-inline" not in policy
        if script is None:
            assert "script-src 'none'" in policy


def test_links_and_attributes_cannot_be_smuggled() -> None:
    assert attrs(title='"><script>x</script>', data_x="a&b") == (
        ' title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;" data-x="a&amp;b"'
    )
    assert page_href("submissions", "w01-0123456789abcdef.html", fragment="f2") == (
        "submissions/w01-0123456789abcdef.html#f2"
    )
    for bad in ("javascript:alert(1)", "../x.html", "a/b.html", "..", "x y.html", "data:x"):
        with pytest.raises(ValueError):
            page_href(bad)


@pytest.mark.parametrize(
    "path",
    [
        'eve"><svg onload=alert(1)>.txt',
        "javascript:alert(1).txt",
        "../../etc/passwd",
        "C:\\x\\<b>.docx",
        "forum.csv#<i>7</i>",
        "\u6f22\u5b57.txt",
        "",
    ],
)
def test_page_names_are_safe(path: str) -> None:
    name = page_name(SubmissionSummary("0123456789abcdef", path, None, 1, 0.0, 0.0))
    assert re.fullmatch(r"[\w.-]+-0123456789abcdef\.html", name)
    assert page_href("submissions", name)


# ---------------------------------------------------------------- pages


def test_every_finding_has_a_marker_a_card_and_both_panes(
    hostile: tuple[Path, ScanResult],
) -> None:
    out, result = hostile
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.submission] = counts.get(f.submission, 0) + 1
    for s in result.submissions:
        page = Page((out / "submissions" / page_name(s)).read_text(encoding="utf-8"))
        n = counts.get(s.id, 0)
        expected = {f"m{i}" for i in range(1, n + 1)} | {f"f{i}" for i in range(1, n + 1)}
        assert expected <= page.ids()
        panes = [
            a["class"] for t, a in page.tags if t == "section" and "side" in a.get("class", "")
        ]
        assert panes.count("side mine") == n and panes.count("side theirs") == n


def test_overview_is_sorted_by_similarity_and_links_every_submission(
    hostile: tuple[Path, ScanResult],
) -> None:
    out, result = hostile
    page = Page((out / "index.html").read_text(encoding="utf-8"))
    links = [a["href"] for a in page.all("a") if a.get("class") == "who"]
    ordered = sorted(result.submissions, key=lambda s: (-s.similarity, -s.overlap, s.path))
    assert links == [f"submissions/{page_name(s)}" for s in ordered]
    assert all((out / href).exists() for href in links)
    (th,) = [a for t, a in page.tags if t == "th" and a.get("aria-sort")]
    assert th["aria-sort"] == "descending"


def test_overview_lists_file_errors_and_flags(tmp_path: Path) -> None:
    sub = doc("s1", "some words here", flags=("homoglyphs",), student="<i>Ann</i>")
    result = result_of([sub], [], errors=(FileError("<b>bomb</b>.zip", "refused: <too big>"),))
    write_html(result, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;bomb&lt;/b&gt;.zip" in index and "refused: &lt;too big&gt;" in index
    assert "Files not read (1)" in index and "homoglyphs" in index
    assert "&lt;i&gt;Ann&lt;/i&gt;" in index


def test_clusters_say_who_shares_a_passage_and_who_was_first() -> None:
    text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    a = doc("a", text, student="A", submitted_at="2025-02-03T10:00:00")
    b = doc("b", "x " + text, student="B", submitted_at="2025-02-01T10:00:00")
    c = doc("c", text + " y", student="C", submitted_at="2025-02-05T10:00:00")
    n = len(text)
    findings = [
        finding(a, 0, n, Kind.PEER_OVERLAP, b, (2, n + 2)),
        finding(b, 2, n + 2, Kind.PEER_OVERLAP, a, (0, n)),
        finding(a, 0, n - 6, Kind.PEER_OVERLAP, c, (0, n - 6)),  # overlaps a's other passage
        finding(c, 0, n - 6, Kind.PEER_OVERLAP, a, (0, n - 6)),
    ]
    (cluster,) = peer_clusters(result_of([a, b, c], findings))
    assert [m.submission for m in cluster.members] == ["b", "a", "c"]
    assert cluster.first
    undated = [doc("a", text), doc("b", "x " + text)]
    (cluster,) = peer_clusters(result_of(undated, findings[:2]))
    assert not cluster.first


def test_peer_cards_link_to_the_mirror_finding(tmp_path: Path) -> None:
    text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    a = doc(
        "aaaaaaaaaaaaaaaa",
        "intro " + text,
        path="a.txt",
        student="A",
        submitted_at="2025-02-03T10:00",
    )
    b = doc("bbbbbbbbbbbbbbbb", text, path="b.txt", student="B", submitted_at="2025-02-01T10:00")
    n = len(text)
    result = result_of(
        [a, b],
        [
            finding(a, 6, n + 6, Kind.PEER_OVERLAP, b, (0, n)),
            finding(b, 0, n, Kind.PEER_OVERLAP, a, (6, n + 6)),
        ],
    )
    write_html(result, tmp_path)
    page_a = (tmp_path / "submissions" / "a-aaaaaaaaaaaaaaaa.html").read_text(encoding="utf-8")
    assert 'href="b-bbbbbbbbbbbbbbbb.html#f1"' in page_a
    assert "submitted before this one" in page_a
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "first to submit" in index and "2 submissions share" in index


def test_write_html_replaces_only_its_own_stale_pages(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "gone-0123456789abcdef.html").write_text("old")
    (folder / "notes.html").write_text("mine")
    sub = doc("fedcba9876543210", "text", path="s1.txt")
    written = write_html(result_of([sub], []), tmp_path)
    assert [p.name for p in written] == ["index.html", "s1-fedcba9876543210.html"]
    assert not (folder / "gone-0123456789abcdef.html").exists()
    assert (folder / "notes.html").read_text() == "mine"


def test_write_html_error_is_typed(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file, not a folder")
    with pytest.raises(OverlapError, match="cannot write the HTML report"):
        write_html(result_of([doc("s1", "text")], []), tmp_path / "out")


# ---------------------------------------------------------------- evidence and word differences


def evidence_card(mine: str, theirs: str, evidence: Evidence, role: Role = Role.SOURCE) -> str:
    """The card of one finding: all of ``mine`` matching all of ``theirs``."""
    sub = doc("s1", mine)
    other = doc("x1", theirs, role, title="T")
    f = finding(sub, 0, len(mine), Kind.UNATTRIBUTED_COPY, other, (0, len(theirs)))
    f = dataclasses.replace(f, evidence=evidence)
    return card(f, 1, Site.of(result_of([sub, other], [f])))


def compared(article: str) -> str:
    """The blockquote of a card's word-by-word comparison."""
    found = re.search(
        r'<section class="side diff"[^>]*>.*?<blockquote>(.*?)</blockquote>', article, re.S
    )
    assert found, article
    return found.group(1)


def marked(tag: str, shown: str) -> list[str]:
    """The visible words inside each ``<tag>`` of a comparison, unescaped."""
    inner = re.findall(rf"<{tag}>(.*?)</{tag}>", shown)
    return [html.unescape(re.sub(r'<span class="vh">[^<]*</span>', "", m)) for m in inner]


SOURCE = "Clients with histories of coercive treatment by health or legal systems may doubt it."
EDITED = "Clients with histories of coercive treatment by medical or legal systems may doubt it."


def test_edited_card_says_what_changed_and_marks_the_changed_words() -> None:
    article = evidence_card(EDITED, SOURCE, Evidence.EDITED)
    assert "Evidence: <b>edited copy</b> — 1 word changed." in article
    shown = compared(article)
    assert marked("del", shown) == ["health"] and marked("ins", shown) == ["medical"]
    # the marks read without colour and to screen readers: labelled, in order, in brackets
    plain = html.unescape(re.sub(r"<[^>]+>", "", shown))
    assert plain == (
        "Clients with histories of coercive treatment by [only in the source: health] "
        "[only in this submission: medical] or legal systems may doubt it."
    )
    # shared words stay plain text
    assert "Clients with histories of coercive treatment by <del>" in shown
    reworked = "Clients with histories of harsh coercive treatment by health systems may doubt it."
    article = evidence_card(reworked, SOURCE, Evidence.EDITED)
    assert "<b>edited copy</b> — 1 word inserted, 2 words dropped." in article
    assert marked("ins", compared(article)) == ["harsh"]
    assert marked("del", compared(article)) == ["or legal"]


def test_exact_card_shows_no_word_differences() -> None:
    article = evidence_card(SOURCE, SOURCE, Evidence.EXACT)
    assert "Evidence: <b>exact copy</b> — the same words in the same order." in article
    assert "<del" not in article and "<ins" not in article and "side diff" not in article


def test_paraphrase_card_counts_shared_words_and_names_the_other_side() -> None:
    theirs = "Motivation grows when people hear their own reasons for change spoken aloud."
    mine = "People gain motivation when their own reasons to change are said aloud."
    article = evidence_card(mine, theirs, Evidence.PARAPHRASE, Role.PRIOR)
    diff = word_diff(mine, theirs)
    assert 0 < diff.shared < diff.words == len(tokenise(mine))
    assert (
        f"<b>paraphrase</b> — sentences alike in their words, reworded; {diff.shared} of its "
        f"{diff.words} words match the prior-term post in order." in article
    )
    shown = compared(article)
    assert '<span class="vh">[only in the prior-term post: </span>' in shown
    assert "grows" in " ".join(marked("del", shown))
    assert "gain" in " ".join(marked("ins", shown))


def test_hostile_words_inside_a_diff_are_text() -> None:
    theirs = 'They said <b onmouseover="x()">yes</b> & left'
    mine = "They said <script>alert('PWNED')</script> & left"
    shown = compared(evidence_card(mine, theirs, Evidence.EDITED))
    assert "<script" not in shown and "<b " not in shown and 'onmouseover="' not in shown
    # a run spans from its first word to its last: the markup between them is its text
    assert marked("ins", shown) == ["script>alert('PWNED')</script"]
    assert marked("del", shown) == ['b onmouseover="x()">yes</b']
    assert "script&gt;alert(&#x27;PWNED&#x27;)&lt;/script" in shown
    assert set(re.findall(r"</?([a-z]+)", shown)) == {"del", "ins", "span"}


@pytest.mark.parametrize(
    ("mine", "theirs", "counts"),
    [
        # (shared, changed, inserted, dropped)
        ("a b c", "a b c", (3, 0, 0, 0)),
        ("A b, C!", "a B c", (3, 0, 0, 0)),  # compared on normalised words
        ("a x c", "a b c", (2, 1, 0, 0)),
        ("a b new c", "a b c", (3, 0, 1, 0)),
        ("a c", "a b c", (2, 0, 0, 1)),
        ("a x y c", "a b c", (2, 1, 1, 0)),
        ("", "a b", (0, 0, 0, 2)),
        ("a b", "", (0, 0, 2, 0)),
        ("", "", (0, 0, 0, 0)),
    ],
)
def test_word_diff_counts(mine: str, theirs: str, counts: tuple[int, int, int, int]) -> None:
    diff = word_diff(mine, theirs)
    assert (diff.shared, diff.changed, diff.inserted, diff.dropped) == counts


_WORDS = ["the", "The", "cat", "sat", "on", "mat", "a", "dog", "<b>", "&", "Éa", "x'y"]
_GAPS = [" ", ", ", "\n", ". ", " -- "]
passages = st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GAPS)), max_size=12).map(
    lambda pairs: "".join(w + g for w, g in pairs).strip()
)


@given(passages, passages)
def test_word_diff_keeps_both_texts(mine: str, theirs: str) -> None:
    diff = word_diff(mine, theirs)
    runs = diff.runs

    def norms(text: str, start: int, end: int) -> list[str]:
        return list(tokenise(text[start:end]).norms)

    ours = [w for r in runs if r.side is not Side.THEIRS for w in norms(mine, r.start, r.end)]
    other = [
        w
        for r in runs
        if r.side is not Side.MINE
        for w in norms(theirs if r.side is Side.THEIRS else mine, r.start, r.end)
    ]
    assert ours == list(tokenise(mine).norms) and other == list(tokenise(theirs).norms)
    # the rendering is the passage as written, the other side's words woven in
    shown = diff_html(mine, theirs, diff, other="the source")
    dropped = r"<del>(?:(?!</del>).)*</del>"  # one <del> element, not a run of them
    without_theirs = re.sub(rf"{dropped} | {dropped}$", "", shown, flags=re.S)
    assert html.unescape(re.sub(r'<span class="vh">[^<]*</span>|<[^>]+>', "", without_theirs)) == (
        mine
    )


def test_legend_explains_the_diff_marks() -> None:
    note = legend()
    assert "<ins>Underlined</ins>: only in this submission" in note
    assert "<del>struck through</del>: only in the other text" in note
