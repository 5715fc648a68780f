"""Common phrasing: passages that many submissions of one scan share (stock replies)."""

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from overlap.errors import SettingsError
from overlap.indexing.add import add_to_corpus
from overlap.model import Kind, Role, ScanResult
from overlap.scanning.common import (
    common_bar,
    common_grams,
    common_runs,
    ngram_hashes,
    with_common_bar,
)
from overlap.scanning.files import scan_paths
from overlap.settings import Settings
from overlap.sketch.documents import term_frequencies
from overlap.text.shingles import word_hashes
from tests.clirun import invoke
from tests.conftest import prose
from tests.docmakers import docx_bytes, para

STOCK = (
    "Thank you so much for telling us about your placement this week because it made me "
    "rethink how I open my own sessions"
)
OTHER_STOCK = "Looking forward to reading everyone else's reflections on the case study next week"


def week(root: Path, posts: dict[str, str]) -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "s.txt").write_text(prose(9000, 200) + "\n")
    (root / "week").mkdir()
    for name, text in posts.items():
        (root / "week" / name).write_text(text)
    return root


def scan(root: Path, **kw: object) -> ScanResult:
    add_to_corpus([root / "sources"], Role.SOURCE, root / "store")
    return scan_paths([root / "week"], root / "store", root / "report", **kw)  # type: ignore[arg-type]


def kinds(result: ScanResult) -> Counter[str]:
    return Counter(f.kind.value for f in result.findings)


def stock_posts(n: int, phrase: str = STOCK, offset: int = 0) -> dict[str, str]:
    return {
        f"p{k:03d}.txt": f"{prose(k + 100 + offset, 40)} {phrase}. {prose(k + 600 + offset, 50)}\n"
        for k in range(n)
    }


def test_bar_is_a_count_or_a_share_of_the_batch() -> None:
    s = Settings()
    assert common_bar(s, 300) == 10
    assert common_bar(with_common_bar(s, "3"), 300) == 3
    assert common_bar(with_common_bar(s, "5%"), 300) == 15
    assert common_bar(with_common_bar(s, " 50% "), 3) == 1  # never below one submission


@pytest.mark.parametrize("bad", ["0", "-2", "abc", "", "0%", "150%", "nan%", "inf%", "2.5"])
def test_a_bad_bar_is_a_settings_error_that_names_it(bad: str) -> None:
    with pytest.raises(SettingsError, match="common-phrase bar"):
        with_common_bar(Settings(), bad)


def test_runs_cover_the_shared_words_and_name_one_cluster_in_every_post() -> None:
    texts = [f"{prose(k, 10)} {STOCK} {prose(k + 50, 10)}".lower().split() for k in range(5)]
    hashes = [word_hashes(t) for t in texts]
    usable = [np.ones(len(t), dtype=np.bool_) for t in texts]
    runs = common_runs(hashes, usable, bar=3)
    assert [len(r) for r in runs] == [1] * 5
    assert len({r[0].cluster for r in runs}) == 1
    for words, (run,) in zip(texts, runs, strict=True):
        assert " ".join(words[run.start : run.stop]) == STOCK.lower()
        assert run.shared_by == 5
    # At the bar (5 posts, bar 5) nothing is common.
    assert common_runs(hashes, usable, bar=5) == [[]] * 5


def test_counts_of_disjoint_sets_of_posts_add_up_to_the_bar() -> None:
    # Six posts hold the stock reply, two in each of three sets: common only when summed.
    texts = [f"{prose(k, 10)} {STOCK} {prose(k + 50, 10)}".lower().split() for k in range(6)]
    texts += [prose(k + 200, 30).lower().split() for k in range(3)]
    grams = [ngram_hashes(word_hashes(t), np.ones(len(t), dtype=np.bool_))[0] for t in texts]
    sets = [grams[0:2] + grams[6:7], grams[2:4] + grams[7:8], grams[4:6] + grams[8:9]]
    counted = [term_frequencies(s) for s in sets]
    assert all(int(held.max()) == 2 for _, held in counted)
    whole = common_grams([term_frequencies(grams)], 5)
    assert len(whole) and np.array_equal(common_grams(counted, 5), whole)
    assert np.array_equal(common_grams(counted[::-1], 5), whole)  # in any order
    assert not len(common_grams(counted, 6))
    assert not len(common_grams([], 1)) and not len(common_grams([term_frequencies([])], 0))


def test_excluded_words_never_make_a_passage_common() -> None:
    texts = [f"{prose(k, 10)} {STOCK}".lower().split() for k in range(5)]
    hashes = [word_hashes(t) for t in texts]
    usable = [np.array([not w.startswith(("thank", "rethink")) for w in t]) for t in texts]
    runs = common_runs(hashes, usable, bar=2)
    # Only the words between the two excluded ones can form runs of eight.
    for words, found in zip(texts, runs, strict=True):
        assert [" ".join(words[r.start : r.stop]) for r in found] == [
            "you so much for telling us about your placement this week because it made me"
        ]


