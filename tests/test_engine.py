import gc
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from overlap.cli import app
from overlap.engine import EngineSpec, LocalEngine, open_engine
from overlap.errors import EngineError
from overlap.indexing.add import add_to_corpus
from overlap.ingest import IngestLimits, shards
from overlap.ingest.files import read_documents
from overlap.model import Kind, Role, ScanResult
from overlap.scanning.files import scan_paths
from overlap.store.corpus import CorpusStore
from tests.conftest import ATTRIBUTION_DEV, DEMO

runner = CliRunner()


def square(x: int) -> int:
    return x * x


def offset(x: int, by: int) -> int:
    return x + by


@pytest.mark.parametrize("workers", [1, 2])
def test_local_engine_keeps_shard_order(workers: int) -> None:
    engine = LocalEngine(workers)
    assert list(engine.map(square, range(20))) == [x * x for x in range(20)]
    assert list(engine.map_shared(offset, range(20), 100)) == list(range(100, 120))
    assert list(engine.map(square, [])) == []
    assert list(engine.map_shared(offset, [3], 1)) == [4]


def frozen_in_worker(x: int) -> int:
    return gc.get_freeze_count()


def test_workers_leave_what_they_inherit_to_the_parent_and_the_parent_collects_it_again() -> None:
    held = [[k] for k in range(10_000)]  # objects the workers inherit
    assert gc.get_freeze_count() == 0
    counts = list(LocalEngine(2).map(frozen_in_worker, range(4)))
    assert all(count >= len(held) for count in counts)  # frozen in the workers
    assert gc.get_freeze_count() == 0  # and collected again here
    stopped = LocalEngine(2).map(frozen_in_worker, range(10))
    next(stopped)
    stopped.close()  # a caller stopping early unfreezes too
    assert gc.get_freeze_count() == 0


