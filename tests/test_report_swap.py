"""A report folder always holds one whole report: with two writers, and when interrupted."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, prose
from reportcheck import whole_report

import overlap.report.folder as folder
from overlap.errors import OverlapError
from overlap.indexing.add import add_to_corpus
from overlap.jobs.run import run_job
from overlap.jobs.spec import load_job
from overlap.model import Role, ScanResult
from overlap.report.folder import write_report_folder
from overlap.report.html import Pages
from overlap.scanning.files import scan_paths

#: Copied, a sentence each, by the posts (so that every report has findings and pages link).
SHARED = [prose(900 + i, 24) for i in range(4)]


def posts(folder: Path, n: int, first_seed: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        text = f"{prose(first_seed + i, 60)} {SHARED[i % len(SHARED)]} {prose(first_seed - i, 40)}"
        (folder / f"post{first_seed + i:04}.txt").write_text(text + "\n")
    return folder


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of sources and batches of posts: a (4), b (6), c (5); d and e (24 each)."""
    root = tmp_path_factory.mktemp("swap")
    sources = root / "sources"
    sources.mkdir()
    for i, passage in enumerate(SHARED):
        (sources / f"src{i}.txt").write_text(f"{prose(800 + i, 150)} {passage} {prose(850, 50)}\n")
    add_to_corpus([sources], Role.SOURCE, root / "store")
    posts(root / "a", 4, 1000)
    posts(root / "b", 6, 2000)
    posts(root / "c", 5, 3000)
    posts(root / "d", 24, 4000)
    posts(root / "e", 24, 5000)
    return root


def scanned(layout: Path, batch: str, out: Path) -> ScanResult:
    return scan_paths([layout / batch], layout / "store", out)


def leftovers(out: Path) -> list[str]:
    """Hidden siblings a writer of ``out`` made: its new folder, the old one, the lock."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# ---------------------------------------------------------------- item 6: two writers


def test_two_writers_of_one_folder_take_turns(
    layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that stalls between its tables and its pages is not interleaved with."""
    first = scanned(layout, "a", tmp_path / "scratch-a")
    second = scanned(layout, "b", tmp_path / "scratch-b")
    out = tmp_path / "out"
    paused, second_done = threading.Event(), threading.Event()
    real = folder.finish_html

    def stalling(pages: Pages, written: Sequence[Path], rows: dict[str, str]) -> object:
        if pages.site.result.submissions == first.submissions:
            paused.set()
            second_done.wait(timeout=1.0)  # the second writer's whole run fits in here
        return real(pages, written, rows)

    monkeypatch.setattr(folder, "finish_html", stalling)
    writer = threading.Thread(target=write_report_folder, args=(first, out))
    writer.start()
    assert paused.wait(timeout=30)
    other = threading.Thread(target=lambda: (write_report_folder(second, out), second_done.set()))
    other.start()
    writer.join(timeout=60)
    other.join(timeout=60)
    assert whole_report(out) == {s.id for s in second.submissions}  # the last to finish
    assert leftovers(out) == []


# ---------------------------------------------------------------- item 7: interruptions


