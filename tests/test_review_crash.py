"""A review decision survives a crash whole or not at all, like every store write."""

import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from test_crash import every_crash, stray_files
from test_review import make_week

from overlap.indexing.erasure import Selection, remove_documents
from overlap.report.reading import read_report
from overlap.review.acts import decide
from overlap.review.decisions import Action
from overlap.scanning.files import scan_paths
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import read_decisions
from overlap.store.sides import MAX_FILES

Decided = tuple[tuple[str, str | None, str], ...]


def decided(root: Path) -> Decided:
    """Every recorded decision (action, finding, note), read from a freshly opened store.

    Not the decisions' own ids nor times: each run makes fresh ones.
    """
    return tuple((str(d.action), d.target, d.note) for d in read_decisions(CorpusStore.open(root)))


def reviewed_week(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A store with a scanned week and MAX_FILES decision files, so the next write merges."""
    store, week = make_week(tmp_path)
    report = tmp_path / "report"
    result = scan_paths([week], store, report)
    ids = [f.id for f in result.findings]
    opened = CorpusStore.open(store)
    for i in range(MAX_FILES):
        decide(opened, read_report(report), ids[:1], Action.CONFIRM, note=f"look {i}", by="T")
    assert len(CorpusStore.open(store).decision_files) == MAX_FILES
    return store, report, ids


def test_crash_at_every_step_of_a_decision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, report, ids = reviewed_week(tmp_path)

    def dismiss(root: Path) -> None:
        decide(
            CorpusStore.open(root), read_report(report), ids, Action.DISMISS, note="cleared", by="T"
        )

    before, after, steps = every_crash(tmp_path, monkeypatch, store, dismiss, decided)
    assert before != after and steps >= 3  # merged file, manifest, old files deleted


def test_crash_at_every_step_of_erasing_decisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _, _ = reviewed_week(tmp_path)

    def erase(root: Path) -> None:
        remove_documents(CorpusStore.open(root), Selection(students=("Ann Park", "Ben Ode")))

    before, after, steps = every_crash(tmp_path, monkeypatch, store, erase, decided)
    assert before != after == () and steps >= 2


@pytest.mark.slow
def test_sigkill_during_review_leaves_before_or_after(tmp_path: Path) -> None:
    """SIGKILL `python -m overlap review dismiss` at 20 random moments."""
    base, report, ids = reviewed_week(tmp_path)
    before = decided(base)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def launch(store: Path) -> tuple[subprocess.Popen[bytes], float]:
        subprocess.run(["cp", "-a", str(base), str(store)], check=True)
        command = [sys.executable, "-m", "overlap", "review", "dismiss", *ids, "--report",
                   str(report), "--corpus", str(store), "--note", "cleared"]  # fmt: skip
        return subprocess.Popen(command, env=env, stderr=subprocess.PIPE), time.monotonic()

    proc, start = launch(tmp_path / "reference")
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    whole = time.monotonic() - start
    after = decided(tmp_path / "reference")
    assert len(after) == len(before) + len(ids)

    rng = random.Random(16)
    outcomes: Counter[str] = Counter()
    for trial in range(20):
        store = tmp_path / f"trial{trial}"
        proc, _ = launch(store)
        time.sleep(rng.uniform(0.5, 1.0) * whole)  # most of the run is starting Python
        proc.kill()
        proc.communicate()
        got = decided(store)
        assert got in (before, after), f"trial {trial}: decisions match neither state"
        outcomes["after" if len(got) == len(after) else "before"] += 1
        with CorpusStore.open(store).locked():
            pass
        assert stray_files(store) == []
        assert decided(store) == got
    print(f"\nSIGKILL of review dismiss (whole run {whole:.2f} s): {dict(outcomes)}")
    assert outcomes["before"] + outcomes["after"] == 20