def test_local_engine_draws_shards_lazily() -> None:
    drawn = []

    def shards() -> Iterator[int]:
        for x in range(100):
            drawn.append(x)
            yield x

    results = LocalEngine(2).map(square, shards())
    assert next(results) == 0
    assert len(drawn) <= 2 * 2 + 1  # a few ahead per worker, not the whole input
    assert list(results)[-1] == 99 * 99


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "spark"}, "engine must be one of local, dask, got 'spark'"),
        ({"workers": 0}, "workers must be >= 1, got 0"),
    ],
)
def test_engine_spec_names_the_bad_value(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(EngineError, match=message):
        EngineSpec(**kwargs)


def test_dask_without_the_extra_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with (
        pytest.raises(EngineError, match=r"pip install 'overlap\[dask\]'"),
        open_engine(EngineSpec("dask")),
    ):
        pass
    result = runner.invoke(
        app, ["corpus", "add", str(DEMO / "prior"), "--role", "prior",
              "--corpus", str(tmp_path / "store"), "--engine", "dask"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: --engine dask needs the dask extra: pip install 'overlap[dask]'"
    ]


def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("overlap.engine.dask.CONNECT_TIMEOUT", 1)
    spec = EngineSpec("dask", "tcp://127.0.0.1:9")
    unreachable = r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    with pytest.raises(EngineError, match=unreachable), open_engine(spec):
        pass


def test_shards_read_like_one_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    paths = [DEMO / "sources", DEMO / "prior", DEMO / "sources" / "pryce2016.txt"]
    whole = read_documents(paths, Role.SOURCE)
    monkeypatch.setattr(shards, "FILES_PER_SHARD", 1)
    plan = shards.plan_reads(paths, IngestLimits())
    assert len(plan) > 3
    assert read_documents(paths, Role.SOURCE) == whole


def test_a_folder_given_twice_is_added_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shards, "FILES_PER_SHARD", 1)  # every file its own part
    folder = DEMO / "prior"
    n = len(read_documents([folder], Role.PRIOR).documents)
    first = add_to_corpus([folder, folder / "p02.txt", folder], Role.PRIOR, tmp_path / "s")
    assert (first.added, first.skipped) == (n, 0)
    again = add_to_corpus([folder], Role.PRIOR, tmp_path / "s", engine=EngineSpec(workers=2))
    assert (again.added, again.skipped) == (0, n)
    store = CorpusStore.open(tmp_path / "s")
    assert store.read("documents", ["id"]).num_rows == n
    assert list((tmp_path / "s").rglob("*.tmp")) == []


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local Dask cluster of two single-threaded worker processes, for this module."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def add_and_scan(root: Path, tmp: Path, engine: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Build a store and scan a labelled set through the CLI; findings.json less its time."""
    store, out = tmp / "store", tmp / "report"
    for role in ("source", "prior"):
        result = runner.invoke(app, [
            "corpus", "add", str(root / f"{role if role == 'prior' else 'sources'}"),
            "--role", role, "--corpus", str(store), "--quiet", *engine,
        ])  # fmt: skip
        assert result.exit_code == 0, result.output
    batch = root / "submissions" if (root / "submissions").exists() else root / "week"
    result = runner.invoke(app, [
        "scan", str(batch), "--corpus", str(store), "--exclude", str(root / "prompt.txt"),
        "--out", str(out), "--quiet", *engine,
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text())
    del findings["generated_at"]
    texts = sorted(CorpusStore.open(store).read("documents", ["text"]).column("text").to_pylist())
    return findings, texts


@pytest.mark.slow
@pytest.mark.parametrize("root", [DEMO, ATTRIBUTION_DEV], ids=["demo", "attribution-dev"])
def test_local_and_dask_engines_write_the_same_findings(
    root: Path, tmp_path: Path, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (root / "prompt.txt").exists():
        pytest.skip(f"{root} is not available")
    monkeypatch.setattr(shards, "FILES_PER_SHARD", 2)  # several parts: several tasks each
    local, local_texts = add_and_scan(root, tmp_path / "local", ["--workers", "2"])
    dask, dask_texts = add_and_scan(
        root, tmp_path / "dask", ["--engine", "dask", "--scheduler", scheduler]
    )
    assert len(CorpusStore.open(tmp_path / "dask" / "store").parts) > 2
    assert local["findings"], "the set should have findings to compare"
    assert dask == local
    assert dask_texts == local_texts


@pytest.mark.slow
def test_dask_scan_matches_an_in_process_scan_through_a_store_view(
    tmp_path: Path, scheduler: str
) -> None:
    from overlap.indexing.without import StoreWithout
    from overlap.scanning.scan import scan

    add_to_corpus([DEMO / "sources"], Role.SOURCE, tmp_path / "s")
    add_to_corpus([DEMO / "prior"], Role.PRIOR, tmp_path / "s")
    add_to_corpus([DEMO / "week"], Role.PRIOR, tmp_path / "s")  # the batch is stored too
    week = read_documents([DEMO / "week"], Role.SUBMISSION).documents
    ids = {d.id for d in week}
    store = CorpusStore.open(tmp_path / "s")
    view = StoreWithout(store, ids)

    def stored_copies(result: ScanResult) -> int:
        return sum(f.kind is Kind.PRIOR_OVERLAP and f.source in ids for f in result.findings)

    assert stored_copies(scan_paths([DEMO / "week"], tmp_path / "s", tmp_path / "r")) > 0
    with open_engine(EngineSpec("dask", scheduler)) as engine:
        seen = scan(week, view, engine=engine)
    assert stored_copies(seen) == 0
    assert seen.findings == scan(week, view, engine=LocalEngine(1)).findings


def test_an_archive_bigger_than_a_part_is_staged_as_several_parts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import zipfile

    monkeypatch.setattr("overlap.indexing.add.PART_SIZE", 3)
    posts = sorted((DEMO / "sources").glob("*.txt")) + sorted((DEMO / "prior").glob("*.txt"))
    with zipfile.ZipFile(tmp_path / "term.zip", "w") as archive:
        for post in posts:
            archive.write(post, post.name)
    added = add_to_corpus([tmp_path / "term.zip"], Role.PRIOR, tmp_path / "s")
    assert added.added == len(posts) == 7
    assert len(CorpusStore.open(tmp_path / "s").parts) == 3  # 3 + 3 + 1


def test_findings_assembled_in_shares_on_a_pool_are_those_assembled_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from overlap.scanning import scan as scan_module

    add_to_corpus([DEMO / "sources"], Role.SOURCE, tmp_path / "s")
    add_to_corpus([DEMO / "prior"], Role.PRIOR, tmp_path / "s")
    week = read_documents([DEMO / "week"], Role.SUBMISSION).documents
    store = CorpusStore.open(tmp_path / "s")
    whole = scan_module.scan(week, store, engine=LocalEngine(1))
    monkeypatch.setattr(scan_module, "ASSEMBLY_SHARE", 3)  # several shares, on two processes
    assert len(scan_module._assembly_shares(len(week))) > 2
    shared = scan_module.scan(week, store, engine=LocalEngine(2))
    kinds = {f.kind for f in whole.findings}
    assert {Kind.PEER_OVERLAP, Kind.PRIOR_OVERLAP} <= kinds  # clustered, and scored by IDF
    assert shared.findings == whole.findings
    assert shared.submissions == whole.submissions
