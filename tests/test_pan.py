"""PAN corpus evaluation: layout, detection XML, both modes, figures; the real corpus if present."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import ROOT, prose
from typer.testing import CliRunner

from overlap.cli import app
from overlap.engine.choice import EngineSpec
from overlap.errors import InputError
from overlap.eval.pan import (
    DETECTION_TAG,
    UNLISTED,
    PanReport,
    detections_xml,
    read_annotations,
    read_pairs,
    read_text,
)
from overlap.eval.pan_pairs import detect, evaluate_given_pairs
from overlap.eval.pan_scan import evaluate_scan, offset_shift
from overlap.ingest.files import read_documents
from overlap.model import Role
from overlap.settings import Settings

PAN = ROOT.parent / "shared" / "data" / "pan13-text-alignment-training-corpus-2013-01-21"
COPY = (
    "The harbour master kept a ledger of every vessel that entered the bay during the storm. "
    "Each entry named the captain, the cargo and the hour the anchor was dropped near the pier. "
    "Years later the ledger was found in a chest beneath the floor of the old customs house"
)
#: Copied from a source that no pairs file lists with the document: a false positive.
ELSEWHERE = (
    "A lighthouse keeper on the northern cape wrote to his sister every winter about the ice "
    "on the rocks, the gulls that sheltered in the lamp room and the supply boat that was late"
)
#: Shared by two suspicious documents and no source: a peer finding, no PAN pair.
PEER = (
    "Both essays describe the mill town in the same words, the canal locks and brick chimneys "
    "along the river and the bell that rang at each change of shift in the weaving sheds"
)
SUSP1, SUSP2 = "suspicious-document00001.txt", "suspicious-document00002.txt"
SRC1, SRC2, SRC3 = (f"source-document0000{k}.txt" for k in (1, 2, 3))


def truth_xml(susp: str, source: str, cases: list[tuple[int, int, int, int]]) -> str:
    features = "".join(
        f'<feature name="plagiarism" obfuscation="none" this_offset="{a}" this_length="{b}" '
        f'source_reference="{source}" source_offset="{c}" source_length="{d}"/>\n'
        for a, b, c, d in cases
    )
    return f'<document reference="{susp}">\n{features}</document>\n'


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two subsets: a verbatim copy with its truth, and a pair with nothing shared.

    The suspicious document of the copy opens with a byte-order mark (a character to PAN,
    stripped by ingest) and its source has CRLF line ends; it also copies from a source no
    pairs file lists, and shares a passage with the other suspicious document.
    """
    root = tmp_path / "corpus"
    for part in ("src", "susp", "02-no-obfuscation", "01-no-plagiarism"):
        (root / part).mkdir(parents=True)
    src = f"{prose(1, 80)}\r\n{COPY}.\r\n{prose(2, 40)}\r\n"
    susp = f"\ufeff{prose(3, 60)} {COPY}. {prose(4, 50)} {ELSEWHERE}. {prose(10, 30)} {PEER}.\n"
    files = {
        f"src/{SRC1}": src,
        f"src/{SRC2}": prose(5, 200),
        f"src/{SRC3}": f"{prose(7, 70)} {ELSEWHERE}. {prose(8, 30)}\n",
        f"susp/{SUSP1}": susp,
        f"susp/{SUSP2}": f"{prose(6, 60)} {PEER}. {prose(9, 40)}\n",
        "02-no-obfuscation/pairs": f"{SUSP1} {SRC1}\n",
        "01-no-plagiarism/pairs": f"{SUSP2} {SRC2}\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8", newline="")
    case = (susp.index(COPY), len(COPY), src.index(COPY), len(COPY))
    (root / "02-no-obfuscation" / "suspicious-document00001-source-document00001.xml").write_text(
        truth_xml(SUSP1, SRC1, [case])
    )
    return root


