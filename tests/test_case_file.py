"""Case files: one submission of a report as a self-contained, printable HTML page."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from clirun import invoke
from pypdf import PdfReader

from overlap.errors import InputError
from overlap.indexing.add import add_to_corpus
from overlap.model import Finding, Kind, Role, ScanResult, SubmissionSummary
from overlap.report.case import case_file, read_history
from overlap.report.case.choosing import choose_submission
from overlap.report.case.style import CSS
from overlap.report.html.markup import sha256_source
from overlap.review.decisions import Action, Decision, new_decision
from overlap.scanning.files import scan_paths
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import record_decisions
from tests.conftest import prose
from tests.hostile import IMG, PWNED, SCRIPT, Page
from tests.test_report_browser import FLAGS, TIMEOUT, chromium

#: Copied by Ann from the source, without quotation marks or citation.
COPIED = (
    "A counsellor who waits through the pause after a hard question gives the client room "
    f"to find <b>their own</b> reasons {SCRIPT} and those reasons tend to outlast any advice"
)
#: Shared by Ann and Bo.
SHARED = (
    f"Our group kept a shared notebook {IMG} where each of us wrote down one question that had "
    "worked with a teenager and one that had made the conversation stall completely"
)
#: Taken by Ann from a prior-term post.
PRIOR = (
    "During my placement I learned that silence in a session is rarely empty because the "
    "client is usually deciding how much of the real story they are ready to tell"
)
ANN = f"{SCRIPT}Ann Example"
TITLE = f"{SCRIPT}Listening & Waiting"
AUTHOR = f"{IMG}Okafor, N."
REVIEWER = f"{SCRIPT}r.marker"
NOTE = f"Talked to the student {IMG} about it"
WRITTEN = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def _metadata(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def write_case_set(root: Path) -> tuple[Path, Path, Path]:
    """Sources, prior posts and a week of two posts with a copy, a shared and a prior passage."""
    sources, prior, week = root / "sources", root / "prior", root / "week"
    for folder in (sources, prior, week):
        folder.mkdir(parents=True)
    (sources / "src.txt").write_text(f"{prose(21, 100)} {COPIED}. {prose(22, 60)}\n")
    _metadata(
        sources / "metadata.csv",
        [["path", "author", "year", "title"], ["src.txt", AUTHOR, "2020", TITLE]],
    )
    (prior / "p1.txt").write_text(f"{prose(23, 50)} {PRIOR}. {prose(24, 30)}\n")
    _metadata(
        prior / "metadata.csv",
        [["path", "student", "term"], ["p1.txt", "Old <i>Student</i>", "Fall 2023"]],
    )
    (week / "a.txt").write_text(
        f"{prose(25, 40)} {COPIED}. {prose(26, 30)}\n\n{SHARED}. {prose(27, 20)}\n\n"
        f"{PRIOR}. {prose(28, 20)} {SCRIPT}\n"
    )
    (week / "b.txt").write_text(f"{prose(29, 50)} {SHARED}. {prose(30, 30)}\n")
    _metadata(
        week / "metadata.csv",
        [
            ["path", "student", "submitted_at"],
            ["a.txt", ANN, "2025-03-04T10:00:00"],
            ["b.txt", "Bo Other", "2025-03-03T10:00:00"],
        ],
    )
    return sources, prior, week


@dataclass(frozen=True)
class Case:
    """A report, the store it read, its result and the decisions recorded before it."""

    report: Path
    store: Path
    result: ScanResult
    decisions: list[Decision]

    @property
    def ann(self) -> SubmissionSummary:
        return next(s for s in self.result.submissions if s.student == ANN)

    def findings(self) -> list[Finding]:
        return [f for f in self.result.findings if f.submission == self.ann.id]

    def finding(self, kind: Kind) -> Finding:
        return next(f for f in self.findings() if f.kind is kind)


def _decide(store: Path, result: ScanResult, ann: SubmissionSummary) -> list[Decision]:
    """Dismiss, reopen and confirm Ann's copy; dismiss her shared passage."""
    copy = next(
        f for f in result.findings if f.submission == ann.id and f.kind is Kind.UNATTRIBUTED_COPY
    )
    peer = next(
        f for f in result.findings if f.submission == ann.id and f.kind is Kind.PEER_OVERLAP
    )
    common = {"submission": ann.id, "path": ann.path}
    decisions = [
        new_decision(Action.DISMISS, by=REVIEWER, note=NOTE, target=copy.id, **common),
        new_decision(Action.REOPEN, by="second.marker", note="too close", target=copy.id, **common),
        new_decision(Action.CONFIRM, by="second.marker", note="", target=copy.id, **common),
        new_decision(Action.DISMISS, by="r.marker", note="group notes", target=peer.id, **common),
        new_decision(
            Action.DISMISS, by="r.marker", note="an older passage", target="0123456789abcdef",
            kind="missing_citation", **common,
        ),
    ]  # fmt: skip
    record_decisions(CorpusStore.open(store), decisions)
    return decisions


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    root = tmp_path_factory.mktemp("case")
    sources, prior, week = write_case_set(root)
    store = root / "store"
    add_to_corpus([sources], Role.SOURCE, store)
    add_to_corpus([prior], Role.PRIOR, store)
    first = scan_paths([week], store, root / "first")
    ann = next(s for s in first.submissions if s.student == ANN)
    decisions = _decide(store, first, ann)
    # Scanned again after the decisions: the report records their standing decisions.
    result = scan_paths([week], store, root / "report")
    return Case(root / "report", store, result, decisions)


