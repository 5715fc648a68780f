"""Scale figures for `make bench-scale`: stores of 20,000 to 1,000,000 posts built and scanned.

For each size (``--sizes``; `make bench-scale SIZE=N` adds N), generates prior posts (~400
words, Zipf-distributed words as in `make bench`) and a week of posts (500), some copying
passages from prior posts or from each other. Generated posts are kept in ``--cache`` between
runs (a size is generated once); the scratch space needed is printed first, and a run the disk
cannot hold is refused. Then, on a local Dask cluster of ``--workers`` single-threaded worker
processes, it builds the store (``corpus add --engine dask``) and scans the week against it
(``scan --engine dask``), each run as the command line runs it, in a fresh client process;
and the same with the local engine (a process pool of ``--workers``).

Per size and engine it prints: build words/s, store bytes per stored word, scan seconds,
the scan's CPU utilisation (user + system time of the client and its workers over wall time),
peak memory, and the store read during the scan (the store's part files, all of which a scan
reads, over the scan's seconds).

Peak memory: the client's is its own peak RSS (the scheduler runs in another process, as it
would on a cluster); each Dask worker's is read in the worker (``VmHWM``, as ``getrusage``
but not counting the process it was started from), and each run has a cluster of its
own, so each run's peaks are its own. A local run's pool peak is its largest pool process
(``getrusage`` of the children: forked, they count pages they share with the client).
First (``--peers``, 5,000 by default; 0 skips it), a generated week of that many posts is
scanned against itself with an empty store, with each engine: the batch's own pairs are
then all the work. It prints the scan's seconds and CPU utilisation.

Prints what it saw; never fails on time. Stores are deleted at the end; the generated
posts and the last run's report folders stay in the cache.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import multiprocessing as mp
import os
import queue as queue_module
import resource
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from corpus_gen import write_corpus

if TYPE_CHECKING:
    from overlap.engine.dask import DaskEngine

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
    from overlap.engine.workers import parent_death_signal
    from overlap.indexing.add import add_to_corpus
    from overlap.model import Role
    from overlap.scanning.files import scan_paths

    # A bench stopped (Ctrl-C, kill) takes the command it is measuring with it.
    parent_death_signal(signal.SIGTERM)
    # This process was spawned (so its peak RSS is its own), which makes spawn the default
    # for the local pools it starts; the command line forks them, so measure that.
    mp.set_start_method("fork", force=True)
    base, spec = Path(root), EngineSpec(**engine)
    tag = engine["name"]
    t0 = time.perf_counter()
    cpu0 = _cpu()
    if name == "build":
        report = add_to_corpus([base / "prior"], Role.PRIOR, base / f"store-{tag}", engine=spec)
        figures: dict[str, Any] = {"words": report.words, "documents": report.added}
    elif name == "peers":  # the week against itself: an empty store
        from overlap.store.corpus import CorpusStore

        empty = base / f"store-empty-{tag}"
        CorpusStore.open(empty, create=True)
        result = scan_paths([base / "week"], empty, base / f"report-peers-{tag}", engine=spec)
        figures = {
            "findings": len(result.findings),
            "with_findings": len({f.submission for f in result.findings}),
        }
    else:
        out = base / f"report-{tag}"
        result = scan_paths([base / "week"], base / f"store-{tag}", out, engine=spec)
        figures = {
            "findings": len(result.findings),
            "with_findings": len({f.submission for f in result.findings}),
        }
    figures["seconds"] = time.perf_counter() - t0
    figures["cpu_seconds"] = _cpu() - cpu0  # the local pool's workers: they have ended
    figures["client_peak"] = peak_rss()
    figures["pool_peak"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    queue.put(figures)


def _cpu() -> float:
    """User and system seconds of this process and its ended children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_client(name: str, root: Path, engine: dict[str, Any]) -> dict[str, Any]:
    """Run one command in a fresh process and return its figures.

    Raises:
        RuntimeError: The process ended without figures (its error is on stderr above).
    """
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(name, str(root), engine, queue))
    proc.start()
    while True:
        try:
            figures: dict[str, Any] = queue.get(timeout=1.0)
            break
        except queue_module.Empty:
            if not proc.is_alive() and queue.empty():
                raise RuntimeError(
                    f"the {name} run ({engine['name']} engine) ended with status "
                    f"{proc.exitcode} and no figures"
                ) from None
    proc.join()
    return figures


def findings_doc(path: Path) -> str:
    doc = json.loads((path / "findings.json").read_text(encoding="utf-8"))
    del doc["generated_at"]
    return json.dumps(doc, sort_keys=True)


