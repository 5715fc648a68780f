"""Finding ids: the same passage in a re-scan has the same id; any change gives another."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from overlap.indexing.add import add_to_corpus
from overlap.model import Finding, Kind, Role
from overlap.scanning.files import scan_paths
from tests.conftest import prose


def write(root: Path, copied: str) -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "s.txt").write_text(f"{prose(1, 80)} {copied} {prose(2, 60)}\n")
    (root / "week").mkdir()
    (root / "week" / "a.txt").write_text(f"{prose(3, 40)} {copied} {prose(4, 40)}\n")
    (root / "week" / "b.txt").write_text(f"{prose(5, 30)} {copied} {prose(6, 20)}\n")
    (root / "week" / "c.txt").write_text(f'{prose(7, 20)} She said "{prose(8, 12)}" to me.\n')
    add_to_corpus([root / "sources"], Role.SOURCE, root / "store")
    return root


def ids(root: Path, out: str) -> dict[tuple[str, str], str]:
    result = scan_paths([root / "week"], root / "store", root / out)
    names = {d.id: Path(d.path).name for d in result.documents.values()}
    return {(names[f.submission], f.kind.value): f.id for f in result.findings}


COPIED = prose(9, 25)


def test_a_rescan_gives_every_finding_the_same_id(tmp_path: Path) -> None:
    root = write(tmp_path, COPIED)
    first, second = ids(root, "r1"), ids(root, "r2")
    assert first == second
    assert len(set(first.values())) == len(first) >= 3  # copies, peers, an unmatched quote
    doc = json.loads((root / "r1" / "findings.json").read_text())
    assert {f["id"] for f in doc["findings"]} == set(first.values())


def test_a_scan_of_another_store_keeps_ids_of_the_same_texts(tmp_path: Path) -> None:
    first = ids(write(tmp_path / "one", COPIED), "r")
    second = ids(write(tmp_path / "two", COPIED), "r")
    assert first == second  # ids come from the texts, not from where they are stored


def test_a_changed_passage_gets_another_id(tmp_path: Path) -> None:
    first = ids(write(tmp_path / "one", COPIED), "r")
    changed = COPIED.replace(COPIED.split()[0], "altered", 1)
    second = ids(write(tmp_path / "two", changed), "r")
    assert set(first) == set(second)
    assert all(first[k] != second[k] for k in first if k[0] != "c.txt")
    assert first["c.txt", "unmatched_quote"] == second["c.txt", "unmatched_quote"]


FINDING = Finding(
    submission="s", kind=Kind.UNATTRIBUTED_COPY, start=10, end=90, text="t", source="o",
    source_path="o.txt", source_start=5, source_end=85, words=14, tfidf=0.9, containment=1.0,
)  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"submission": "s2"},
        {"source": "o2"},
        {"kind": Kind.MISSING_CITATION},
        {"start": 11},
        {"end": 91},
        {"source_start": 6},
        {"source_end": 86},
    ],
)
def test_what_the_finding_is_makes_its_id(change: dict[str, object]) -> None:
    assert replace(FINDING, **change).id != FINDING.id  # type: ignore[arg-type]


@pytest.mark.parametrize("change", [{"tfidf": 0.5}, {"containment": 0.4}, {"words": 3}])
def test_scores_do_not(change: dict[str, object]) -> None:
    assert replace(FINDING, **change).id == FINDING.id  # type: ignore[arg-type]