def page_of(case: Case, submission: str | None = None) -> str:
    decisions, source = read_history(case.store)
    return case_file(
        case.report,
        submission or case.ann.id,
        decisions=decisions,
        source=source,
        written_at=WRITTEN,
    )


def shown(page: str) -> str:
    """The text a reader sees of a page (scripts and styles left out), whitespace collapsed."""
    return " ".join("".join(Page(page).text).split())


def squeezed(text: str) -> str:
    """A text without whitespace or hyphens, for comparing layouts that break lines anywhere.

    A line may break after a hyphen of the text, or a long word anywhere, so hyphens go on
    both sides of a comparison; ligatures a PDF keeps (``ﬁ``) are letters again (NFKC).
    """
    return re.sub(r"[\s\-\u00ad]+", "", unicodedata.normalize("NFKC", text))


def sections(page: str) -> list[str]:
    """The HTML of each finding's section, in order."""
    return page.split('<section class="case-finding"')[1:]


def test_the_fixture_has_every_kind_of_other_side(case: Case) -> None:
    kinds = {f.kind for f in case.findings()}
    assert {Kind.UNATTRIBUTED_COPY, Kind.PEER_OVERLAP, Kind.PRIOR_OVERLAP} <= kinds


def test_the_page_holds_every_passage_on_both_sides(case: Case) -> None:
    page = page_of(case)
    text = shown(page)
    findings = case.findings()
    assert len(sections(page)) == len(findings)
    for f in findings:
        me = case.result.documents[f.submission].text
        assert " ".join(me[f.start : f.end].split()) in text
        if f.source is not None:
            other = case.result.documents[f.source].text
            passage = other[f.source_start or 0 : f.source_end or 0]
            assert " ".join(passage.split()) in text
        assert f.id in text
    copy = sections(page)[
        [f.kind for f in sorted(findings, key=lambda f: f.start)].index(Kind.UNATTRIBUTED_COPY)
    ]
    assert "Listening &amp; Waiting" in copy and "2020" in copy  # the source's metadata
    prior = next(s for s in sections(page) if "prior-term" in s.lower())
    assert "Fall 2023" in prior and "Old &lt;i&gt;Student&lt;/i&gt;" in prior


