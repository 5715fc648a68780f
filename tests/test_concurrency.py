import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, prose
from typer.testing import CliRunner

from overlap.cli import app
from overlap.errors import StoreLockedError
from overlap.store.corpus import CorpusStore
from overlap.store.ledger import read_ledger
from overlap.store.lock import StoreLock, read_holder

runner = CliRunner()
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def posts(folder: Path, n: int, first_seed: int, student: str | None = None) -> list[str]:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"p{i:03}.txt").write_text(prose(first_seed + i, 40))
    if student:
        (folder / "metadata.csv").write_text(
            "path,student\n" + "".join(f"p{i:03}.txt,{student} {i}\n" for i in range(n))
        )
    return sorted(f"p{i:03}.txt" for i in range(n))


def start(job: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "overlap", "run", str(job), *args]
    return subprocess.Popen(
        command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_two_concurrent_runs_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    posts(drop / "a", 150, 1000)
    posts(drop / "b", 150, 2000)
    posts(drop / "shared", 50, 3000)
    posts(drop / "week", 30, 4000, student="Student")
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for name, folders in [
        ("one", '["../drop/a", "../drop/shared"]'),
        ("two", '["../drop/b", "../drop/shared"]'),
    ]:
        (jobs / f"{name}.toml").write_text(
            f'[job]\ncorpus = "../store"\n[add]\nprior = {folders}\n'
            '[scan]\npaths = ["../drop/week"]\nout = "../reports/{date}"\n'
        )
    # Both start while the test holds the lock, so they really contend for the store.
    CorpusStore.open(tmp_path / "store", create=True)
    held = StoreLock(tmp_path / "store")
    held.acquire()
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    procs = [
        start(jobs / f"{n}.toml", "--log-file", str(log))
        for n, log in zip(("one", "two"), logs, strict=True)
    ]
    deadline = time.monotonic() + 60
    while not all(log.exists() and "waiting for the store lock" in log.read_text() for log in logs):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.05)
    held.release()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results

    store = CorpusStore.open(tmp_path / "store")
    rows = store.read("documents", ["id", "path"])
    ids = rows.column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 150 + 150 + 50 + 30  # nothing lost, nothing twice
    ledger = read_ledger(store).column("id").to_pylist()
    assert len(ledger) == len(set(ledger)) == 30
    assert len(list((tmp_path / "reports").iterdir())) == 1  # the week was scanned once
    text = "".join(log.read_text() for log in logs)
    assert text.count("30 submission(s) to scan, 0 scanned before") == 1
    assert text.count("0 submission(s) to scan, 30 scanned before") == 1
    assert all(out == "" for out, _ in results)  # with --log-file, stdout stays quiet


def test_second_writer_gives_up_naming_the_holder(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(prose(1, 40))
    (tmp_path / "job.toml").write_text('[job]\ncorpus = "store"\n[add]\nsource = ["in"]\n')
    CorpusStore.open(tmp_path / "store", create=True)
    held = StoreLock(tmp_path / "store")
    held.acquire()
    try:
        began = time.monotonic()
        result = runner.invoke(app, ["run", str(tmp_path / "job.toml"), "--lock-timeout", "0.3"])
        waited = time.monotonic() - began
    finally:
        held.release()
    assert result.exit_code == 2
    host = re.escape(socket.gethostname())
    pattern = (
        rf"error: corpus store \S+ is locked by pid {os.getpid()} on {host} since "
        r"\d{4}-\d\d-\d\dT[\d:]+\+00:00 \(.*\); gave up after waiting 0.3 s \(--lock-timeout\)"
    )
    assert re.fullmatch(pattern, result.stderr.strip()), result.stderr
    assert 0.3 <= waited < 3
    assert runner.invoke(app, ["run", str(tmp_path / "job.toml")]).exit_code == 0


def test_a_waiting_writer_goes_on_when_the_lock_is_released(tmp_path: Path) -> None:
    CorpusStore.open(tmp_path / "s", create=True)
    held = StoreLock(tmp_path / "s")
    held.acquire()
    threading.Timer(0.3, held.release).start()
    store = CorpusStore.open(tmp_path / "s", lock_timeout=10)
    began = time.monotonic()
    with store.locked():
        assert read_holder(tmp_path / "s").pid == os.getpid()  # type: ignore[union-attr]
    assert 0.25 < time.monotonic() - began < 5
    assert read_holder(tmp_path / "s") is None  # released cleanly: no holder named


def test_zero_timeout_tries_once(tmp_path: Path) -> None:
    held = StoreLock(tmp_path)
    held.acquire()
    try:
        with pytest.raises(StoreLockedError, match="gave up after waiting 0 s"):
            StoreLock(tmp_path, timeout=0).acquire()
    finally:
        held.release()


HOLD = """
import os, sys, time
from pathlib import Path
from overlap.store.lock import StoreLock
StoreLock(Path(sys.argv[1])).acquire()
if sys.argv[2] == "fork":
    child = os.fork()
    if child == 0:
        time.sleep(30)
        os._exit(0)
    print(child, flush=True)
    os._exit(0)  # dies without releasing; the forked child lives on
print("held", flush=True)
time.sleep(30)
"""


def test_a_dead_holders_lock_is_recovered(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path), "hold"],
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert read_holder(tmp_path).pid == proc.pid  # type: ignore[union-attr]
    with caplog.at_level(logging.WARNING, logger="overlap"):
        stale = StoreLock(tmp_path, timeout=0).acquire()
    assert stale is not None and stale.pid == proc.pid and stale.gone()
    assert f"recovered a stale lock on {tmp_path}: pid {proc.pid}" in caplog.text


def test_a_forked_worker_does_not_keep_the_lock(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path), "fork"],
        env=ENV,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    proc.wait()
    try:
        lock = StoreLock(tmp_path, timeout=2)
        assert lock.acquire() is not None  # the parent died holding it; its child does not
        lock.release()
    finally:
        os.kill(child, signal.SIGKILL)
