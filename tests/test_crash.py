import os
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, prose
from storebytes import find_text

from overlap.engine.local import LocalEngine
from overlap.indexing.erasure import Selection, remove_documents
from overlap.indexing.parts import add_documents
from overlap.ingest.files import read_documents
from overlap.model import Role
from overlap.store.corpus import DATASETS, SIDE_DATASETS, CorpusStore
from overlap.store.inventory import content_digest
from overlap.store.ledger import LedgerEntry, record_scanned
from overlap.store.lock import read_holder
from overlap.store.parts import suffix

State = tuple[int, str]


def state(root: Path) -> State:
    """Document count and content digest of the store, opened afresh."""
    store = CorpusStore.open(root)
    return len(store.document_ids()), content_digest(store)


def stray_files(root: Path) -> list[str]:
    """Files in the store's data folders that its manifest does not list."""
    store = CorpusStore.open(root)
    listed = {d: {f"{p}{suffix(d)}" for p in store.parts} for d in DATASETS}
    sides = {k: {f"{n}.parquet" for n in store.side_files(k)} for k in SIDE_DATASETS}
    out = [p.name for p in root.glob(".manifest.json.*")]
    for folder in [*DATASETS, *SIDE_DATASETS]:
        allowed = {**listed, **sides}[folder]
        if (root / folder).is_dir():
            out += [
                f"{folder}/{p.name}" for p in (root / folder).iterdir() if p.name not in allowed
            ]
    return out


def posts(folder: Path, n: int, first_seed: int, words: int = 30) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"post{i:03}.txt").write_text(prose(first_seed + i, words))
    return folder


@pytest.mark.slow
def test_sigkill_during_corpus_add_leaves_before_or_after(tmp_path: Path) -> None:
    """SIGKILL `python -m overlap corpus add` of 300 posts at 20 random moments."""
    base = tmp_path / "base"
    add_documents(
        CorpusStore.open(base, create=True),
        read_documents([posts(tmp_path / "old", 20, 5000)], Role.PRIOR).documents,
        engine=LocalEngine(1),
    )
    new = posts(tmp_path / "new", 300, 1000)
    before = state(base)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def command(store: Path) -> list[str]:
        return [sys.executable, "-m", "overlap", "corpus", "add", str(new), "--role", "prior",
                "--corpus", str(store), "--quiet"]  # fmt: skip

    def launch(store: Path) -> tuple[subprocess.Popen[bytes], float, float | None]:
        """Start an add; return it, its start time and when it took the store's lock."""
        shutil.copytree(base, store)
        start = time.monotonic()
        proc = subprocess.Popen(command(store), env=env, stderr=subprocess.PIPE)
        return proc, start, None

    def locked_at(proc: subprocess.Popen[bytes], store: Path) -> float | None:
        while proc.poll() is None:
            holder = read_holder(store)
            if holder is not None and holder.pid == proc.pid:
                return time.monotonic()
            time.sleep(0.0005)
        return None

    # One run to the end gives the after state and the timings to aim at.
    proc, start, _ = launch(tmp_path / "reference")
    took_lock = locked_at(proc, tmp_path / "reference")
    _, err = proc.communicate()
    assert proc.returncode == 0, err
    end = time.monotonic()
    assert took_lock is not None
    whole, locked = end - start, end - took_lock
    after = state(tmp_path / "reference")
    assert after[0] == before[0] + 300

    rng = random.Random(20)
    outcomes: Counter[str] = Counter()
    for trial in range(20):
        store = tmp_path / f"trial{trial}"
        proc, start, _ = launch(store)
        # Even trials: any moment of the run; odd ones: a moment while it holds the lock.
        if trial % 2 == 0:
            time.sleep(rng.uniform(0, whole * 0.9))
        else:
            took = locked_at(proc, store)
            time.sleep(rng.uniform(0, locked * 0.9) if took is not None else 0)
        proc.kill()
        proc.communicate()
        got = state(store)
        assert got in (before, after), f"trial {trial}: store matches neither state"
        outcomes["after" if got == after else "before"] += 1
        outcomes[f"exit {proc.returncode}"] += 1
        # The next writer ignores, then removes, whatever the killed one left behind.
        leftovers = stray_files(store)
        outcomes["trials leaving files"] += bool(leftovers)
        with CorpusStore.open(store).locked():
            pass
        assert stray_files(store) == []
        assert state(store) == got
    figures = f"whole run {whole:.2f} s, lock held {locked:.3f} s"
    print(f"\nSIGKILL of corpus add ({figures}): {dict(outcomes)}")
    assert outcomes["before"] + outcomes["after"] == 20