def test_the_head_names_the_submission_scan_settings_and_store(case: Case) -> None:
    page = page_of(case)
    text = shown(page)
    ann = case.ann
    assert ann.id in text and ann.path in text and ANN in text
    assert f"<dt>Words</dt><dd>{ann.words}</dd>" in page
    scanned = json.loads((case.report / "findings.json").read_text(encoding="utf-8"))
    assert scanned["generated_at"] in text
    assert WRITTEN.isoformat(timespec="seconds") in text
    for key, value in scanned["settings"].items():
        assert key in text
        assert html.escape(value if isinstance(value, str) else json.dumps(value)) in page
    index = json.loads((case.report / "texts" / "index.json").read_text(encoding="utf-8"))
    assert index["store"]["state"] in text and str(case.store) in text
    assert "the same as the scan read" in text


def test_each_finding_shows_its_decision_history_and_standing_decision(case: Case) -> None:
    page = page_of(case)
    by_id = {f.id: s for f in case.findings() for s in sections(page) if f.id in s}
    copy, peer = case.finding(Kind.UNATTRIBUTED_COPY), case.finding(Kind.PEER_OVERLAP)
    prior = case.finding(Kind.PRIOR_OVERLAP)
    history = shown(by_id[copy.id].split("Decision history")[1])
    assert [a for a in ("dismissed", "reopened", "confirmed") if a in history] == [
        "dismissed",
        "reopened",
        "confirmed",
    ]
    assert history.index("dismissed") < history.index("reopened") < history.index("confirmed")
    assert html.escape(REVIEWER) in by_id[copy.id] and html.escape(NOTE) in by_id[copy.id]
    assert "recorded in the report: confirmed by second.marker" in shown(by_id[copy.id])
    assert "recorded in the report: dismissed by r.marker" in shown(by_id[peer.id])
    assert "No decision recorded about this finding" in shown(by_id[prior.id])
    for d in case.decisions[:4]:
        assert d.id in by_id[d.target or ""]
    # A decision about a finding the report does not hold is listed apart.
    assert "0123456789abcdef" in shown(page.split("Decisions about findings not in this report")[1])


def test_every_document_compared_is_listed_with_the_sha256_of_its_text(case: Case) -> None:
    page = page_of(case)
    table = shown(page.split('<table class="documents">')[1])
    index = json.loads((case.report / "texts" / "index.json").read_text(encoding="utf-8"))
    compared = {case.ann.id} | {f.source for f in case.findings() if f.source}
    assert len(compared) == 4  # the submission, the source, the prior post, Bo's post
    for doc_id in compared:
        text = case.result.documents[doc_id].text
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        written = (case.report / index["documents"][doc_id]["path"]).read_bytes()
        assert hashlib.sha256(written).hexdigest() == digest == index["documents"][doc_id]["sha256"]
        assert digest in table and doc_id in table


