import ctypes
import errno
import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from clirun import invoke
from conftest import ROOT, prose

from overlap.indexing.parts import add_documents
from overlap.ingest.files import read_documents
from overlap.model import Role
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import content_digest
from overlap.store.ledger import LedgerEntry, forget_scanned, read_ledger, record_scanned
from overlap.store.sides import MAX_FILES


@pytest.mark.parametrize(
    "command",
    [["run"], ["corpus", "remove"], ["corpus", "list"], ["corpus", "stats"], ["corpus", "add"]],
)
def test_help(command: list[str]) -> None:
    code, out, _ = invoke(*command, "--help")
    assert code == 0 and "Usage" in out


@pytest.fixture
def store(tiny_set: Path, tmp_path: Path) -> Path:
    root = tmp_path / "store"
    for folder, role in [("sources", "source"), ("prior", "prior")]:
        code, _, err = invoke("corpus", "add", tiny_set / folder, "--role", role, "--corpus", root,
                              "--lock-timeout", "5")  # fmt: skip
        assert code == 0, err
    return root


def test_list(store: Path) -> None:
    code, out, _ = invoke("corpus", "list", "--corpus", store)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "id\trole\tterm\tstudent\twords\tpath"
    rows = [line.split("\t") for line in lines[1:]]
    assert sorted((r[1], r[2], r[3]) for r in rows) == [
        ("prior", "Fall 2023", "Old Student"),
        ("source", "", ""),
    ]
    code, out, _ = invoke("corpus", "list", "--corpus", store, "--role", "prior", "--json")
    (doc,) = [json.loads(line) for line in out.splitlines()]
    assert doc["student"] == "Old Student" and "text" not in doc and doc["words"] > 30


def test_stats(store: Path) -> None:
    code, out, _ = invoke("corpus", "stats", "--corpus", store)
    assert code == 0
    assert "documents  2 (" in out and "parts      2 (10 files" in out and "window=16" in out
    assert "prior    Fall 2023" in out
    code, out, _ = invoke("corpus", "stats", "--corpus", store, "--json", "--digest")
    stats = json.loads(out)
    assert stats["documents"] == 2 and stats["parts"] == 2 and stats["scanned"] == 0
    assert stats["digest"] == content_digest(CorpusStore.open(store))
    assert {(g["role"], g["term"]) for g in stats["groups"]} == {
        ("prior", "Fall 2023"),
        ("source", None),
    }


@pytest.mark.parametrize("command", [["list"], ["stats"], ["remove", "--term", "x"]])
def test_missing_store_is_one_line(tmp_path: Path, command: list[str]) -> None:
    code, _, err = invoke("corpus", *command, "--corpus", tmp_path / "none")
    assert code == 2 and err.startswith("error: no corpus store at") and err.count("\n") == 1


def test_digest_does_not_depend_on_parts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_text(prose(i, 50))
    docs = read_documents([folder], Role.PRIOR).documents
    one, three = (CorpusStore.open(tmp_path / n, create=True) for n in ("one", "three"))
    add_documents(one, docs)
    for i in range(0, 6, 2):
        add_documents(three, docs[i : i + 2])
    assert len(three.parts) == 3 and content_digest(one) == content_digest(three)
    (tmp_path / "extra.txt").write_text(prose(99, 50))
    add_documents(one, read_documents([tmp_path / "extra.txt"], Role.SOURCE).documents)
    assert content_digest(one) != content_digest(three)


def test_ledger_dedups_compacts_and_forgets(tmp_path: Path) -> None:
    store = CorpusStore.open(tmp_path, create=True)
    with store.locked():
        for i in range(MAX_FILES + 3):
            entries = [LedgerEntry(f"id{i}", "weekly", "t", "r"), LedgerEntry("id0", "w", "t", "r")]
            assert record_scanned(store, entries) == 1
        assert len(store.ledger_files) <= MAX_FILES
        assert read_ledger(store).num_rows == MAX_FILES + 3
        assert forget_scanned(store, {"id0", "id1", "nope"}) == 2
    assert len(list((tmp_path / "ledger").iterdir())) == len(store.ledger_files) == 1
    assert sorted(read_ledger(CorpusStore.open(tmp_path)).column("id").to_pylist())[:2] == [
        "id10",
        "id2",
    ]