def test_a_stock_reply_in_every_post_is_one_info_finding_each_and_one_cluster(
    tmp_path: Path,
) -> None:
    result = scan(week(tmp_path, stock_posts(30)))
    assert kinds(result) == {"common_phrasing": 30}
    clusters = {f.cluster for f in result.findings}
    assert len(clusters) == 1
    for f in result.findings:
        assert f.text.rstrip(".") == STOCK and f.shared_by == 30 and f.source is None
    assert all(s.similarity == 0 for s in result.submissions)
    page = (tmp_path / "report" / "index.html").read_text()
    assert "Common phrasing (1)" in page
    assert page.count("30 submissions share") == 1
    doc = json.loads((tmp_path / "report" / "findings.json").read_text())
    assert {f["cluster"] for f in doc["findings"]} == clusters
    assert {f["shared_by"] for f in doc["findings"]} == {30}


def test_two_stock_replies_are_two_clusters(tmp_path: Path) -> None:
    posts = {
        f"p{k:03d}.txt": f"{prose(k + 100, 30)} {STOCK}. {prose(k + 600, 30)} {OTHER_STOCK}.\n"
        for k in range(12)
    }
    result = scan(week(tmp_path, posts))
    assert kinds(result) == {"common_phrasing": 24}
    assert len({f.cluster for f in result.findings}) == 2


def names(result: ScanResult) -> dict[str | None, str]:
    return {d.id: Path(d.path).name for d in result.documents.values()}


def test_below_the_bar_a_shared_passage_is_peer_overlap_once_per_post(tmp_path: Path) -> None:
    result = scan(week(tmp_path, stock_posts(4)))
    assert kinds(result) == {"peer_overlap": 4}
    assert len({f.cluster for f in result.findings}) == 1
    assert {f.shared_by for f in result.findings} == {4}
    named = names(result)
    # Without submission times, the earliest other member is the first by path.
    against = {named[f.submission]: named[f.source] for f in result.findings}
    assert against == {
        "p000.txt": "p001.txt",
        "p001.txt": "p000.txt",
        "p002.txt": "p000.txt",
        "p003.txt": "p000.txt",
    }
    page = next((tmp_path / "report" / "submissions").glob("p002-*.html")).read_text()
    assert "One of 4 submissions that share this passage" in page
    raised = scan(week(tmp_path / "again", stock_posts(4)), common_phrase="3")
    assert kinds(raised) == {"common_phrasing": 4}


def test_the_earliest_submission_is_who_the_others_are_compared_with(tmp_path: Path) -> None:
    root = week(tmp_path, stock_posts(3))
    (root / "week" / "metadata.csv").write_text(
        "path,submitted_at\np000.txt,2026-03-03T10:00:00\np001.txt,2026-03-01T10:00:00\n"
        "p002.txt,2026-03-02T10:00:00\n"
    )
    result = scan(root)
    named = names(result)
    against = {named[f.submission]: named[f.source] for f in result.findings}
    assert against == {"p000.txt": "p001.txt", "p001.txt": "p002.txt", "p002.txt": "p001.txt"}


def test_a_pair_is_a_cluster_of_two_reported_on_both_sides(tmp_path: Path) -> None:
    result = scan(week(tmp_path, stock_posts(2)))
    assert kinds(result) == {"peer_overlap": 2}
    a, b = result.findings
    assert a.cluster == b.cluster and a.shared_by == b.shared_by == 2
    assert (a.start, a.end) == (b.source_start, b.source_end)


def test_a_longer_copy_of_a_later_member_is_kept_where_it_adds_words(tmp_path: Path) -> None:
    shared, extra = prose(4242, 20), prose(4343, 30)
    posts = {
        "a.txt": f"{prose(1, 30)} {shared} {extra} {prose(2, 30)}\n",
        "b.txt": f"{prose(3, 30)} {shared} {prose(4, 30)}\n",
        "c.txt": f"{prose(5, 30)} {shared} {extra} {prose(6, 30)}\n",
    }
    result = scan(week(tmp_path, posts))
    named = names(result)
    in_a = sorted(
        (named[f.source], f.words) for f in result.findings if named[f.submission] == "a.txt"
    )
    # a shares 20 words with b (the earliest other by path) and 50 with c: both kept.
    assert in_a == [("b.txt", 20), ("c.txt", 50)]
    in_b = [named[f.source] for f in result.findings if named[f.submission] == "b.txt"]
    assert in_b == ["a.txt"]