def test_hostile_names_and_texts_are_escaped(case: Case) -> None:
    page = page_of(case)
    parsed = Page(page)
    assert not parsed.all("script") and not parsed.all("img")
    assert not [a for _, a in parsed.tags for k in a if k.startswith("on")]
    text = "".join(parsed.text)
    for payload in (SCRIPT, IMG, TITLE, ANN, REVIEWER, NOTE):
        assert payload in text
    source = case.finding(Kind.UNATTRIBUTED_COPY).source or ""
    authors = case.result.documents[source].authors
    assert authors and all(a in text for a in authors)  # the metadata's ; splits names
    assert any("<img" in a for a in authors)
    assert PWNED not in parsed.title.replace(SCRIPT, "")
    # The only style is the page's own, allowed by its hash; nothing else may load or run.
    assert parsed.styles == [CSS]
    (meta,) = [a for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"]
    policy = meta["content"]
    assert f"style-src {sha256_source(CSS)}" in policy and "script-src 'none'" in policy
    assert "default-src 'none'" in policy


def test_the_print_stylesheet_keeps_passages_whole_and_starts_findings_on_new_pages() -> None:
    printed = CSS[CSS.index("@media print") :]
    assert re.search(r"\.case-finding \{[^}]*break-before: page", printed)
    assert re.search(r"blockquote[^{]*\{[^}]*break-inside: avoid", printed)
    assert "white-space: pre-wrap" in printed and "overflow: visible" in printed
    assert "max-height: none" in printed


def test_without_a_store_there_is_no_history_and_the_page_says_so(
    case: Case, tmp_path: Path
) -> None:
    decisions, source = read_history(tmp_path / "no-store")
    assert decisions == [] and not source.found
    page = case_file(case.report, case.ann.id, decisions=decisions, source=source)
    assert "no corpus store at" in shown(page)
    assert shown(page).count("No decision recorded about this finding") == len(case.findings())


def test_a_store_changed_since_the_scan_is_said(case: Case, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(case.store, store)
    late = new_decision(Action.DISMISS, by="late", note="", target=case.findings()[0].id)
    record_decisions(CorpusStore.open(store), [late])
    decisions, source = read_history(store)
    page = case_file(case.report, case.ann.id, decisions=decisions, source=source)
    assert "changed since the scan" in shown(page)


@pytest.mark.parametrize("how", ["id", "prefix", "upper prefix", "path"])
def test_a_submission_is_named_by_id_prefix_or_path(case: Case, how: str) -> None:
    ann = case.ann
    given = {
        "id": ann.id,
        "prefix": ann.id[:6],
        "upper prefix": ann.id[:7].upper(),
        "path": ann.path,
    }
    assert page_of(case, given[how]) == page_of(case)


def summary(doc_id: str, path: str) -> SubmissionSummary:
    return SubmissionSummary(doc_id, path, None, 10, 0.0, 0.0)


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ("abcdef", r"'abcdef' is the start of 2 submission ids .*give more digits"),
        ("same.txt", r"'same.txt' names 2 submissions .*give the id"),
        ("abcde", r"no submission 'abcde' .*6 or more hexadecimal digits.*submissions.csv"),
        ("ffffff", r"no submission 'ffffff' in .*submissions.csv"),
        ("w/x.txt", r"no submission 'w/x.txt' in .*findings.json"),
        ("", r"no submission '' in"),
    ],
)
def test_unknown_or_ambiguous_submissions_are_refused(given: str, error: str) -> None:
    subs = [
        summary("abcdef0011223344", "same.txt"),
        summary("abcdef9988776655", "same.txt"),
        summary("0123456789abcdef", "w/y.txt"),
    ]
    with pytest.raises(InputError, match=error):
        choose_submission(subs, given, Path("rep"))


def _broken(report: Path, tmp: Path, how: str) -> Path:
    """A copy of ``report`` broken in one way."""
    if how == "missing":
        return tmp / "nothing-here"
    if how == "file":
        (tmp / "a-file").write_text("x")
        return tmp / "a-file"
    copy = tmp / "report"
    shutil.copytree(report, copy)
    findings = copy / "findings.json"
    doc = json.loads(findings.read_text(encoding="utf-8"))
    if how == "no findings.json":
        findings.unlink()
    elif how == "not json":
        findings.write_text("{not json")
    elif how == "other schema":
        findings.write_text(json.dumps({**doc, "schema": "something/2"}))
    elif how == "bad finding":
        doc["findings"][0]["start"] = "twelve"
        findings.write_text(json.dumps(doc))
    elif how == "changed finding":
        doc["findings"][0]["start"] += 1
        findings.write_text(json.dumps(doc))
    elif how == "no texts":
        shutil.rmtree(copy / "texts")
    elif how == "changed text":
        index = json.loads((copy / "texts" / "index.json").read_text(encoding="utf-8"))
        for entry in index["documents"].values():
            path = copy / entry["path"]
            path.write_text(path.read_text(encoding="utf-8").replace("a", "e"), encoding="utf-8")
    elif how == "text outside":
        index_path = copy / "texts" / "index.json"
        index = json.loads(index_path.read_text(encoding="utf-8"))
        for entry in index["documents"].values():
            entry["path"] = "../findings.json"
        index_path.write_text(json.dumps(index))
    return copy