def test_writes_outside_the_lock_are_refused(tmp_path: Path) -> None:
    from overlap.errors import StoreError

    store = CorpusStore.open(tmp_path, create=True)
    with pytest.raises(StoreError, match="must be locked"):
        record_scanned(store, [LedgerEntry("a", "w", "t", "r")])


# --- a store this user may read but not write -------------------------------------------

PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _file_modes_bind() -> None:
    """In a child before exec: as root, drop the capabilities that let root ignore modes."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _overlap(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m overlap`` as a user to whom file modes apply (root included)."""
    return subprocess.run(
        [sys.executable, "-m", "overlap", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_file_modes_bind,
        timeout=120,
        check=False,
    )


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~0o222)


@pytest.fixture
def read_only(store: Path, tiny_set: Path) -> Iterator[Path]:
    """The store, made read-only; skipped only where modes cannot be made to bind."""
    (tiny_set / "job.toml").write_text(
        '[job]\ncorpus = "store"\n[add]\nprior = ["prior"]\n'
        '[scan]\npaths = ["submissions"]\nout = "reports/{date}"\n'
    )
    _set_writable(store, False)
    try:
        check = subprocess.run(
            [sys.executable, "-c", f"open({str(store / 'manifest.json')!r}, 'a')"],
            preexec_fn=_file_modes_bind,
            capture_output=True,
            check=False,
        )
        if check.returncode == 0:
            pytest.skip("file modes cannot be made to bind here (no CAP_SETPCAP?)")
        yield store
    finally:
        _set_writable(store, True)


@pytest.mark.parametrize(
    "command",
    [
        ["corpus", "add", "prior", "--role", "prior", "--corpus", "store"],
        ["corpus", "remove", "--term", "Fall 2023", "--corpus", "store"],
        ["run", "job.toml"],
    ],
    ids=["add", "remove", "run"],
)
def test_a_store_that_cannot_be_written_is_a_one_line_error(
    read_only: Path, tiny_set: Path, command: list[str]
) -> None:
    digest = content_digest(CorpusStore.open(read_only))
    done = _overlap(*command, cwd=tiny_set)
    error = done.stderr.splitlines()[-1]
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert error == "error: cannot write to corpus store store: permission denied: store/.lock"
    assert content_digest(CorpusStore.open(read_only)) == digest


