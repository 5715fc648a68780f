"""The store state a report records: a digest of the manifest's file lists and settings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from overlap.indexing.add import add_to_corpus
from overlap.model import Role
from overlap.review.decisions import Action, new_decision
from overlap.scanning.files import scan_paths
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import record_decisions
from overlap.store.state import COVERED, manifest_digest, store_state
from tests.conftest import prose

MANIFEST: dict[str, Any] = {
    "schema": "overlap.store/1",
    "settings": {"shingle": 4, "window": 16},
    "created_at": "2025-01-01T00:00:00+00:00",
    "updated_at": "2025-01-02T00:00:00+00:00",
    "parts": ["part-a", "part-b"],
    "ledger": ["ledger-1"],
    "decisions": [],
}


def test_the_digest_is_of_the_canonical_json_of_what_it_covers() -> None:
    covered = {key: MANIFEST[key] for key in COVERED}
    canonical = json.dumps(covered, sort_keys=True, separators=(",", ":"))
    assert manifest_digest(MANIFEST) == hashlib.sha256(canonical.encode()).hexdigest()


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ({"updated_at": "2026-01-01T00:00:00+00:00"}, True),
        ({"created_at": "2026-01-01T00:00:00+00:00"}, True),
        ({"settings": {"window": 16, "shingle": 4}}, True),  # key order is not content
        ({"settings": {"shingle": 5, "window": 16}}, False),
        ({"parts": ["part-a", "part-b", "part-c"]}, False),
        ({"parts": ["part-b", "part-a"]}, False),  # part order is the order of commits
        ({"ledger": []}, False),
        ({"decisions": ["decisions-1"]}, False),
    ],
)
def test_the_digest_changes_with_the_files_and_settings_only(
    change: dict[str, Any], same: bool
) -> None:
    assert (manifest_digest({**MANIFEST, **change}) == manifest_digest(MANIFEST)) is same


def test_a_missing_side_dataset_counts_as_empty() -> None:
    older = {k: v for k, v in MANIFEST.items() if k != "decisions"}
    assert manifest_digest(older) == manifest_digest(MANIFEST)


def test_a_report_records_the_store_state_the_scan_read(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    copied = prose(11, 30)
    (tmp_path / "src" / "s.txt").write_text(f"{prose(10, 80)} {copied} {prose(12, 40)}\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(f"{prose(13, 30)} {copied} {prose(14, 30)}\n")
    store = tmp_path / "store"
    add_to_corpus([tmp_path / "src"], Role.SOURCE, store)
    before = store_state(CorpusStore.open(store))
    result = scan_paths([tmp_path / "sub"], store, tmp_path / "out")
    assert result.store_state == before
    index = json.loads((tmp_path / "out" / "texts" / "index.json").read_text(encoding="utf-8"))
    assert index["store"] == {"path": str(store), **before}
    assert index["store"]["covers"] == list(COVERED)
    # The texts of every document a finding points to are kept beside the submissions'.
    pointed = {f.source for f in result.findings if f.source}
    assert pointed and pointed <= set(index["documents"])
    # A decision recorded since changes the state; re-reading an unchanged store does not.
    assert store_state(CorpusStore.open(store)) == before
    finding = result.findings[0]
    decision = new_decision(Action.CONFIRM, by="t", note="", target=finding.id)
    record_decisions(CorpusStore.open(store), [decision])
    after = store_state(CorpusStore.open(store))
    assert after["state"] != before["state"]
