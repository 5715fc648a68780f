import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from overlap.engine import workers
from overlap.engine.local import LocalEngine
from overlap.store.corpus import DATASETS, CorpusStore
from overlap.store.inventory import content_digest
from overlap.store.parts import suffix
from tests.conftest import ROOT, prose

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def nap(x: int) -> int:
    """A stage that says which process runs it, then takes its time."""
    os.write(1, b"%d\n" % os.getpid())  # one write: the workers share the pipe
    time.sleep(120)
    return x


POOL = """
import sys
from overlap.engine import workers
from overlap.engine.local import LocalEngine
from overlap.engine.local import LocalEngine
from tests.test_workers import nap
if sys.argv[1] == "thread":
    workers.parent_death_signal = lambda signum: False  # as on a system without prctl
for _ in LocalEngine(2).map(nap, range(4)):
    pass
"""


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rpartition(")")[2].split()


def alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (a zombie is dead: only its exit status is left)."""
    return [p for p in pids if (s := _stat(p)) is not None and s[0] != "Z"]


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (s := _stat(int(entry.name))) and int(s[1]) == pid:
            out.append(int(entry.name))
    return out


def gone_within(pids: list[int], seconds: float) -> list[int]:
    """Wait until none of ``pids`` runs; those still running after ``seconds``, then killed."""
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = alive(pids)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.parametrize(
    ("watch", "signum"),
    [("kernel", signal.SIGKILL), ("thread", signal.SIGKILL), ("kernel", signal.SIGTERM)],
)
def test_pool_workers_die_with_their_parent(watch: str, signum: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", POOL, watch], env=ENV, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    busy = [int(proc.stdout.readline()) for _ in range(2)]  # both workers are in a task
    try:
        assert set(busy) <= set(children(proc.pid))
        proc.send_signal(signum)
        proc.wait(10)
        assert gone_within(busy, 5 if watch == "kernel" else 5 + workers.WATCH_INTERVAL) == []
    finally:
        proc.kill()
        gone_within(busy, 0)


@pytest.mark.parametrize(("owner", "status"), [("parent", 0), ("other", 1)])
def test_a_worker_whose_parent_is_not_the_pools_owner_exits(owner: str, status: int) -> None:
    """The owner died before the worker could ask to die with it: it was re-parented."""
    script = (
        "import sys\n"
        "from overlap.engine.workers import start_worker\n"
        "start_worker(int(sys.argv[1]))\n"
    )
    pid = os.getpid() if owner == "parent" else 1
    assert subprocess.run([sys.executable, "-c", script, str(pid)], env=ENV).returncode == status


def test_stopping_early_kills_the_workers(tmp_path: Path) -> None:
    results = LocalEngine(2).map_shared(report_then_nap, range(6), tmp_path)
    assert next(results) == 0
    deadline = time.monotonic() + 30
    while len(pids := [int(p.name) for p in tmp_path.iterdir()]) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    began = time.monotonic()
    results.close()  # e.g. the caller's commit failed
    assert time.monotonic() - began < 5  # not waiting for the tasks under way
    assert alive(pids) == []


def report_then_nap(x: int, folder: Path) -> int:
    """Return the first shard's result at once; in the others name the process and wait."""
    if x:
        (folder / str(os.getpid())).touch()
        time.sleep(60)
    return x


# --- the command line --------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough posts for more than one shard (2,000 files each), so a pool reads them."""
    folder = tmp_path_factory.mktemp("batch")
    for i in range(4_200):
        (folder / f"p{i:05}.txt").write_text(prose(i, 40))
    return folder


def state(root: Path) -> tuple[int, str]:
    store = CorpusStore.open(root)
    return len(store.document_ids()), content_digest(store)


def leftovers(root: Path) -> list[str]:
    store = CorpusStore.open(root)
    return [
        f"{d}/{p.name}"
        for d in DATASETS
        if (root / d).is_dir()
        for p in (root / d).iterdir()
        if p.name not in {f"{part}{suffix(d)}" for part in store.parts}
    ]