def test_a_copy_holding_a_stock_reply_is_still_peer_overlap(tmp_path: Path) -> None:
    posts = stock_posts(12)
    copied = prose(7777, 40)
    posts["p000.txt"] = f"{copied} {STOCK}. {prose(700, 30)}\n"
    posts["p001.txt"] = f"{prose(701, 30)} {copied} {STOCK}.\n"
    result = scan(week(tmp_path, posts))
    peers = [f for f in result.findings if f.kind is Kind.PEER_OVERLAP]
    assert len(peers) == 2 and all(f.words >= 40 for f in peers)
    assert kinds(result)["common_phrasing"] == 12


def test_stock_reply_in_prior_posts_is_not_prior_overlap(tmp_path: Path) -> None:
    root = week(tmp_path, stock_posts(12))
    (root / "prior").mkdir()
    for k in range(3):
        (root / "prior" / f"old{k}.txt").write_text(f"{prose(k + 3000, 40)} {STOCK}.\n")
    add_to_corpus([root / "prior"], Role.PRIOR, root / "store")
    assert kinds(scan(root)) == {"common_phrasing": 12}


def test_a_source_quoted_by_every_student_is_reported_against_the_source(tmp_path: Path) -> None:
    root = week(tmp_path, {})
    source_text = (root / "sources" / "s.txt").read_text().split()
    quoted = " ".join(source_text[50:75])
    for k in range(12):
        (root / "week" / f"p{k}.txt").write_text(f"{prose(k + 100, 40)} {quoted} {prose(k, 9)}\n")
    result = scan(root)
    assert kinds(result) == {"unattributed_copy": 12}


def test_three_hundred_posts_sharing_a_stock_reply(tmp_path: Path) -> None:
    result = scan(week(tmp_path, stock_posts(300)))
    assert kinds(result) == {"common_phrasing": 300}
    assert len({f.cluster for f in result.findings}) == 1
    size = sum(p.stat().st_size for p in (tmp_path / "report").rglob("*") if p.is_file())
    assert size < 20 * 2**20, size
    page = (tmp_path / "report" / "index.html").read_text()
    assert len(re.findall(r"\d+ submissions share", page)) == 1
    assert "300 submissions share" in page


def test_scan_command_takes_the_bar_and_refuses_a_bad_one(tmp_path: Path) -> None:
    root = week(tmp_path, stock_posts(4))
    add_to_corpus([root / "sources"], Role.SOURCE, root / "store")
    args = ["scan", str(root / "week"), "--corpus", str(root / "store"), "--json"]
    code, stdout, stderr = invoke(*args, "--out", root / "r1", "--common-phrase", "50%")
    assert code == 0, stderr
    found = json.loads(stdout)["findings"]
    assert {f["kind"] for f in found} == {"common_phrasing"}
    code, stdout, stderr = invoke(*args, "--out", root / "r2", "--common-phrase", "lots")
    assert code == 2
    assert "common-phrase bar" in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_job_sets_the_bar_in_its_scan_table(tmp_path: Path) -> None:
    root = week(tmp_path, stock_posts(4))
    job = root / "weekly.toml"
    job.write_text(
        f'[job]\ncorpus = "{root / "store"}"\n[add]\nsource = ["{root / "sources"}"]\n'
        f'[scan]\npaths = ["{root / "week"}"]\nout = "{root / "r"}"\ncommon_phrase = 3\n'
    )
    code, _, stderr = invoke("run", job)
    assert code == 0, stderr
    doc = json.loads((root / "r" / "findings.json").read_text())
    assert {f["kind"] for f in doc["findings"]} == {"common_phrasing"}
    assert doc["settings"]["common_posts"] == 3


def test_a_stock_reply_is_common_whatever_format_each_post_is_in(tmp_path: Path) -> None:
    root = week(tmp_path, {})
    for k in range(12):
        own, more = prose(k + 100, 40), prose(k + 600, 40)
        if k % 3 == 0:
            (root / "week" / f"p{k:02d}.txt").write_text(f"{own}\n\n{STOCK}.\n\n{more}\n")
        elif k % 3 == 1:
            body = para(own) + para(f"{STOCK}.") + para(more)
            (root / "week" / f"p{k:02d}.docx").write_bytes(docx_bytes(body))
        else:
            html = f"<html><body><p>{own}</p><p>{STOCK}.</p><p>{more}</p></body></html>"
            (root / "week" / f"p{k:02d}.html").write_text(html)
    result = scan(root)
    assert kinds(result) == {"common_phrasing": 12}
    assert {f.text.rstrip(".") for f in result.findings} == {STOCK}


def test_the_terminal_says_how_many_share_a_common_passage(tmp_path: Path) -> None:
    root = week(tmp_path, stock_posts(12))
    add_to_corpus([root / "sources"], Role.SOURCE, root / "store")
    code, stdout, stderr = invoke(
        "scan", root / "week", "--corpus", root / "store", "--out", root / "r", "--all"
    )
    assert code == 0, stderr
    assert stdout.count("(shared by 12 submissions)") == 12
    assert "no source found" not in stdout