def scan_eval(corpus: Path, out: Path, subsets: Sequence[str] = ()) -> PanReport:
    return evaluate_scan(corpus, out, subsets=subsets, engine=EngineSpec(workers=1))


def test_scan_path_finds_the_planted_copy_at_pan_offsets(corpus: Path, tmp_path: Path) -> None:
    report = scan_eval(corpus, tmp_path / "out")
    assert report.mode == "scan" and set(report.seconds) == {"store", "scan"}
    rows = {r.name: r for r in report.subsets}
    assert list(rows) == ["01-no-plagiarism", "02-no-obfuscation"]
    copy = rows["02-no-obfuscation"]
    assert (copy.pairs, copy.found_pairs, copy.positive_pairs, copy.proposed_pairs) == (1, 1, 1, 1)
    assert copy.candidate_recall == 1.0
    f = copy.figures
    assert (f.cases, f.detections, f.precision, f.recall, f.granularity) == (1, 1, 1, 1, 1)
    clean = rows["01-no-plagiarism"]
    assert (clean.found_pairs, clean.positive_pairs, clean.candidate_recall) == (0, 0, None)
    xml = (
        tmp_path / "out" / "02-no-obfuscation" / "suspicious-document00001-source-document00001.xml"
    )
    [found] = read_annotations(xml, DETECTION_TAG)
    assert found == read_annotations(corpus / "02-no-obfuscation" / xml.name)[0]
    assert (tmp_path / "out" / "store" / "documents").is_dir()
    assert (tmp_path / "out" / "scan" / "findings.json").is_file()


def test_unlisted_pair_is_a_false_positive_and_peers_are_ignored(
    corpus: Path, tmp_path: Path
) -> None:
    report = scan_eval(corpus, tmp_path / "out")
    assert (report.false_positives, report.false_positive_pairs) == (1, 1)
    findings = json.loads((tmp_path / "out" / "scan" / "findings.json").read_text())["findings"]
    assert any(f["kind"] == "peer_overlap" for f in findings)  # found by the scan, not scored
    entire = report.entire
    assert (entire.pairs, entire.found_pairs, entire.figures.detections) == (2, 1, 2)
    assert entire.figures.recall == 1.0 and entire.figures.precision == 0.5
    [xml] = (tmp_path / "out" / UNLISTED).glob("*.xml")
    assert xml.name == "suspicious-document00001-source-document00003.xml"
    [found] = read_annotations(xml, DETECTION_TAG)
    susp, src = read_text(corpus / "susp" / SUSP1), read_text(corpus / "src" / SRC3)
    assert susp[found.this_offset :].startswith(ELSEWHERE[:40])
    assert src[found.source_offset :].startswith(ELSEWHERE[:40])


def test_scan_path_one_subset_scans_only_its_documents(corpus: Path, tmp_path: Path) -> None:
    report = scan_eval(corpus, tmp_path / "out", subsets=["02-no-obfuscation"])
    assert [r.name for r in report.subsets] == ["02-no-obfuscation"]
    scanned = json.loads((tmp_path / "out" / "scan" / "findings.json").read_text())
    assert [Path(s["path"]).name for s in scanned["submissions"]] == [SUSP1]
    assert not (tmp_path / "out" / "01-no-plagiarism").exists()


def test_scan_path_refuses_a_leftover_store(corpus: Path, tmp_path: Path) -> None:
    (tmp_path / "out" / "store").mkdir(parents=True)
    with pytest.raises(InputError, match=r"store exists .*remove it"):
        scan_eval(corpus, tmp_path / "out")


def test_scan_path_names_a_file_pan_cannot_read_as_utf8(corpus: Path, tmp_path: Path) -> None:
    (corpus / "susp" / SUSP2).write_bytes(f"{prose(6, 60)} café".encode("cp1252"))
    with pytest.raises(InputError, match=r"suspicious-document00002.txt: cannot read document"):
        scan_eval(corpus, tmp_path / "out")


