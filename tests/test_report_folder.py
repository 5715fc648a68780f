"""The report folder: odd file names, where it may be written, and what a scan reads back."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from clirun import invoke
from conftest import ROOT
from reportcheck import whole_report

from overlap.indexing.add import add_to_corpus
from overlap.model import Document, Role, printable_path
from overlap.report.html.markup import page_href
from overlap.report.swap import REPORT_MARKER
from overlap.report.texts import text_file_name
from overlap.scanning.files import scan_paths


@pytest.fixture
def store(tiny_set: Path, tmp_path: Path) -> Path:
    add_to_corpus([tiny_set / "sources"], Role.SOURCE, tmp_path / "store")
    return tmp_path / "store"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# ---------------------------------------------------------------- item 1: names not UTF-8


def test_a_file_name_that_is_not_utf8_is_scanned_and_shown_as_hex(
    tiny_set: Path, store: Path, tmp_path: Path
) -> None:
    week = tmp_path / "week"
    week.mkdir()
    text = (tiny_set / "submissions" / "a.txt").read_bytes()
    for raw in (b"bad\xff.txt", b"bad\xfe.txt"):  # the same text: two names, two documents
        with open(os.fsencode(week) + b"/" + raw, "wb") as fh:
            fh.write(text)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "overlap", "scan", str(week), "--corpus", str(store),
         "--out", str(out)],
        capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    stdout, stderr = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0 and "Traceback" not in stderr, stderr
    assert "report written to" in stdout
    assert len(whole_report(out)) == 2
    report = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert sorted(s["path"] for s in report["submissions"]) == [
        f"{week.as_posix()}/bad\\xfe.txt",
        f"{week.as_posix()}/bad\\xff.txt",
    ]
    assert report["errors"] == []
    assert {f["submission"] for f in report["findings"]} == {s["id"] for s in report["submissions"]}
    assert "bad\\xff.txt" in (out / "findings.csv").read_text(encoding="utf-8")
    assert sorted(p.name.rsplit("-", 1)[0] for p in (out / "submissions").iterdir()) == [
        "bad_xfe",
        "bad_xff",
    ]
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_a_lone_surrogate_in_an_export_does_not_stop_the_report(
    tiny_set: Path, store: Path, tmp_path: Path
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    body = (tiny_set / "submissions" / "a.txt").read_text().replace('"', "'").replace("\n", " ")
    (posts / "forum.jsonl").write_text(json.dumps({"author": "Jo\ud800e", "text": body}) + "\n")
    result = scan_paths([posts], store, tmp_path / "out")
    assert [s.student for s in result.submissions] == ["Jo\ufffde"]
    assert len(whole_report(tmp_path / "out")) == 1


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.txt", "plain.txt"),
        ("Zoë.txt", "Zoë.txt"),
        ("bad\udcff\udc80.txt", "bad\\xff\\x80.txt"),
        ("lone\ud800.txt", "lone\ufffd.txt"),
    ],
)
def test_printable_path(name: str, shown: str) -> None:
    assert printable_path(name) == shown


def test_a_result_is_made_printable_but_for_its_candidates() -> None:
    """Candidate pairs (millions in a large scan) are shown nowhere: left as they are."""
    from overlap.model import ScanResult
    from overlap.report.printable import printable_result

    bad = "bad\udcff.txt"
    result = ScanResult(
        settings={},
        generated_at="",
        submissions=(),
        findings=(),
        store=bad,
        candidates=frozenset({(bad, "x")}),
    )
    shown = printable_result(result)
    assert shown.store == "bad\\xff.txt"
    assert shown.candidates is result.candidates


# ---------------------------------------------------------------- item 5: where a report goes


def test_a_report_inside_the_scanned_folder_is_not_read_back(
    tiny_set: Path, store: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    week = tmp_path / "week"
    shutil.copytree(tiny_set / "submissions", week)
    first = scan_paths([week], store, week / "report")
    with caplog.at_level(logging.WARNING):
        second = scan_paths([week], store, week / "report")
    assert len(first.submissions) == len(second.submissions) == 3
    assert f"skipping {(week / 'report').as_posix()}: a report folder" in caplog.text
    assert (week / "report" / REPORT_MARKER).is_file()
    assert len(whole_report(week / "report")) == 3


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("", "is the current folder or holds it"),
        (".", "is the current folder or holds it"),
        ("{tmp}", "is the current folder or holds it"),
        ("{store}", "is the corpus store"),
        ("{store}/reports", "is inside the corpus store"),
        ("{tmp}/deploy", "holds the corpus store"),
        ("{week}", "is a folder the scan reads"),
        ("{tmp}/in", "holds {tmp}/in/week, which the scan reads"),
        ("{tmp}/notes", "holds files that are not a report (keep.txt)"),
        ("{tmp}/file.txt", "is a file, not a report folder"),
    ],
)
def test_out_that_would_replace_other_files_is_refused(
    tiny_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, message: str
) -> None:
    deploy = tmp_path / "deploy"
    add_to_corpus([tiny_set / "sources"], Role.SOURCE, deploy / "store")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine")
    (tmp_path / "file.txt").write_text("mine")
    week = shutil.copytree(tiny_set / "submissions", tmp_path / "in" / "week")
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    target = out.format(tmp=tmp_path, store=deploy / "store", week=week)
    code, stdout, stderr = invoke("scan", week, "--corpus", deploy / "store", "--out", target)
    assert code == 2, stdout
    assert stderr.startswith("error: --out") and message.format(tmp=tmp_path) in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert tree(tmp_path) == before


def test_a_report_folder_keeps_hidden_files_of_its_own(
    store: Path, tiny_set: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    scan_paths([tiny_set / "submissions"], store, out)
    (out / ".htaccess").write_text("Require all granted\n")
    scan_paths([tiny_set / "submissions" / "a.txt"], store, out)
    assert (out / ".htaccess").read_text() == "Require all granted\n"
    assert len(whole_report(out)) == 1


# ---------------------------------------------------------------- item 19: page names


@pytest.mark.parametrize(
    ("path", "stem"),
    [
        ("week/Zoë Ñúñez.docx", "Zoë_Ñúñez"),
        (unicodedata.normalize("NFD", "week/Zoë Ñúñez.docx"), "Zoë_Ñúñez"),
        ("Юлия Петрова/essay (final).pdf", "essay_final"),
        ("Юлия Петрова.txt", "Юлия_Петрова"),
        ("王芳.txt", "王芳"),
        ("दीपिका.txt", "दीपिका"),
        ("ﬁnal\u202eevil.txt", "final_evil"),
    ],
)
def test_page_names_keep_letters_of_every_script(path: str, stem: str) -> None:
    document = Document(id="0123456789abcdef", path=path, role=Role.SUBMISSION, text="x")
    assert text_file_name(document) == f"{stem}-0123456789abcdef.txt"
    href = page_href("submissions", f"{stem}-0123456789abcdef.html")
    assert href.isascii() and " " not in href


def test_a_page_named_with_accents_is_linked(store: Path, tmp_path: Path, tiny_set: Path) -> None:
    week = tmp_path / "week"
    week.mkdir()
    shutil.copy(tiny_set / "submissions" / "a.txt", week / "Zoë Ñúñez.txt")
    scan_paths([week], store, tmp_path / "out")
    (page,) = (tmp_path / "out" / "submissions").iterdir()
    assert page.name.startswith("Zoë_Ñúñez-")
    assert len(whole_report(tmp_path / "out")) == 1  # every link resolves


# ---------------------------------------------------------------- pages written by workers


def test_pages_written_by_several_processes_are_the_pages_one_writes(
    store: Path, tmp_path: Path, tiny_set: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import overlap.report.html as html_report
    from overlap.report.folder import write_report_folder

    result = scan_paths([tiny_set / "submissions"], store, tmp_path / "first")
    assert len(result.submissions) >= 3
    monkeypatch.setattr(html_report, "PAGE_CHUNK", 1)  # a task per page: several processes
    write_report_folder(result, tmp_path / "one", workers=1)
    write_report_folder(result, tmp_path / "two", workers=2)

    def pages(root: Path) -> dict[str, bytes]:
        return {
            k: v for k, v in tree(root).items() if k.startswith("submissions/") or k == "index.html"
        }

    one, two = pages(tmp_path / "one"), pages(tmp_path / "two")
    # The overview's table rows are made by the processes that write the pages.
    assert len(one) == len(result.submissions) + 1 and one.keys() == two.keys()
    for name in one:  # the same but for the report folder each card's commands name
        assert one[name] == two[name].replace(b"/two", b"/one"), name


def test_a_page_that_cannot_be_written_by_a_worker_is_one_error(
    store: Path, tmp_path: Path, tiny_set: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import overlap.report.html as html_report
    from overlap.errors import OverlapError
    from overlap.report.html import write_html
    from overlap.report.html.site import Site

    result = scan_paths([tiny_set / "submissions"], store, tmp_path / "first")
    monkeypatch.setattr(html_report, "PAGE_CHUNK", 1)
    out = tmp_path / "out"
    last = Site.of(result, None).pages[result.submissions[-1].id]
    (out / "submissions" / last / "in-the-way").mkdir(parents=True)  # a folder, not a page
    with pytest.raises(OverlapError, match=f"cannot write the HTML report to {out}"):
        write_html(result, out, workers=2)
    assert not [p for p in (out / "submissions").iterdir() if p.name.endswith(".tmp")]