def add(batch: Path, store: Path, log: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "overlap", "corpus", "add", str(batch), "--role", "prior",
               "--corpus", str(store), "--quiet", "--workers", "2"]  # fmt: skip
    # Output to a file: workers that outlive the command would hold a pipe open.
    with log.open("w") as stderr:
        return subprocess.Popen(
            command,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            text=True,
            start_new_session=True,
        )


def pool_of(proc: subprocess.Popen[str]) -> list[int]:
    """The pool's workers once they run, or none if the command ended first."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        kids = children(proc.pid)
        if len(kids) >= 2:
            return kids
        time.sleep(0.01)
    return []


@pytest.mark.parametrize(
    ("signum", "group", "status"),
    [
        (signal.SIGKILL, False, -signal.SIGKILL),
        (signal.SIGTERM, False, 128 + signal.SIGTERM),
        (signal.SIGINT, True, 128 + signal.SIGINT),  # Ctrl-C: the whole foreground group
    ],
)
def test_killing_corpus_add_leaves_no_worker_and_a_whole_store(
    tmp_path: Path, batch: Path, signum: int, group: bool, status: int
) -> None:
    store = tmp_path / "store"
    CorpusStore.open(store, create=True)
    before = state(store)
    proc = add(batch, store, tmp_path / "stderr")
    pool = pool_of(proc)
    try:
        assert pool, "the add ended before its pool started"
        time.sleep(0.05)  # into the workers' first tasks
        assert proc.poll() is None, "the add ended before it could be interrupted"
        if group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        proc.wait(30)
        assert gone_within(pool, 5) == [], f"workers outlived {signal.Signals(signum).name}"
    finally:
        proc.kill()
        gone_within(pool, 0)
    err = (tmp_path / "stderr").read_text()
    assert proc.returncode == status, err
    assert "Traceback" not in err
    if signum != signal.SIGKILL:
        assert err.splitlines() == [f"interrupted ({signal.Signals(signum).name})"]
    got = state(store)
    assert got[0] in (before[0], 2_000, 4_000, 4_200)  # committed part by part
    with CorpusStore.open(store).locked():  # the next writer is not kept out, and cleans up
        pass
    assert leftovers(store) == []
    assert state(store) == got


@pytest.mark.slow
def test_a_command_started_ignoring_sigint_keeps_ignoring_it(tmp_path: Path, batch: Path) -> None:
    """As under ``nohup`` or ``&`` in a script: Ctrl-C in the terminal is not for it."""
    store = tmp_path / "store"
    log = tmp_path / "stderr"
    command = [sys.executable, "-m", "overlap", "corpus", "add", str(batch), "--role", "prior",
               "--corpus", str(store), "--quiet", "--workers", "2"]  # fmt: skip
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            command,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
    pool = pool_of(proc)
    try:
        assert pool, "the add ended before its pool started"
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(120) == 0, log.read_text()
    finally:
        proc.kill()
        gone_within(pool, 0)
    assert log.read_text() == ""
    assert state(store)[0] == 4_200


#: A child that receives the signal while it imports the command line (numpy, pyarrow and
#: the readers take a good part of a second to load), then starts as the entry point does.
SIGNAL_WHILE_LOADING = """
import os, signal, sys

class Trip:
    def find_spec(self, name, path=None, target=None):
        if name == "overlap.cli":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.{signal})
        return None

sys.meta_path.insert(0, Trip())
sys.argv = ["overlap", "--version"]
from overlap.launch import main
main()
"""


@pytest.mark.parametrize(("name", "status"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_while_the_command_line_loads_is_one_line(name: str, status: int) -> None:
    child = subprocess.run(
        [sys.executable, "-c", SIGNAL_WHILE_LOADING.format(signal=name)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (child.returncode, child.stderr, child.stdout) == (status, f"interrupted ({name})\n", "")