@pytest.mark.parametrize(
    ("text", "raw", "shift"),
    [
        ("abc\r\ndef", "abc\r\ndef", 0),
        ("", "", 0),
        ("abc", "\ufeffabc", 1),
        ("abc\ndef", "abc\r\ndef", None),
        ("abc", "abcd", None),
        ("\ufeffabc", "abc", None),
    ],
)
def test_offset_shift(text: str, raw: str, shift: int | None) -> None:
    if shift is None:
        with pytest.raises(InputError, match="PAN offsets would be wrong"):
            offset_shift(text, raw, "x.txt")
    else:
        assert offset_shift(text, raw, "x.txt") == shift


def test_ingest_keeps_the_text_pan_offsets_count_but_a_bom(corpus: Path) -> None:
    files = sorted((corpus / "src").iterdir()) + sorted((corpus / "susp").iterdir())
    read = {Path(d.path).name: d.text for d in read_documents(files, Role.SOURCE).documents}
    for file in files:
        raw = read_text(file)
        assert read[file.name] == (raw[1:] if file.name == SUSP1 else raw)
    assert read_text(corpus / "susp" / SUSP1).startswith("\ufeff")


@pytest.mark.parametrize("mode", ["scan", "pairs-given"])
def test_out_inside_the_corpus_is_refused(corpus: Path, mode: str) -> None:
    with pytest.raises(InputError, match="inside the corpus"):
        if mode == "scan":
            scan_eval(corpus, corpus / "out")
        else:
            evaluate_given_pairs(corpus, corpus / "out", workers=1)


def test_pairs_given_scores_the_listed_pairs_only(corpus: Path, tmp_path: Path) -> None:
    report = evaluate_given_pairs(corpus, tmp_path / "out", workers=1)
    assert report.mode == "pairs-given" and set(report.seconds) == {"align"}
    rows = {r.name: r for r in report.subsets}
    assert list(rows) == ["01-no-plagiarism", "02-no-obfuscation"]
    copy = rows["02-no-obfuscation"]
    assert (copy.figures.cases, copy.figures.detections, copy.figures.plagdet) == (1, 1, 1)
    assert (copy.proposed_pairs, copy.candidate_recall) == (None, None)
    clean = rows["01-no-plagiarism"].figures
    assert (clean.cases, clean.detections, clean.plagdet) == (0, 0, 1.0)
    assert (report.false_positives, report.entire.pairs, report.entire.figures.plagdet) == (0, 2, 1)
    written = tmp_path / "out" / "02-no-obfuscation"
    [xml] = written.glob("*.xml")
    assert xml.name == "suspicious-document00001-source-document00001.xml"
    [found] = read_annotations(xml, DETECTION_TAG)
    [case] = read_annotations(corpus / "02-no-obfuscation" / xml.name)
    assert found == case
    assert (tmp_path / "out" / "01-no-plagiarism").is_dir()
    assert not (tmp_path / "out" / "store").exists()


def test_one_subset_only(corpus: Path, tmp_path: Path) -> None:
    report = evaluate_given_pairs(corpus, tmp_path / "out", subsets=["01-no-plagiarism"], workers=1)
    assert [r.name for r in report.subsets] == ["01-no-plagiarism"]
    assert not (tmp_path / "out" / "02-no-obfuscation").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda root: None, "no subset 'nope'"),
        (lambda root: (root / "src" / SRC1).unlink(), "cannot read"),
    ],
)
def test_bad_corpus_is_named(corpus: Path, tmp_path: Path, change: object, message: str) -> None:
    change(corpus)  # type: ignore[operator]
    subsets = ["nope"] if "subset" in message else []
    with pytest.raises(InputError, match=message):
        evaluate_given_pairs(corpus, tmp_path / "out", subsets=subsets, workers=1)