def test_a_store_that_cannot_be_written_can_still_be_scanned(
    read_only: Path, tiny_set: Path
) -> None:
    done = _overlap(
        "scan", "submissions", "--corpus", "store", "--out", "report", "--quiet", cwd=tiny_set
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((tiny_set / "report" / "findings.json").read_text())["findings"]
    assert _overlap("corpus", "verify", "--corpus", "store", cwd=tiny_set).returncode == 0


@pytest.mark.parametrize(
    "command",
    [
        ["corpus", "add", "prior", "--role", "prior"],
        ["corpus", "remove", "--term", "Fall 2023"],
        ["run", "job.toml", "--corpus"],
    ],
    ids=["add", "remove", "run"],
)
def test_a_write_refused_by_the_system_is_a_one_line_error(
    store: Path, tiny_set: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """The same in this process, the refusal simulated, for systems where modes cannot bind."""
    (tiny_set / "job.toml").write_text('[add]\nprior = ["prior"]\n')
    real_open = os.open

    def refuse(path: str | os.PathLike[str], flags: int, *args: int, **kw: int) -> int:
        if Path(path).is_relative_to(store) and flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)

    monkeypatch.setattr(os, "open", refuse)
    monkeypatch.chdir(tiny_set)
    extra = [] if command[0] == "run" else ["--corpus"]
    code, _, err = invoke(*command, *extra, store)
    assert code == 2
    assert err.splitlines()[-1] == (
        f"error: cannot write to corpus store {store}: permission denied: {store / '.lock'}"
    )


# --- a damaged manifest -----------------------------------------------------------------


@pytest.mark.parametrize("parts", [None, "missing", 7, ["part-0a", 3]], ids=str)
@pytest.mark.parametrize(
    "command",
    [
        ["corpus", "stats"],
        ["corpus", "list"],
        ["corpus", "add", "prior", "--role", "prior"],
        ["corpus", "verify"],
        ["corpus", "remove", "--term", "x"],
        ["scan", "submissions", "--out", "report"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_manifest_with_bad_parts_is_a_one_line_error(
    store: Path,
    tiny_set: Path,
    monkeypatch: pytest.MonkeyPatch,
    parts: object,
    command: list[str],
) -> None:
    manifest = json.loads((store / "manifest.json").read_text())
    if parts == "missing":
        del manifest["parts"]
    else:
        manifest["parts"] = parts
    (store / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tiny_set)
    code, _, err = invoke(*command, "--corpus", store)
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"error: {store / 'manifest.json'}: ")
    assert '"parts"' in err


# --- documents stored under the other role -----------------------------------------------


def test_adding_documents_stored_under_the_other_role_says_so(store: Path, tiny_set: Path) -> None:
    digest = content_digest(CorpusStore.open(store))
    code, out, err = invoke(
        "corpus", "add", tiny_set / "prior", "--role", "source", "--corpus", store
    )
    assert code == 0
    assert out.startswith(
        f"added 0 source document(s) (0 words), skipped 1 already in {store} (1 under another role)"
    )
    assert err == (
        "warning: 1 document(s) not added: the store already holds them under another role "
        f"(1 as prior, not source; e.g. {tiny_set / 'prior' / 'p1.txt'}); a document has one "
        "role: to change it, remove it with 'overlap corpus remove --path PATH' and add it "
        "again\n"
    )
    assert content_digest(CorpusStore.open(store)) == digest
    # ... and the way it offers changes the role.
    assert invoke("corpus", "remove", "--path", tiny_set / "prior", "--corpus", store)[0] == 0
    code, out, err = invoke(
        "corpus", "add", tiny_set / "prior", "--role", "source", "--corpus", store
    )
    assert code == 0 and out.startswith("added 1 source document(s)") and err == ""
    roles = {d.path: d.role for d in CorpusStore.open(store).documents()}
    assert roles[str(tiny_set / "prior" / "p1.txt")] == Role.SOURCE


def test_adding_the_same_role_again_is_not_a_conflict(store: Path, tiny_set: Path) -> None:
    code, out, err = invoke(
        "corpus", "add", tiny_set / "prior", "--role", "prior", "--corpus", store
    )
    assert code == 0 and err == ""
    assert out.endswith(f"skipped 1 already in {store}, 0 file(s) could not be read\n")


def test_a_run_logs_documents_stored_under_the_other_role(tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.txt").write_text(prose(600 + i, 60))
    store = CorpusStore.open(tmp_path / "store", create=True)
    add_documents(store, read_documents([folder], Role.SOURCE).documents)
    (tmp_path / "job.toml").write_text('[job]\ncorpus = "store"\n[add]\nprior = ["posts"]\n')
    code, out, _ = invoke("run", tmp_path / "job.toml")
    assert code == 0
    (line,) = [line for line in out.splitlines() if " WARNING " in line]
    assert line.endswith(
        "job: 3 document(s) not added: the store already holds them under another role "
        f"(3 as source, not prior; e.g. {folder / 'p0.txt'}); a document has one role: to "
        "change it, remove it with 'overlap corpus remove --path PATH' and add it again"
    )