@pytest.mark.not_findings
@pytest.mark.parametrize(
    ("how", "error"),
    [
        ("missing", r"no report folder at .*nothing-here: write one with 'overlap scan"),
        ("file", r"a-file is a file, not a report folder"),
        ("no findings.json", r"is not a report folder: it has no findings.json"),
        ("not json", r"findings.json: not JSON"),
        ("other schema", r"findings.json: not an overlap findings document .*'something/2'"),
        ("bad finding", r"findings.json: .*finding 1: start must be a whole number"),
        ("changed finding", r"findings.json: .*finding 1: finding id .* is not the id"),
        ("no texts", r"texts/index.json: missing"),
        ("changed text", r"not the text the scan compared .*changed since the scan"),
        ("text outside", r"is not in texts/"),
    ],
)
def test_a_report_that_is_missing_or_damaged_is_refused_with_the_path_and_why(
    case: Case, tmp_path: Path, how: str, error: str
) -> None:
    with pytest.raises(InputError, match=error):
        case_file(_broken(case.report, tmp_path, how), case.ann.id)


def test_the_command_writes_the_case_file(case: Case, tmp_path: Path) -> None:
    out = tmp_path / "cases" / "ann.html"
    code, stdout, stderr = invoke(
        "case", case.ann.id[:8], "--report", case.report, "--out", out, "--corpus", case.store
    )
    assert (code, stderr) == (0, "")
    assert stdout.strip() == f"case file written to {out}"
    page = out.read_text(encoding="utf-8")
    assert case.ann.id in page and page.count('<section class="case-finding"') == len(
        case.findings()
    )
    assert [p.name for p in out.parent.iterdir()] == ["ann.html"]  # no temporary file left