def test_missing_documents_folder(tmp_path: Path) -> None:
    (tmp_path / "x" / "sub").mkdir(parents=True)
    (tmp_path / "x" / "sub" / "pairs").write_text("")
    for evaluate in (evaluate_given_pairs, evaluate_scan):
        with pytest.raises(InputError, match="not a PAN corpus"):
            evaluate(tmp_path / "x", tmp_path / "out")


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("", []),
        ("a.txt b.txt\n\nc.txt d.txt", [("a.txt", "b.txt"), ("c.txt", "d.txt")]),
    ],
)
def test_read_pairs(tmp_path: Path, text: str, pairs: list[tuple[str, str]]) -> None:
    (tmp_path / "pairs").write_text(text)
    assert read_pairs(tmp_path / "pairs") == pairs


def test_bad_pairs_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "pairs").write_text("a.txt b.txt\nonly-one.txt\n")
    with pytest.raises(InputError, match=r"pairs:2: expected two file names"):
        read_pairs(tmp_path / "pairs")


def test_detection_xml_round_trips(tmp_path: Path) -> None:
    spans = [(10, 20, 30, 40), (100, 5, 0, 7)]
    (tmp_path / "d.xml").write_text(detections_xml("susp & co.txt", "src.txt", spans))
    found = read_annotations(tmp_path / "d.xml", DETECTION_TAG)
    assert [(a.this_offset, a.this_length, a.source_offset, a.source_length) for a in found] == (
        spans
    )
    assert {(a.susp, a.source) for a in found} == {("susp & co.txt", "src.txt")}
    assert read_annotations(tmp_path / "d.xml") == []  # not cases
    (tmp_path / "bad.xml").write_text("<document")
    with pytest.raises(InputError, match="cannot read annotations"):
        read_annotations(tmp_path / "bad.xml")


def test_detect_offsets_are_string_indices_of_the_text() -> None:
    susp = f"Ünïcødé «{prose(3, 30)}» {COPY}. {prose(4, 10)}"
    source = f"{prose(1, 20)}\r\n{COPY}. {prose(2, 10)}"
    [(this_offset, this_length, source_offset, source_length)] = detect(susp, source, Settings())
    assert susp[this_offset : this_offset + this_length] == COPY
    assert source[source_offset : source_offset + source_length] == COPY


