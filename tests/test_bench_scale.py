"""`make bench-scale`'s runs: a failed run is reported, and each Dask run has its own cluster."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_a_run_that_ends_without_figures_is_an_error_not_a_wait(tmp_path: Path) -> None:
    # A scan of a store that does not exist fails in the run's process; the benchmark must
    # say so rather than wait for figures forever (in a subprocess, so a wait fails here).
    code = (
        f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r})\n"
        "import pathlib, bench_scale\n"
        "try:\n"
        f"    bench_scale.run_client('scan', pathlib.Path({str(tmp_path)!r}),"
        " {'name': 'local', 'workers': 1})\n"
        "except RuntimeError as exc:\n"
        "    print('error:', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    assert "error: the scan run (local engine) ended with status 1 and no figures" in done.stdout
    assert "no corpus store" in done.stderr  # the run's own error, above


def test_each_dask_run_has_a_cluster_of_its_own(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    import bench_scale

    week = tmp_path / "week"
    week.mkdir()
    shared = "the committee reviewed every proposal twice before the final vote was taken today"
    for i in range(3):
        (week / f"w{i}.txt").write_text(f"Post {i} opens here. {shared} and closes {i}.\n")
    started: list[object] = []

    @contextlib.contextmanager
    def clusters() -> Iterator[object]:
        with bench_scale._fresh_cluster(1) as cluster:
            started.append(cluster)
            yield cluster

    first = bench_scale._peer_run(tmp_path, "dask", {"name": "dask"}, clusters)
    second = bench_scale._peer_run(tmp_path, "dask", {"name": "dask"}, clusters)
    assert first["dask_peers_findings"] == second["dask_peers_findings"] >= 1
    # A cluster per run, closed after it: each run's worker peaks are its own.
    assert len(started) == 2
    assert all(c.client.status == "closed" for c in started)  # type: ignore[attr-defined]
