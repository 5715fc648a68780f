"""Quotations found in no source: shown as info, outside the overlap share and eval precision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overlap.eval.attribution import evaluate_attribution, format_attribution
from overlap.indexing.add import add_to_corpus
from overlap.model import Kind, Role, ScanResult
from overlap.scanning.files import scan_paths
from tests.clirun import invoke

SOURCE = (
    "Homework Between Sessions\n\nBy R. Okafor\n\n"
    "Homework carries the work of a session into the week that follows it. A client who "
    "records one difficult moment each evening brings concrete material to the next meeting, "
    "and the counselor can ask about what happened rather than about what usually happens.\n\n"
    "Compliance with homework is rarely complete. Assignments that the client helped to design "
    "are finished more often than assignments handed over at the door, and a brief review at "
    "the start of every session signals that the task mattered to both people in the room.\n\n"
    "Written records also protect against the ordinary distortions of memory, which tend to "
    "smooth a hard week into a vague impression that nothing went right at any point.\n"
)
SOURCE_META = 'path,author,year,title\nokafor.txt,"Okafor, R.",2015,Homework Between Sessions\n'
#: Copied word for word from SOURCE.
COPIED = (
    "Assignments that the client helped to design are finished more often than assignments "
    "handed over at the door"
)
#: Words of clients the writers quote: in no source.
REMARK = (
    "I just want one ordinary week where I do not feel like I am holding my breath the whole time"
)
OTHER_REMARK = "If I write it down it becomes real and then I have to do something about it"

#: Posts that share no sentence but the copied one.
CLEAN_WITH_REMARK = (
    "At my placement we use short written tasks between sessions with most adults. One client "
    f'told me, "{REMARK}," at our second meeting. That sentence shapes how I plan the first '
    "few weeks with every new client now.\n"
)
QUOTED_AND_CITED = (
    "Homework was the technique I chose for this week because my supervisor relies on it. "
    f'Okafor notes that "{COPIED}" (Okafor, 2015). I would like to try designing the tasks '
    "together with clients during my next rotation.\n"
)
COPY_AND_REMARK = (
    f"Tasks between sessions seem simple on paper. {COPIED}. A teenager once said, "
    f'"{OTHER_REMARK}," when I suggested a journal. We settled on a single line each night.\n'
)


def write_set(tmp_path: Path, posts: dict[str, str]) -> None:
    """SOURCE, an unrelated prior post and ``posts``, laid out like attribution-dev."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "okafor.txt").write_text(SOURCE)
    (tmp_path / "sources" / "metadata.csv").write_text(SOURCE_META)
    (tmp_path / "prior").mkdir()
    (tmp_path / "prior" / "p1.txt").write_text(
        "Last spring I wrote about breathing exercises for teenagers before exams.\n"
    )
    (tmp_path / "submissions").mkdir()
    for name, text in posts.items():
        (tmp_path / "submissions" / name).write_text(text)


def scan(tmp_path: Path, posts: dict[str, str]) -> ScanResult:
    """Index the set of :func:`write_set`, scan ``posts``, through the user's path."""
    write_set(tmp_path, posts)
    store = tmp_path / "store"
    add_to_corpus([tmp_path / "sources"], Role.SOURCE, store)
    add_to_corpus([tmp_path / "prior"], Role.PRIOR, store)
    return scan_paths([tmp_path / "submissions"], store, tmp_path / "report")


@pytest.mark.parametrize(
    ("post", "kinds", "counted"),
    [
        # a clean post quoting a client: the remark is shown, but no word of the post overlaps
        (CLEAN_WITH_REMARK, ["unmatched_quote"], set()),
        # an attributed quote is info, yet matched in a source: it counts toward overlap
        (QUOTED_AND_CITED, ["attributed_quote"], {"attributed_quote"}),
        (f'{QUOTED_AND_CITED}\nA client of mine said, "{REMARK}," and laughed.\n',
         ["attributed_quote", "unmatched_quote"], {"attributed_quote"}),
        (COPY_AND_REMARK, ["unattributed_copy", "unmatched_quote"], {"unattributed_copy"}),
    ],
)  # fmt: skip
def test_an_unmatched_quote_stays_a_finding_outside_the_overlap_share(
    tmp_path: Path, post: str, kinds: list[str], counted: set[str]
) -> None:
    result = scan(tmp_path, {"post.txt": post})
    (summary,) = result.submissions
    assert sorted(str(f.kind) for f in result.findings) == kinds
    words = sum(f.words for f in result.findings if str(f.kind) in counted)
    assert summary.overlap == round(words / summary.words, 4)
    written = json.loads((tmp_path / "report" / "findings.json").read_text())
    assert written["submissions"][0]["overlap"] == summary.overlap
    assert [f["kind"] for f in written["findings"]].count("unmatched_quote") == kinds.count(
        "unmatched_quote"
    )
    page = next((tmp_path / "report" / "submissions").glob("post-*.html")).read_text()
    assert ("unmatched quote" in page) is ("unmatched_quote" in kinds)


# ---------------------------------------------------------------- eval


def labelled_set(tmp_path: Path, truth: list[dict[str, object]]) -> Path:
    """A set laid out like attribution-dev: a quoted client remark in one post, a copy in one."""
    root = tmp_path / "set"
    root.mkdir()
    write_set(root, {"s1.txt": CLEAN_WITH_REMARK, "s2.txt": QUOTED_AND_CITED})
    (root / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in truth))
    return root


def quote_truth() -> dict[str, object]:
    start = QUOTED_AND_CITED.index(COPIED)
    return {
        "submission": "submissions/s2.txt",
        "kind": "attributed_quote",
        "source": "sources/okafor.txt",
        "start": start,
        "end": start + len(COPIED),
    }


def test_eval_lists_unlabelled_info_findings_without_a_precision(tmp_path: Path) -> None:
    root = labelled_set(tmp_path, [quote_truth()])
    figures = evaluate_attribution(root)
    unmatched = figures["kinds"]["unmatched_quote"]
    assert unmatched["findings"] == 1 and unmatched["truth"] == 0
    assert unmatched["measured"] is False
    assert unmatched["precision"] is None and unmatched["right"] is None
    quoted = figures["kinds"]["attributed_quote"]
    assert quoted["measured"] and quoted["precision"] == quoted["recall"] == 1.0
    shown = format_attribution(figures)
    (row,) = [line for line in shown.splitlines() if line.startswith("unmatched_quote")]
    assert row.split()[1:] == ["0", "0", "1", "-", "n/a", "-", "0"]
    assert "0.000" not in shown
    assert "not measured" in shown and "unmatched_quote (1 findings)" in shown
    code, stdout, _ = invoke("eval", "attribution", root, "--json")
    assert code == 0
    assert json.loads(stdout)["kinds"]["unmatched_quote"] == unmatched


def test_eval_still_counts_an_unlabelled_accusing_finding_as_wrong(tmp_path: Path) -> None:
    """A set that labels no attributed quote judges none; one that labels nothing of a copy
    kind says the copy is not there, so a finding of it is wrong."""
    root = labelled_set(tmp_path, [])
    figures = evaluate_attribution(root)
    assert figures["kinds"]["attributed_quote"]["measured"] is False
    (root / "submissions" / "s3.txt").write_text(COPY_AND_REMARK)
    figures = evaluate_attribution(root)
    copy = figures["kinds"][str(Kind.UNATTRIBUTED_COPY)]
    assert copy["measured"] is True and copy["findings"] == 1 and copy["precision"] == 0.0
    assert copy["right"] == 0