def test_the_command_reads_the_default_store(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no corpus/store here
    code, _, stderr = invoke("case", case.ann.id, "--report", case.report, "--out", "c.html")
    assert (code, stderr) == (0, "")
    assert "no corpus store at corpus/store" in shown((tmp_path / "c.html").read_text())


def _ambiguous(report: Path, tmp: Path) -> tuple[Path, str]:
    """A copy of the report with a second submission whose id starts like the first's."""
    copy = tmp / "report"
    shutil.copytree(report, copy)
    doc = json.loads((copy / "findings.json").read_text(encoding="utf-8"))
    first = doc["submissions"][0]
    twin = {
        **first,
        "id": first["id"][:6] + ("0" * 10 if first["id"][6:] != "0" * 10 else "1" * 10),
    }
    doc["submissions"].append(twin)
    (copy / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
    return copy, first["id"][:6]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["ffffffffffff", "--report", "{report}"], "no submission 'ffffffffffff' in"),
        (["{prefix}", "--report", "{twin}"], "is the start of 2 submission ids"),
        (["{ann}", "--report", "{tmp}/none"], "no report folder at"),
        (["{ann}", "--report", "{report}", "--out", "{tmp}"], "is a folder"),
        (["{ann}", "--report", "{report}", "--out", "{report}/c.html"], "inside the report folder"),
        (["{ann}", "--report", "{report}", "--out", "{report}"], "is a folder"),
        (["{ann}", "--report", "{report}", "--corpus", "{report}/findings.json"], "is a file"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(
    case: Case, tmp_path: Path, args: list[str], error: str
) -> None:
    twin, prefix = _ambiguous(case.report, tmp_path)
    names = {
        "report": case.report,
        "twin": twin,
        "prefix": prefix,
        "ann": case.ann.id,
        "tmp": tmp_path,
    }
    argv = [a.format(**names) for a in args]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out.html")]
    code, stdout, stderr = invoke("case", *argv)
    assert code == 2 and stdout == ""
    assert stderr.startswith("error: ") and error in stderr and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "out.html").exists()


def print_to_pdf(binary: str, page: Path, pdf: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="overlap-chromium-") as profile:
        subprocess.run(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            check=True,
            timeout=TIMEOUT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@pytest.mark.slow
def test_the_printed_case_file_keeps_every_passage_and_starts_each_finding_on_a_page(
    case: Case, tmp_path: Path
) -> None:
    binary = chromium()
    if binary is None:
        pytest.skip("chromium not found: apt-get install -y chromium, or set CHROMIUM")
    page, pdf = tmp_path / "case.html", tmp_path / "case.pdf"
    page.write_text(page_of(case), encoding="utf-8")
    try:
        print_to_pdf(binary, page, pdf)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"chromium cannot print here: {exc}")
    pages = [p.extract_text() or "" for p in PdfReader(pdf).pages]
    assert len(pages) > 1
    whole = squeezed("\n".join(pages))
    findings = sorted(case.findings(), key=lambda f: f.start)
    for f in findings:
        assert squeezed(f.text) in whole, f.kind
        if f.source is not None:
            other = case.result.documents[f.source].text
            assert squeezed(other[f.source_start or 0 : f.source_end or 0]) in whole, f.kind
        assert f.id in whole
    # Each finding starts a page of its own, in order.
    starts = []
    for n in range(1, len(findings) + 1):
        heading = squeezed(f"Finding {n} of {len(findings)}")
        (at,) = [i for i, text in enumerate(pages) if squeezed(text).startswith(heading)]
        starts.append(at)
    assert starts == sorted(set(starts)) and starts[0] > 0
    # The table of documents prints every digest whole.
    compared = {case.ann.id} | {f.source for f in findings if f.source}
    for doc_id in compared:
        assert hashlib.sha256(case.result.documents[doc_id].text.encode()).hexdigest() in whole


def test_a_case_file_shows_no_review_commands(case: Case) -> None:
    """A case file is a record for a panel: the report's review commands are left out."""
    page = page_of(case)
    assert "overlap review" not in page and "--note" not in page
    assert "overlap review dismiss" in (case.report / "index.html").read_text() or any(
        "overlap review dismiss" in p.read_text() for p in case.report.rglob("*.html")
    )


def test_the_rules_in_force_for_the_submission_are_listed(case: Case) -> None:
    ann = case.ann
    rules = [
        new_decision(Action.EXCLUDE_SOURCE, by="a.office", note="open glossary",
                     other="f" * 16, source_path="sources/glossary.txt"),
        new_decision(Action.EXCLUDE_SOURCE, by="a.office", note="someone else's",
                     other="e" * 16, source_path="sources/other.txt", submission="0" * 16),
        new_decision(Action.ALLOW_PASSAGE, by="a.office", note="the handout",
                     passage=f"Every group {SCRIPT} writes the same opening line of the handout."),
    ]  # fmt: skip
    lifted = new_decision(Action.EXCLUDE_SOURCE, by="x", note="lifted", source_path="s/gone.txt")
    undo = new_decision(Action.REOPEN, by="x", note="", target=lifted.id)
    page = case_file(case.report, ann.id, decisions=[*case.decisions, *rules, lifted, undo])
    text = shown(page)
    assert "Rules in force" in text
    assert "sources/glossary.txt" in text and "open glossary" in text
    assert "Every group" in text and "the handout" in text
    assert "sources/other.txt" not in text  # for another submission
    assert "s/gone.txt" not in text  # lifted
    assert SCRIPT not in page  # the passage is escaped
    assert "Rules in force" not in shown(case_file(case.report, ann.id, decisions=case.decisions))
