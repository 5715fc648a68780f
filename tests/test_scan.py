import json
from pathlib import Path

import pytest

from overlap.eval.attribution import evaluate_attribution
from overlap.indexing.add import add_to_corpus
from overlap.model import Kind, Role, ScanResult
from overlap.scanning.files import scan_paths
from overlap.settings import Settings
from overlap.store.corpus import CorpusStore
from tests.conftest import ATTRIBUTION_DEV, DEMO


def run(root: Path, tmp: Path, excludes: bool = True) -> ScanResult:
    store = tmp / "store"
    add_to_corpus([root / "sources"], Role.SOURCE, store)
    add_to_corpus([root / "prior"], Role.PRIOR, store)
    batch = root / "submissions" if (root / "submissions").exists() else root / "week"
    return scan_paths(
        [batch], store, tmp / "report", excludes=[root / "prompt.txt"] if excludes else []
    )


def by_name(result: ScanResult) -> dict[str, list[tuple[str, str, str]]]:
    names = {s.id: Path(s.path).name for s in result.submissions}
    out: dict[str, list[tuple[str, str, str]]] = {n: [] for n in names.values()}
    for f in result.findings:
        out[names[f.submission]].append((str(f.kind), Path(f.source_path).name, f.text))
    return out


def test_tiny_set_kinds_offsets_and_exclusions(tiny_set: Path, tmp_path: Path) -> None:
    result = run(tiny_set, tmp_path)
    found = by_name(result)
    assert [(k, s) for k, s, _ in found["a.txt"]] == [
        ("unattributed_copy", "src.txt"),
        ("peer_overlap", "b.txt"),
    ]
    assert sorted((k, s) for k, s, _ in found["b.txt"]) == [
        ("peer_overlap", "a.txt"),
        ("prior_overlap", "p1.txt"),
    ]
    assert found["c.txt"] == []
    texts = {d.id: Path(d.path) for d in result.submissions}
    for f in result.findings:
        assert f.text == texts[f.submission].read_text()[f.start : f.end]
        assert f.words >= 8 and 0 < f.tfidf <= 1.0001 and 0 < f.containment <= 1
        other = Path(f.source_path).read_text()[f.source_start : f.source_end]
        assert other.split()[0].lower().strip('."') == f.text.split()[0].lower().strip('."')


def test_peer_overlap_is_reported_on_both_sides_with_mirrored_offsets(
    tiny_set: Path, tmp_path: Path
) -> None:
    result = run(tiny_set, tmp_path)
    peers = [f for f in result.findings if f.kind is Kind.PEER_OVERLAP]
    assert len(peers) == 2
    a, b = peers
    assert (a.start, a.end) == (b.source_start, b.source_end)
    assert (b.start, b.end) == (a.source_start, a.source_end)


def test_without_the_prompt_excluded_a_shared_prompt_quote_is_peer_overlap(
    tiny_set: Path, tmp_path: Path
) -> None:
    with_prompt = sum(f.kind is Kind.PEER_OVERLAP for f in run(tiny_set, tmp_path / "1").findings)
    without = run(tiny_set, tmp_path / "2", excludes=False)
    assert sum(f.kind is Kind.PEER_OVERLAP for f in without.findings) == with_prompt + 2


def test_summary_figures(tiny_set: Path, tmp_path: Path) -> None:
    result = run(tiny_set, tmp_path)
    subs = {Path(s.path).name: s for s in result.submissions}
    assert subs["c.txt"].similarity == 0 and subs["c.txt"].overlap == 0
    assert 0 < subs["a.txt"].similarity <= subs["a.txt"].overlap <= 1
    assert subs["a.txt"].student == "Ann"
    doc = json.loads((tmp_path / "report" / "findings.json").read_text())
    assert doc["schema"] == "overlap.findings/1"
    assert set(doc) == {"schema", "settings", "generated_at", "submissions", "errors", "findings"}
    assert set(doc["findings"][0]) == {
        "id", "submission", "kind", "severity", "start", "end", "text", "source", "source_path",
        "source_start", "source_end", "words", "tfidf", "containment", "quote", "citation",
        "evidence", "cluster", "shared_by", "semantic", "decision", "decided_by", "decided_at",
        "note",
    }  # fmt: skip
    csv = (tmp_path / "report" / "findings.csv").read_text().splitlines()
    assert len(csv) == 1 + len(doc["findings"])


def test_a_copy_in_a_long_source_is_found(tmp_path: Path) -> None:
    from tests.conftest import prose

    copy = prose(42, 40).rstrip(".")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "long.txt").write_text(f"{prose(1, 3000)} {copy} {prose(2, 3000)}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "s.txt").write_text(f"{prose(3, 200)} {copy} {prose(4, 150)}")
    add_to_corpus([tmp_path / "src"], Role.SOURCE, tmp_path / "store")
    result = scan_paths([tmp_path / "sub"], tmp_path / "store", tmp_path / "out")
    assert [f.words for f in result.findings] == [40]


def test_scan_errors_are_listed_and_the_batch_goes_on(tiny_set: Path, tmp_path: Path) -> None:
    (tiny_set / "submissions" / "empty.txt").write_text("  \n")
    result = run(tiny_set, tmp_path)
    assert [Path(e.path).name for e in result.errors] == ["empty.txt"]
    assert len(result.submissions) == 3


def test_the_store_keeps_its_settings(tiny_set: Path, tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "store", Settings(window=30, stride=10), create=True)
    del store
    add_to_corpus([tiny_set / "sources"], Role.SOURCE, tmp_path / "store")
    assert CorpusStore.open(tmp_path / "store").settings.window == 30


@pytest.mark.parametrize("root", [DEMO, ATTRIBUTION_DEV], ids=["demo", "attribution-dev"])
def test_labelled_sets_recall_and_clean_posts(root: Path) -> None:
    if not (root / "truth.jsonl").exists():
        pytest.skip(f"{root} is not available")
    figures = evaluate_attribution(root)
    for kind in ("unattributed_copy", "peer_overlap", "prior_overlap"):
        assert figures["kinds"][kind]["recall"] >= 0.95, kind
    assert figures["clean_findings"] == 0
    for flag in figures["flags"].values():
        assert flag["right"] == flag["truth"] == flag["flagged"]