@pytest.mark.parametrize(
    "step",
    [
        "write_report",
        "write_text_files",
        "write_text_index",
        "write_pages",
        "finish_html",
        "write_atomic",
    ],
)
def test_an_interrupted_write_leaves_the_old_report_whole(
    layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    out = tmp_path / "out"
    old = {s.id for s in scanned(layout, "a", out).submissions}
    new = scanned(layout, "b", tmp_path / "scratch")

    def interrupted(*args: object, **kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(folder, step, interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report_folder(new, out)
    assert whole_report(out) == old
    assert leftovers(out) == []
    with pytest.raises(KeyboardInterrupt):
        write_report_folder(new, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists() and leftovers(tmp_path / "fresh") == []


def test_ctrl_c_during_the_swap_is_held_until_it_is_done(
    layout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    scanned(layout, "a", out)
    new = scanned(layout, "b", tmp_path / "scratch")
    real = Path.rename

    def rename(self: Path, target: Path) -> Path:
        moved = real(self, target)
        if ".old-" in Path(target).name:  # between the two renames
            signal.raise_signal(signal.SIGINT)
        return moved

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        write_report_folder(new, out)
    assert whole_report(out) == {s.id for s in new.submissions}


def test_a_killed_writer_is_tidied_and_a_report_it_moved_aside_is_put_back(
    layout: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    old = {s.id for s in scanned(layout, "a", out).submissions}
    (tmp_path / ".out.new-1-ab").mkdir()  # a writer killed while writing
    (tmp_path / ".out.new-1-ab" / "findings.json").write_text("{")
    out.rename(tmp_path / ".out.old-2-cd")  # one killed between its two renames
    (tmp_path / ".out.lock").write_text('{"pid": 2, "host": "h", "since": "s"}')
    new = scanned(layout, "c", tmp_path / "scratch")

    def broken(*args: object, **kwargs: object) -> None:
        raise OverlapError("cannot write the HTML report: disk full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(folder, "finish_html", broken)
        with pytest.raises(OverlapError, match="disk full"):
            write_report_folder(new, out)
    assert whole_report(out) == old  # put back, then kept when the next write failed
    assert leftovers(out) == []
    write_report_folder(new, out)
    assert whole_report(out) == {s.id for s in new.submissions}


def test_an_interrupted_run_leaves_no_half_report_and_the_next_takes_its_name(
    tiny_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "pipelines", site / "pipelines")
    shutil.copytree(tiny_set / "submissions", site / "drop" / "week")
    shutil.copy(tiny_set / "prompt.txt", site / "drop" / "prompt.txt")
    spec = load_job(site / "pipelines" / "weekly.toml")
    day = date(2025, 3, 7)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(folder, "write_pages", interrupted)
        with pytest.raises(KeyboardInterrupt):
            run_job(spec, day=day)
    reports = site / "reports"
    assert sorted(p.name for p in reports.iterdir()) == []
    report = run_job(spec, day=day)
    assert report.report == reports / "weekly-2025-03-07"
    assert sorted(p.name for p in reports.iterdir()) == ["weekly-2025-03-07"]
    assert len(whole_report(reports / "weekly-2025-03-07")) == 3


# ---------------------------------------------------------------- 20 tries each, for real


def _scan(layout: Path, batch: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "overlap", "scan", str(layout / batch), "--corpus",
            str(layout / "store"), "--out", str(out), "--quiet"]  # fmt: skip


ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.long("40 scans, about a minute on two cores")
def test_twenty_pairs_of_concurrent_scans_leave_one_whole_report(
    layout: Path, tmp_path: Path
) -> None:
    ids = {b: whole_report(_made(layout, b, tmp_path / f"ref-{b}")) for b in "ade"}
    outcomes: Counter[str] = Counter()
    for trial in range(20):
        out = tmp_path / f"trial{trial}"
        if trial % 2:  # odd trials over an existing report, even ones into a new folder
            shutil.copytree(tmp_path / "ref-a", out)
        procs = [
            subprocess.Popen(_scan(layout, b, out), env=ENV, stderr=subprocess.PIPE) for b in "de"
        ]
        errs = [p.communicate(timeout=300)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errs
        got = whole_report(out)
        assert got in (ids["d"], ids["e"]), f"trial {trial}: not one of the two new reports"
        assert leftovers(out) == []
        outcomes["whole"] += 1
        outcomes["d" if got == ids["d"] else "e"] += 1
        outcomes["one waited for the other"] += any("waiting for" in e for e in errs)
    print(f"\ntwo concurrent scans into one --out, 20 tries: {dict(outcomes)}")
    assert outcomes["whole"] == 20


def _made(layout: Path, batch: str, out: Path) -> Path:
    subprocess.run(_scan(layout, batch, out), env=ENV, check=True, timeout=300)
    return out


@pytest.mark.long("40 scans, about 40 s on two cores")
def test_twenty_ctrl_c_at_random_moments_leave_the_old_or_the_new_report(
    layout: Path, tmp_path: Path
) -> None:
    old = whole_report(_made(layout, "a", tmp_path / "old"))

    def launch(out: Path) -> tuple[subprocess.Popen[bytes], float]:
        shutil.copytree(tmp_path / "old", out)
        # A session of its own: Ctrl-C signals the whole foreground process group.
        proc = subprocess.Popen(
            _scan(layout, "b", out), env=ENV, stderr=subprocess.PIPE, start_new_session=True
        )
        return proc, time.monotonic()

    def writing(proc: subprocess.Popen[bytes], out: Path) -> float | None:
        """When the scan started to write its report (its new folder appeared)."""
        while proc.poll() is None:
            if any(".new-" in name for name in leftovers(out)):
                return time.monotonic()
            time.sleep(0.0005)
        return None

    proc, start = launch(tmp_path / "reference")
    began = writing(proc, tmp_path / "reference")
    proc.communicate(timeout=300)
    end = time.monotonic()
    assert proc.returncode == 0 and began is not None
    new = whole_report(tmp_path / "reference")
    whole_run, write = end - start, end - began

    rng = random.Random(7)
    outcomes: Counter[str] = Counter()
    for trial in range(20):
        out = tmp_path / f"trial{trial}"
        proc, start = launch(out)
        # Even trials: any moment of the run; odd ones: a moment while it writes the report.
        if trial % 2 == 0:
            time.sleep(rng.uniform(0, whole_run))
        elif writing(proc, out) is not None:
            time.sleep(rng.uniform(0, write))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
        proc.communicate(timeout=300)
        got = whole_report(out)
        assert got in (old, new), f"trial {trial}: neither the old nor the new report"
        outcomes["old" if got == old else "new"] += 1
        outcomes[f"exit {proc.returncode}"] += 1
        outcomes["left files"] += bool(leftovers(out))
        _made(layout, "c", out)  # the next writer tidies whatever was left
        assert leftovers(out) == []
    figures = f"whole run {whole_run:.2f} s, report written in {write:.3f} s"
    print(f"\nCtrl-C during scan over an existing report ({figures}): {dict(outcomes)}")
    assert outcomes["old"] + outcomes["new"] == 20