#: Prior posts generated beside the ``--peers`` week (some week posts copy them; none is
#: stored, so those copies find nothing).
PEERS_PRIOR = 1_000
#: Scratch space per stored post: its text (~2.6 KB), the generator's copy, and one store
#: at a time (~14 KB measured at 200,000 posts); with room to spare.
BYTES_PER_POST = 24_000


def _worker_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def corpus(cache: Path, size: int, args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """The generated posts of one size, from the cache or written to it (once)."""
    root = cache / f"prior{size}-week{args.week}-words{args.words}"
    done = root / "planted.json"
    if done.is_file():
        return root, {"generate_seconds": "cached", **json.loads(done.read_text())}
    shutil.rmtree(root, ignore_errors=True)  # an interrupted generation
    t0 = time.perf_counter()
    planted = write_corpus(root, size, args.week, args.words)
    done.write_text(json.dumps({"planted_copies": planted}))
    return root, {"generate_seconds": round(time.perf_counter() - t0, 1), "planted_copies": planted}


def _fresh_cluster(workers: int) -> contextlib.AbstractContextManager[DaskEngine]:
    """A local Dask cluster of ``workers`` new processes, closed after one run.

    A cluster per run, so that each run's worker peaks are its own: restarting the workers
    of one cluster instead (``Client.restart``) twice failed to get them back within its
    timeout after a build on this loaded 2-core machine, which lost the whole benchmark.
    """
    from overlap.engine import EngineSpec
    from overlap.engine.choice import open_engine

    return open_engine(EngineSpec(name="dask", workers=workers))  # type: ignore[return-value]


#: A fresh local Dask cluster for one run, or None for the local engine.
Clusters: TypeAlias = "Callable[[], contextlib.AbstractContextManager[DaskEngine]] | None"


def _dask_spec(cluster: DaskEngine) -> dict[str, Any]:
    return {"name": "dask", "scheduler": cluster.client.scheduler_info()["address"]}


def _measured_run(
    name: str, root: Path, engine: dict[str, Any], clusters: Clusters
) -> tuple[dict[str, Any], int]:
    """One run's figures, its Dask workers' CPU counted in; the largest worker's peak (0 on
    the local engine)."""
    if clusters is None:
        return run_client(name, root, engine), 0
    with clusters() as cluster:
        before = sum(cluster.client.run(_worker_cpu).values())
        got = run_client(name, root, _dask_spec(cluster))
        got["cpu_seconds"] += sum(cluster.client.run(_worker_cpu).values()) - before
        return got, max(cluster.peak_memory().values())


def _engine_runs(
    root: Path, tag: str, engine: dict[str, Any], clusters: Clusters
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    # A store an interrupted run left would be added to, not built: build it anew.
    shutil.rmtree(root / f"store-{tag}", ignore_errors=True)
    for name in ("build", "scan"):
        got, worker_peak = _measured_run(name, root, engine, clusters)
        if clusters is not None:
            figures[f"{tag}_{name}_worker_peak_gib"] = round(worker_peak / GIB, 3)
        else:
            figures[f"{tag}_{name}_pool_peak_gib"] = round(got["pool_peak"] / GIB, 3)
        got.pop("pool_peak")
        figures[f"{tag}_{name}_client_peak_gib"] = round(got.pop("client_peak") / GIB, 3)
        figures[f"{tag}_{name}_cpu_utilisation"] = f"{got.pop('cpu_seconds') / got['seconds']:.0%}"
        figures.update({f"{tag}_{name}_{k}": v for k, v in got.items()})
    figures[f"{tag}_build_words_per_s"] = round(
        figures[f"{tag}_build_words"] / figures[f"{tag}_build_seconds"]
    )
    store = root / f"store-{tag}"
    parts = [
        p
        for d in ("bands", "content", "documents", "windows", "terms")
        for p in (store / d).glob("*")
    ]
    part_bytes = sum(p.stat().st_size for p in parts)
    store_bytes = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    figures[f"{tag}_store_gib"] = round(store_bytes / GIB, 2)
    figures[f"{tag}_store_bytes_per_word"] = round(store_bytes / figures[f"{tag}_build_words"], 1)
    figures[f"{tag}_scan_store_read_mb_per_s"] = round(
        part_bytes / 1e6 / figures[f"{tag}_scan_seconds"]
    )
    shutil.rmtree(store)
    return figures


def _peer_run(root: Path, tag: str, engine: dict[str, Any], clusters: Clusters) -> dict[str, Any]:
    """Scan a generated week against itself (no stored posts): seconds and CPU used."""
    got, _ = _measured_run("peers", root, engine, clusters)
    shutil.rmtree(root / f"store-empty-{tag}", ignore_errors=True)
    return {
        f"{tag}_peers_seconds": round(got["seconds"], 2),
        f"{tag}_peers_cpu_utilisation": f"{got['cpu_seconds'] / got['seconds']:.0%}",
        f"{tag}_peers_findings": got["findings"],
        f"{tag}_peers_client_peak_gib": round(got["client_peak"] / GIB, 3),
    }


Runs = Callable[[Path, str, dict[str, Any], Clusters], dict[str, Any]]


def _each_engine(root: Path, args: argparse.Namespace, runs: Runs, reports: str) -> dict[str, Any]:
    """``runs`` on a local Dask cluster and on the local engine (as asked), and whether the
    two wrote the same findings (``<reports>-dask`` against ``<reports>-local``)."""
    figures: dict[str, Any] = {"cores": len(os.sched_getaffinity(0)), "workers": args.workers}
    if not args.skip_dask:
        t0 = time.perf_counter()
        with _fresh_cluster(args.workers):
            figures["dask_cluster_start_seconds"] = round(time.perf_counter() - t0, 2)
        dask = {"name": "dask"}  # its scheduler's address: each run's own cluster
        figures.update(runs(root, "dask", dask, functools.partial(_fresh_cluster, args.workers)))
    if not args.skip_local:
        figures.update(runs(root, "local", {"name": "local", "workers": args.workers}, None))
    if not (args.skip_local or args.skip_dask):
        same = findings_doc(root / f"{reports}-dask") == findings_doc(root / f"{reports}-local")
        figures["findings_identical_dask_vs_local"] = same
    return figures


def measure_peers(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Scan one generated week of ``--peers`` posts against itself with each engine."""
    return _each_engine(root, args, _peer_run, "report-peers")


def measure(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Build and scan one generated corpus with each engine; the figures."""
    figures = _each_engine(root, args, _engine_runs, "report")
    for key in list(figures):
        if key.endswith("seconds") and isinstance(figures[key], float):
            figures[key] = round(figures[key], 2)
    return figures


def _print(figures: dict[str, Any]) -> None:
    for key, value in figures.items():
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            op, goal = target
            met = {">=": value >= goal, "<=": value <= goal, "<": value < goal}[op]
            verdict = f"   target {op} {goal:,}: {'met' if met else 'NOT met'}"
        number = isinstance(value, int | float) and not isinstance(value, bool)
        shown = f"{value:,}" if number else value
        print(f"{key:<40}{shown}{verdict}", flush=True)


def main() -> None:
    """Generate (or reuse) each corpus, build and scan it on both engines, print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20000,200000", help="stored posts, comma-separated")
    parser.add_argument("--week", type=int, default=500)
    parser.add_argument("--words", type=int, default=400)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--cache", type=Path, default=Path("reports/bench-scale"), help="generated posts, kept"
    )
    parser.add_argument("--skip-local", action="store_true", help="only the Dask engine")
    parser.add_argument("--skip-dask", action="store_true", help="only the local engine")
    parser.add_argument(
        "--peers",
        type=int,
        default=5_000,
        help="also scan a generated week of this many posts against itself (0: skip)",
    )
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args()
    try:
        sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes: numbers separated by commas, got {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: give at least one size of 1 post or more")
    args.cache.mkdir(parents=True, exist_ok=True)
    cached = {
        s
        for s in sizes
        if (args.cache / f"prior{s}-week{args.week}-words{args.words}" / "planted.json").is_file()
    }
    need = sum(BYTES_PER_POST * s for s in sizes if s not in cached) + BYTES_PER_POST * max(sizes)
    free = shutil.disk_usage(args.cache).free
    print(f"scratch space: {args.cache.resolve()}: about {need / GIB:.1f} GiB needed, "
          f"{free / GIB:.1f} GiB free", flush=True)  # fmt: skip
    if need > free:
        raise SystemExit(
            f"error: not enough disk space in {args.cache} for sizes {sizes}: free space or "
            "give --cache on a bigger disk"
        )
    results: dict[Any, Any] = {}
    if args.peers:
        week = argparse.Namespace(**{**vars(args), "week": args.peers})
        root, generated = corpus(args.cache, PEERS_PRIOR, week)
        figures = {"posts_against_each_other": args.peers, **measure_peers(root, args)}
        results["peers"] = figures
        if not args.json:
            _print(figures)
            print(flush=True)
    for size in sizes:
        root, generated = corpus(args.cache, size, args)
        figures = {"stored_posts": size, **generated, **measure(root, args)}
        results[size] = figures
        if not args.json:
            _print(figures)
            print(flush=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: a store left half-built is built anew next time", file=sys.stderr)
        raise SystemExit(130) from None
    except RuntimeError as exc:  # a run failed: its own error is printed above
        raise SystemExit(f"error: {exc}") from None