class Crash(BaseException):
    """Stands for the process dying at this point."""


def crash_at(monkeypatch: pytest.MonkeyPatch, n: int | None) -> Callable[[], int]:
    """Make the n-th file rename or delete crash (None: count them); return the counter."""
    calls = [0]
    for name in ("replace", "unlink"):
        real = getattr(os, name)

        def wrapper(*args: object, _real: Callable[..., None] = real, **kw: object) -> None:
            calls[0] += 1
            if n is not None and calls[0] == n:
                raise Crash
            _real(*args, **kw)

        monkeypatch.setattr(os, name, wrapper)
    return lambda: calls[0]


def every_crash(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    base: Path,
    update: Callable[[Path], None],
    state: Callable[[Path], object] = state,
) -> tuple[object, object, int]:
    """Run ``update`` on a copy of ``base`` crashing at each file operation in turn."""
    before = state(base)
    shutil.copytree(base, tmp_path / "full")
    with monkeypatch.context() as m:
        count = crash_at(m, None)
        update(tmp_path / "full")
        steps = count()
    after = state(tmp_path / "full")
    for n in range(1, steps + 1):
        root = tmp_path / f"crash{n}"
        shutil.copytree(base, root)
        with monkeypatch.context() as m:
            crash_at(m, n)
            with pytest.raises(Crash):
                update(root)
        assert state(root) in (before, after), f"crash at step {n}"
        with CorpusStore.open(root).locked():
            pass
        assert stray_files(root) == [], f"crash at step {n}"
    return before, after, steps


def test_crash_at_every_step_of_an_add(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "base"
    add_documents(
        CorpusStore.open(base, create=True),
        read_documents([posts(tmp_path / "a", 5, 100)], Role.PRIOR).documents,
    )
    new = read_documents([posts(tmp_path / "b", 5, 200)], Role.PRIOR).documents
    before, after, steps = every_crash(
        tmp_path, monkeypatch, base, lambda root: add_documents(CorpusStore.open(root), new)
    )
    assert before != after and steps == 6  # five part files and the manifest


def test_crash_at_every_step_of_a_removal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "base"
    folder = posts(tmp_path / "a", 6, 300, words=60)
    (folder / "metadata.csv").write_text(
        "path,student\n"
        + "".join(f"post{i:03}.txt,{'Gone' if i % 2 else 'Kept'}\n" for i in range(6))
    )
    store = CorpusStore.open(base, create=True)
    docs = read_documents([folder], Role.PRIOR).documents
    add_documents(store, docs[:3])
    add_documents(store, docs[3:])
    with store.locked():
        record_scanned(store, [LedgerEntry(d.id, "weekly", "t", "r") for d in docs])
    gone = [d.text[:40] for d in docs if d.student == "Gone"]

    def remove(root: Path) -> None:
        remove_documents(CorpusStore.open(root), Selection(students=("Gone",)))

    before, after, steps = every_crash(tmp_path, monkeypatch, base, remove)
    assert before != after and steps >= 10
    # Once the next writer has cleaned up, a removal that got as far as the manifest has left
    # no trace of the removed texts, whichever step it died at.
    for n in range(1, steps + 1):
        root = tmp_path / f"crash{n}"
        if state(root) == after:
            assert find_text(root, gone) == [], f"crash at step {n}"


def test_leftovers_are_ignored_then_cleaned(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path / "s", create=True)
    add_documents(store, read_documents([posts(tmp_path / "a", 3, 400)], Role.PRIOR).documents)
    good = state(tmp_path / "s")
    junk = [
        tmp_path / "s" / "documents" / ".part-0123abcd.parquet.tmp",
        tmp_path / "s" / "bands" / "part-0123abcd.parquet",
        tmp_path / "s" / "ledger" / "ledger-0123abcd.parquet",
        tmp_path / "s" / ".manifest.json.0123abcd.tmp",
    ]
    for path in junk:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"half-written")
    notes = tmp_path / "s" / "documents" / "NOTES.txt"
    notes.write_text("not ours to delete")
    assert state(tmp_path / "s") == good  # readers never look at unlisted files
    with CorpusStore.open(tmp_path / "s").locked():
        pass
    assert not any(p.exists() for p in junk)
    assert notes.exists()
    assert state(tmp_path / "s") == good
