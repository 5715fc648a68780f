"""Scale figures for `make bench-scale`: a 200,000-post store built and scanned on Dask.

Generates prior posts (default 200,000 of ~400 words, Zipf-distributed words as in
`make bench`) and a week of posts (500), some copying passages from prior posts or from each
other. Then, on a local Dask cluster of ``--workers`` single-threaded worker processes, it
builds the store (``corpus add --engine dask``) and scans the week against it (``scan
--engine dask``), each run as the command line runs it, in a fresh client process; and the
same with the local engine (a process pool of ``--workers``) for comparison.

Peak memory: the client's is its own peak RSS (the scheduler runs in another process, as it
would on a cluster); each Dask worker's is read in the worker (``VmHWM``, as ``getrusage``
but not counting the process it was started from), and workers are restarted between runs
so each run's peaks are its own. A local run's pool peak is its largest pool process
(``getrusage`` of the children: forked, they count pages they share with the client).
Prints what it saw; never fails on time. Everything is deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from corpus_gen import write_corpus

TARGETS = {
    "dask_build_words_per_s": (">=", 2_000_000),
    "dask_scan_seconds": ("<=", 60.0),
    "dask_build_client_peak_gib": ("<", 1.0),
    "dask_scan_client_peak_gib": ("<", 1.0),
    "dask_build_worker_peak_gib": ("<", 4.0),
    "dask_scan_worker_peak_gib": ("<", 4.0),
}
GIB = 2**30


def _run(name: str, root: str, engine: dict[str, Any], queue: Any) -> None:
    """One command in a fresh client process: figures, and this process's peak memory."""
    from overlap.engine import EngineSpec
    from overlap.engine.dask import peak_rss
    from overlap.indexing.add import add_to_corpus
    from overlap.model import Role
    from overlap.scanning.files import scan_paths

    # This process was spawned (so its peak RSS is its own), which makes spawn the default
    # for the local pools it starts; the command line forks them, so measure that.
    mp.set_start_method("fork", force=True)
    base, spec = Path(root), EngineSpec(**engine)
    tag = engine["name"]
    t0 = time.perf_counter()
    if name == "build":
        report = add_to_corpus([base / "prior"], Role.PRIOR, base / f"store-{tag}", engine=spec)
        figures: dict[str, Any] = {"words": report.words, "documents": report.added}
    else:
        out = base / f"report-{tag}"
        result = scan_paths([base / "week"], base / f"store-{tag}", out, engine=spec)
        figures = {
            "findings": len(result.findings),
            "with_findings": len({f.submission for f in result.findings}),
        }
    figures["seconds"] = time.perf_counter() - t0
    figures["client_peak"] = peak_rss()
    figures["pool_peak"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    queue.put(figures)


def run_client(name: str, root: Path, engine: dict[str, Any]) -> dict[str, Any]:
    """Run one command in a fresh process and return its figures."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(name, str(root), engine, queue))
    proc.start()
    figures: dict[str, Any] = queue.get()
    proc.join()
    return figures


def findings_doc(path: Path) -> str:
    doc = json.loads((path / "findings.json").read_text(encoding="utf-8"))
    del doc["generated_at"]
    return json.dumps(doc, sort_keys=True)


def measure(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    from overlap.engine.dask import DaskEngine

    figures: dict[str, Any] = {"cores": len(os.sched_getaffinity(0)), "workers": args.workers}
    t0 = time.perf_counter()
    planted = write_corpus(root, args.prior, args.week, args.words)
    figures["generate_seconds"] = round(time.perf_counter() - t0, 1)
    figures["planted_copies"] = planted

    t0 = time.perf_counter()
    cluster = DaskEngine.start(None, args.workers)
    figures["dask_cluster_start_seconds"] = round(time.perf_counter() - t0, 2)
    dask = {"name": "dask", "scheduler": cluster.client.scheduler_info()["address"]}
    try:
        for name in ("build", "scan"):
            got = run_client(name, root, dask)
            workers = cluster.peak_memory()
            figures[f"dask_{name}_client_peak_gib"] = round(got.pop("client_peak") / GIB, 3)
            figures[f"dask_{name}_worker_peak_gib"] = round(max(workers.values()) / GIB, 3)
            figures[f"dask_{name}_worker_peaks_gib"] = [round(v / GIB, 3) for v in workers.values()]
            got.pop("pool_peak")
            figures.update({f"dask_{name}_{k}": v for k, v in got.items()})
            cluster.client.restart()  # fresh worker processes: the next run's peaks are its own
    finally:
        cluster.close()
    figures["dask_build_words_per_s"] = round(
        figures["dask_build_words"] / figures["dask_build_seconds"]
    )
    store_bytes = sum(p.stat().st_size for p in (root / "store-dask").rglob("*") if p.is_file())
    figures["store_gib"] = round(store_bytes / GIB, 2)
    shutil.rmtree(root / "store-dask")
    if not args.skip_local:
        local = {"name": "local", "workers": args.workers}
        for name in ("build", "scan"):
            got = run_client(name, root, local)
            figures[f"local_{name}_client_peak_gib"] = round(got.pop("client_peak") / GIB, 3)
            figures[f"local_{name}_pool_peak_gib"] = round(got.pop("pool_peak") / GIB, 3)
            figures.update({f"local_{name}_{k}": v for k, v in got.items()})
        figures["local_build_words_per_s"] = round(
            figures["local_build_words"] / figures["local_build_seconds"]
        )
        same = findings_doc(root / "report-dask") == findings_doc(root / "report-local")
        figures["findings_identical_dask_vs_local"] = same
    for key in list(figures):
        if key.endswith("seconds"):
            figures[key] = round(figures[key], 2)
    return figures


def main() -> None:
    """Generate the corpus, build and scan on both engines, print figures against targets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prior", type=int, default=200_000)
    parser.add_argument("--week", type=int, default=500)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--dir", type=Path, default=None, help="work folder (a temporary one)")
    parser.add_argument("--skip-local", action="store_true", help="only the Dask engine")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="overlap-scale-", dir=args.dir) as tmp:
        figures = measure(Path(tmp), args)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            op, goal = target
            met = {">=": value >= goal, "<=": value <= goal, "<": value < goal}[op]
            verdict = f"   target {op} {goal:,}: {'met' if met else 'NOT met'}"
        number = isinstance(value, int | float) and not isinstance(value, bool)
        shown = f"{value:,}" if number else value
        print(f"{key:<34}{shown}{verdict}")


if __name__ == "__main__":
    main()
