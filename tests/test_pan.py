"""PAN corpus evaluation: layout, detection XML, figures; the real corpus when it is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, prose
from typer.testing import CliRunner

from overlap.cli import app
from overlap.errors import InputError
from overlap.eval.pan import (
    DETECTION_TAG,
    detect,
    detections_xml,
    evaluate_pan,
    read_annotations,
    read_pairs,
)
from overlap.settings import Settings

PAN = ROOT.parent / "shared" / "data" / "pan13-text-alignment-training-corpus-2013-01-21"
COPY = (
    "The harbour master kept a ledger of every vessel that entered the bay during the storm. "
    "Each entry named the captain, the cargo and the hour the anchor was dropped near the pier. "
    "Years later the ledger was found in a chest beneath the floor of the old customs house"
)


def truth_xml(susp: str, source: str, cases: list[tuple[int, int, int, int]]) -> str:
    features = "".join(
        f'<feature name="plagiarism" obfuscation="none" this_offset="{a}" this_length="{b}" '
        f'source_reference="{source}" source_offset="{c}" source_length="{d}"/>\n'
        for a, b, c, d in cases
    )
    return f'<document reference="{susp}">\n{features}</document>\n'


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two subsets: a verbatim copy with its truth, and a pair with nothing shared."""
    root = tmp_path / "corpus"
    for part in ("src", "susp", "02-no-obfuscation", "01-no-plagiarism"):
        (root / part).mkdir(parents=True)
    src = f"{prose(1, 80)} {COPY}. {prose(2, 40)}\n"
    susp = f"{prose(3, 60)} {COPY}. {prose(4, 50)}\n"
    (root / "src" / "source-document00001.txt").write_text(src, encoding="utf-8")
    (root / "src" / "source-document00002.txt").write_text(prose(5, 200), encoding="utf-8")
    (root / "susp" / "suspicious-document00001.txt").write_text(susp, encoding="utf-8")
    pair = "suspicious-document00001.txt source-document00001.txt\n"
    (root / "02-no-obfuscation" / "pairs").write_text(pair)
    case = (susp.index(COPY), len(COPY), src.index(COPY), len(COPY))
    (root / "02-no-obfuscation" / "suspicious-document00001-source-document00001.xml").write_text(
        truth_xml("suspicious-document00001.txt", "source-document00001.txt", [case])
    )
    (root / "01-no-plagiarism" / "pairs").write_text(
        "suspicious-document00001.txt source-document00002.txt\n"
    )
    return root


def test_verbatim_copy_scores_one_and_detections_are_written(corpus: Path, tmp_path: Path) -> None:
    report = evaluate_pan(corpus, tmp_path / "out", workers=1)
    rows = {r.name: r for r in report.subsets}
    assert list(rows) == ["01-no-plagiarism", "02-no-obfuscation"]
    copy = rows["02-no-obfuscation"].figures
    assert (copy.cases, copy.detections) == (1, 1)
    assert (copy.precision, copy.recall, copy.granularity, copy.plagdet) == (1, 1, 1, 1)
    clean = rows["01-no-plagiarism"].figures
    assert (clean.cases, clean.detections, clean.plagdet) == (0, 0, 1.0)
    assert report.overall.pairs == 2 and report.overall.figures.plagdet == 1.0
    written = tmp_path / "out" / "02-no-obfuscation"
    [xml] = written.glob("*.xml")
    assert xml.name == "suspicious-document00001-source-document00001.xml"
    [found] = read_annotations(xml, DETECTION_TAG)
    [case] = read_annotations(corpus / "02-no-obfuscation" / xml.name)
    assert found == case
    assert (tmp_path / "out" / "01-no-plagiarism").is_dir()


def test_one_subset_only(corpus: Path, tmp_path: Path) -> None:
    report = evaluate_pan(corpus, tmp_path / "out", subsets=["01-no-plagiarism"], workers=1)
    assert [r.name for r in report.subsets] == ["01-no-plagiarism"]
    assert not (tmp_path / "out" / "02-no-obfuscation").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda root: None, "no subset 'nope'"),
        (lambda root: (root / "src" / "source-document00001.txt").unlink(), "cannot read"),
    ],
)
def test_bad_corpus_is_named(corpus: Path, tmp_path: Path, change: object, message: str) -> None:
    change(corpus)  # type: ignore[operator]
    subsets = ["nope"] if "subset" in message else []
    with pytest.raises(InputError, match=message):
        evaluate_pan(corpus, tmp_path / "out", subsets=subsets, workers=1)


def test_missing_documents_folder(tmp_path: Path) -> None:
    (tmp_path / "x" / "sub").mkdir(parents=True)
    (tmp_path / "x" / "sub" / "pairs").write_text("")
    with pytest.raises(InputError, match="not a PAN corpus"):
        evaluate_pan(tmp_path / "x", tmp_path / "out")


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
    assert "02-no-obfuscation" in result.stdout and "plagdet" in result.stdout
    assert "wall time" in result.stdout
    result = runner.invoke(
        app, ["eval", "pan", str(corpus), "--out", str(tmp_path / "o"), "--json", "--workers", "1"]
    )
    figures = json.loads(result.stdout)
    assert figures["overall"]["figures"]["plagdet"] == 1.0
    result = runner.invoke(
        app, ["eval", "pan", str(corpus), "--out", str(tmp_path / "o"), "--subset", "nope"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert runner.invoke(app, ["eval", "pan", "--help"]).exit_code == 0


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
def test_pan_sample(tmp_path: Path) -> None:
    report = evaluate_pan(sample_corpus(tmp_path / "c", 25), tmp_path / "out")
    rows = {r.name: r.figures for r in report.subsets}
    assert report.overall.pairs == 125
    assert rows["02-no-obfuscation"].plagdet >= 0.85
    assert rows["03-random-obfuscation"].plagdet >= 0.8
    assert rows["04-translation-obfuscation"].plagdet >= 0.8
    assert report.overall.figures.plagdet >= 0.8


@needs_pan
def test_pan_training_corpus_reaches_the_targets(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("aligns 5,185 pairs (about a minute on two cores): run with -m slow")
    report = evaluate_pan(PAN, tmp_path / "out")
    rows = {r.name: r.figures.plagdet for r in report.subsets}
    assert rows["02-no-obfuscation"] >= 0.90
    assert rows["03-random-obfuscation"] >= 0.85
    assert rows["04-translation-obfuscation"] >= 0.85
    assert rows["05-summary-obfuscation"] >= 0.50
    assert report.overall.figures.plagdet >= 0.88
    assert report.seconds <= 600


test_pan_training_corpus_reaches_the_targets = pytest.mark.slow(
    test_pan_training_corpus_reaches_the_targets
)