def test_cli_prints_figures_and_names_errors(corpus: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "pan", str(corpus), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    for word in ("02-no-obfuscation", "entire", "plagdet", "cand.rec", "false positives: 1"):
        assert word in result.stdout
    assert "wall time: store" in result.stdout and "scan" in result.stdout
    result = runner.invoke(
        app, ["eval", "pan", str(corpus), "--out", str(tmp_path / "o"), "--workers", "1"]
    )
    assert result.exit_code == 2 and "exists" in result.stderr  # the store of the first run
    args = ["eval", "pan", str(corpus), "--out", str(tmp_path / "p"), "--json", "--pairs-given"]
    figures = json.loads(runner.invoke(app, [*args, "--workers", "1"]).stdout)
    assert figures["mode"] == "pairs-given" and figures["entire"]["figures"]["plagdet"] == 1.0
    assert "align" in figures["seconds"]
    help_text = runner.invoke(app, ["eval", "pan", "--help"], terminal_width=200)
    assert help_text.exit_code == 0 and "Skips the index" in help_text.stdout


@pytest.mark.parametrize(
    ("where", "extra", "message"),
    [
        ("{c}", ["--subset", "nope"], "no subset 'nope'"),
        ("{c}", ["--out", "{c}/out"], "inside the corpus"),
        ("{c}/missing", [], "not a PAN corpus"),
        ("{c}/missing", ["--pairs-given"], "not a PAN corpus"),
    ],
)
def test_cli_errors_are_one_line(
    corpus: Path, tmp_path: Path, where: str, extra: list[str], message: str
) -> None:
    args = ["eval", "pan", where.format(c=corpus), "--out", str(tmp_path / "o"), "--workers", "1"]
    result = CliRunner().invoke(app, [*args, *(a.format(c=corpus) for a in extra)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


needs_pan = pytest.mark.skipif(not PAN.is_dir(), reason="PAN training corpus not present")


def sample_corpus(root: Path, pairs_per_subset: int) -> Path:
    """A corpus folder holding the first pairs of each subset of the real corpus."""
    root.mkdir()
    for part in ("src", "susp"):
        (root / part).symlink_to(PAN / part)
    for pairs in sorted(PAN.glob("*/pairs")):
        subset = root / pairs.parent.name
        subset.mkdir()
        lines = pairs.read_text().splitlines()[:pairs_per_subset]
        (subset / "pairs").write_text("\n".join(lines) + "\n")
        for line in lines:
            susp, source = line.split()
            truth = pairs.parent / f"{Path(susp).stem}-{Path(source).stem}.xml"
            if truth.exists():
                (subset / truth.name).symlink_to(truth)
    return root


@needs_pan
@pytest.mark.slow
def test_pan_files_read_by_ingest_keep_pan_offsets() -> None:
    """Ingest reads every PAN file as PAN's offsets count it, stray NUL bytes included.

    Fourteen files hold NUL bytes in UTF-8 text (at most 0.7% of their bytes, in runs of
    control characters): they are read, NULs kept as characters.
    """
    files = sorted((PAN / "src").iterdir()) + sorted((PAN / "susp").iterdir())
    read = read_documents(files, Role.SOURCE)
    texts = {Path(d.path).name: d.text for d in read.documents}
    with_nul = {f.name: f.read_bytes() for f in files if b"\0" in f.read_bytes()}
    binary = {n for n, data in with_nul.items() if data.count(b"\0") * 100 > len(data)}
    assert {Path(e.path).name for e in read.errors} == binary
    assert all(e.error.startswith("binary file") for e in read.errors)
    assert (len(with_nul), len(binary)) == (14, 0)
    for file in files:
        if file.name not in binary:
            assert texts[file.name] == read_text(file), file.name


@needs_pan
@pytest.mark.slow
def test_pan_sample_pairs_given(tmp_path: Path) -> None:
    report = evaluate_given_pairs(sample_corpus(tmp_path / "c", 25), tmp_path / "out")
    rows = {r.name: r.figures for r in report.subsets}
    assert report.entire.pairs == 125
    assert rows["02-no-obfuscation"].plagdet >= 0.85
    assert rows["03-random-obfuscation"].plagdet >= 0.8
    assert rows["04-translation-obfuscation"].plagdet >= 0.8
    assert report.entire.figures.plagdet >= 0.8


@needs_pan
@pytest.mark.long("indexes all 3,230 sources")
def test_pan_sample_through_scan(tmp_path: Path) -> None:
    report = evaluate_scan(sample_corpus(tmp_path / "c", 10), tmp_path / "out")
    rows = {r.name: r for r in report.subsets}
    assert report.entire.pairs == 50
    assert rows["02-no-obfuscation"].candidate_recall == 1.0
    assert rows["02-no-obfuscation"].figures.plagdet >= 0.85
    listed = sum(r.figures.detections for r in report.subsets)
    assert report.entire.figures.detections == listed + report.false_positives
    assert report.seconds["store"] > 0 and report.seconds["scan"] > 0


@needs_pan
@pytest.mark.long("aligns 5,185 pairs (about a minute on two cores)")
def test_pan_training_corpus_reaches_the_targets(tmp_path: Path) -> None:
    report = evaluate_given_pairs(PAN, tmp_path / "out")
    rows = {r.name: r.figures.plagdet for r in report.subsets}
    assert rows["02-no-obfuscation"] >= 0.90
    assert rows["03-random-obfuscation"] >= 0.85
    assert rows["04-translation-obfuscation"] >= 0.85
    assert rows["05-summary-obfuscation"] >= 0.50
    assert report.entire.figures.plagdet >= 0.88
    assert report.seconds["align"] <= 600
