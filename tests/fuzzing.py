"""Fuzz ``overlap scan`` with generated and mutated files: each must end read or named in errors.

``python -m tests.fuzzing --cases 10000`` (``make fuzz``) runs the cases of
:mod:`tests.fuzzcases` through ``overlap scan``, many files per scan (each file one case,
given on the command line), in this process through the CLI runner and, every
``--subprocess-every`` cases, in a real ``python -m overlap`` process with its worker pool.
A case fails when the scan prints or logs a traceback, exits other than 0, 1 or 2, runs past
the timeout, changes a file outside ``--out``, or when the report neither reads the file
(``submissions``) nor names it in ``errors`` with a reason, or names it with a reader's
unexpected exception. Failing cases are written to ``--save`` to reproduce; the run prints
the count, the time taken and every failure.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any

from typer.testing import CliRunner

from overlap.cli import app
from overlap.indexing.add import add_to_corpus
from overlap.ingest.walk import READ_SUFFIXES, suffix
from overlap.model import Role
from tests.conftest import ROOT, prose
from tests.fuzzcases import SOURCE_PASSAGE, case

#: An error reason that means a reader raised something it should have turned into a reason.
UNEXPECTED = "cannot read ("


@dataclass(frozen=True)
class Failure:
    """A case (or a whole batch, ``case`` None) that broke a rule, and how."""

    case: int | None
    rule: str
    detail: str
    suffix: str = ""


@dataclass
class FuzzReport:
    """What a fuzz run did and found."""

    cases: int = 0
    batches: int = 0
    subprocess_batches: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    slowest: tuple[float, int] = (0.0, -1)  # seconds, first case of the batch

    def rules(self) -> Counter[str]:
        """Failures by the rule they broke."""
        return Counter(f.rule for f in self.failures)

    def summary(self) -> str:
        rate = self.cases / self.seconds if self.seconds else 0.0
        return (
            f"fuzz: {self.cases} cases in {self.batches} scans ({self.subprocess_batches} in a "
            f"subprocess), {self.seconds:.1f} s ({rate:.0f} cases/s); {len(self.failures)} "
            f"failure(s) {dict(self.rules())}; outcomes {dict(sorted(self.outcomes.items()))}; "
            f"slowest scan {self.slowest[0]:.1f} s (cases {self.slowest[1]}..)"
        )


class _Timeout(BaseException):
    """A scan ran past its time (BaseException: the CLI runner must not swallow it)."""


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


class _Tracebacks(logging.Handler):
    """Collects log records that carry a traceback (a failure caught and logged)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under ``root`` outside ``skip``."""
    seen = {}
    for folder, dirs, files in os.walk(root):
        if Path(folder) == skip:
            dirs.clear()
            continue
        for name in files:
            path = Path(folder) / name
            st = path.lstat()
            seen[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return seen


def readable_members(data: bytes, depth: int = 0) -> int:
    """Members of a zip (nested ones too) ingest would read; -1 if it is not a zip."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        return -1
    count = 0
    with archive:
        for info in archive.infolist():
            name = info.filename
            parts = name.split("/")
            if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts):
                continue
            kind = suffix(name)
            if kind == ".zip" and depth < 2:
                try:
                    count += max(0, readable_members(archive.read(info), depth + 1))
                except Exception:
                    count += 1  # damaged: reading it must say so
            elif kind in READ_SUFFIXES and parts[-1].lower() != "metadata.csv":
                count += 1
    return count


def make_store(root: Path) -> Path:
    """A store holding :data:`SOURCE_PASSAGE` in a source, so that some cases make findings."""
    sources = root / "sources"
    sources.mkdir(parents=True)
    (sources / "source.txt").write_text(f"{prose(7, 80)} {SOURCE_PASSAGE}. {prose(8, 80)}\n")
    (sources / "other.txt").write_text(prose(9, 200) + "\n")
    store = root / "store"
    add_to_corpus([sources], Role.SOURCE, store)
    return store


class Fuzzer:
    """Scans batches of cases under ``root`` and checks each case's outcome."""

    def __init__(self, root: Path, seed: int, timeout: int, save: Path | None) -> None:
        self.root, self.seed, self.timeout, self.save = root, seed, timeout, save
        self.store = make_store(root)
        self.report = FuzzReport()
        for name in ("cwd", "tmp"):
            (root / name).mkdir()

    def batch(self, first: int, count: int, in_subprocess: bool) -> None:
        folder = self.root / "in" / f"b{first:06}"
        folder.mkdir(parents=True)
        files = {}
        for n in range(first, first + count):
            c = case(self.seed, n)
            files[n] = folder / f"c{n:06}{c.suffix}"
            files[n].write_bytes(c.data)
        out = self.root / "out" / f"b{first:06}"
        before = snapshot(self.root, out.parent)
        began = time.monotonic()
        failures = self._scan(list(files.items()), out, in_subprocess)
        took = time.monotonic() - began
        after = snapshot(self.root, out.parent)
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        if changed:
            failures.append(Failure(None, "wrote outside --out", ", ".join(changed[:5])))
        self.report.cases += count
        self.report.batches += 1
        self.report.subprocess_batches += in_subprocess
        self.report.slowest = max(self.report.slowest, (took, first))
        for failure in failures:
            self.report.failures.append(failure)
            self._keep(failure, files)
        shutil.rmtree(folder)
        shutil.rmtree(out.parent, ignore_errors=True)

    def _scan(
        self, files: list[tuple[int, Path]], out: Path, in_subprocess: bool, timeout: int = 0
    ) -> list[Failure]:
        """Scan ``files`` into ``out``; failures of one case alone are that case's."""
        failures = self._check(files, out, in_subprocess, timeout or self.timeout)
        if len(files) == 1:
            n, path = files[0]
            failures = [replace(f, case=n, suffix=path.suffix) for f in failures]
        return failures

    def _check(
        self, files: list[tuple[int, Path]], out: Path, in_subprocess: bool, timeout: int
    ) -> list[Failure]:
        args = ["scan", *(str(p) for _, p in files), "--corpus", str(self.store), "--out", str(out),
                "--quiet"]  # fmt: skip
        if in_subprocess:
            status, stderr, failures = self._subprocess(args, timeout)
        else:
            status, stderr, failures = self._in_process([*args, "--workers", "1"], timeout)
        if "Traceback" in stderr:
            failures.append(Failure(None, "traceback", stderr[-2000:]))
        timed_out = any(f.rule == "timeout" for f in failures)
        if len(files) == 1 and (timed_out or status == 2):
            return failures if timed_out else failures + self._refused(files[0][1], stderr)
        if timed_out or status == 2:
            # One case's doing, surely: which, and what the others come to alone. Only if
            # none does it alone is the batch's failure kept.
            refused = self.report.outcomes["refused"]
            alone = self._alone(files, out)
            if timed_out and not any(f.rule == "timeout" for f in alone):
                alone += failures
            if status == 2 and self.report.outcomes["refused"] == refused:
                alone.append(Failure(None, "exit 2 for no case alone", stderr[-500:]))
            return alone
        if status not in (0, 1):
            return [*failures, Failure(None, "exit status", f"{status}: {stderr[-500:]}")]
        found = out / "findings.json"
        if not found.exists():
            return [*failures, Failure(None, "no report", stderr[-500:])]
        return failures + self._accounted(files, json.loads(found.read_text()))

    def _alone(self, files: list[tuple[int, Path]], out: Path) -> list[Failure]:
        """Scan each case on its own (in this process, with a shorter timeout)."""
        failures = []
        for n, path in files:
            failures += self._scan(
                [(n, path)], out.with_name(f"{out.name}-{n}"), False, max(10, self.timeout // 5)
            )
        return failures

    def _refused(self, path: Path, stderr: str) -> list[Failure]:
        """A scan of one file exiting 2 must name it in one line ``error: ...``."""
        lines = stderr.strip().splitlines()
        if len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0]:
            self.report.outcomes["refused"] += 1
            return []
        return [Failure(None, "exit 2 without naming the file", stderr[-500:])]

    def _in_process(self, args: list[str], timeout: int) -> tuple[int, str, list[Failure]]:
        catcher = _Tracebacks()
        logging.getLogger().addHandler(catcher)
        failures = []
        try:
            with _deadline(timeout):
                result = CliRunner().invoke(app, args)
        except _Timeout:
            return 0, "", [Failure(None, "timeout", f"scan ran past {timeout} s")]
        finally:
            logging.getLogger().removeHandler(catcher)
        for record in catcher.records:
            failures.append(Failure(None, "logged traceback", catcher.format(record)[-2000:]))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            text = "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
            failures.append(Failure(None, "traceback", text[-2000:]))
        return result.exit_code, result.stderr, failures

    def _subprocess(self, args: list[str], timeout: int) -> tuple[int, str, list[Failure]]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(self.root / "tmp")}
        try:
            done = subprocess.run(
                [sys.executable, "-m", "overlap", *args],
                cwd=self.root / "cwd",
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return 0, "", [Failure(None, "timeout", f"scan ran past {timeout} s")]
        return done.returncode, done.stderr, []

    def _accounted(self, files: list[tuple[int, Path]], report: dict[str, Any]) -> list[Failure]:
        """Each case read (a submission from it) or named in errors, never by a reader's crash."""
        read = {str(s["path"]): str(s["id"]) for s in report["submissions"]}
        found = {str(f["submission"]) for f in report["findings"]}
        errors = [(str(e["path"]), str(e["error"])) for e in report["errors"]]
        failures = []
        for n, path in files:
            name = str(path)

            def mine(p: str, name: str = name) -> bool:
                return p == name or p.startswith((f"{name}!", f"{name}#"))

            ids = [i for p, i in read.items() if mine(p)]
            named = [(p, e) for p, e in errors if mine(p)]
            for p, e in named:
                if not e.strip() or e.startswith(UNEXPECTED):
                    failures.append(Failure(n, "reader crash", f"{p}: {e}", path.suffix))
            if not ids and not named:
                detail = "neither read nor in errors"
                if path.suffix == ".zip" and not readable_members(path.read_bytes()):
                    detail += " (an archive of nothing ingest reads: hidden, junk, other kinds)"
                failures.append(Failure(n, "silently dropped", detail, path.suffix))
            outcome = {(True, False): "read", (False, True): "error", (True, True): "read+error"}
            self.report.outcomes[outcome.get((bool(ids), bool(named)), "dropped")] += 1
            self.report.outcomes["with findings"] += any(i in found for i in ids)
        return failures

    def _keep(self, failure: Failure, files: dict[int, Path]) -> None:
        """Copy the failing case (or the batch's cases) to ``save``, with a note of why."""
        if self.save is None:
            return
        self.save.mkdir(parents=True, exist_ok=True)
        cases = [failure.case] if failure.case is not None else list(files)
        kept = []
        for n in cases:
            if n in files and files[n].exists():
                shutil.copy2(files[n], self.save / files[n].name)
                kept.append(files[n].name)
        with (self.save / "failures.jsonl").open("a") as log:
            note = {
                "seed": self.seed,
                "case": failure.case,
                "rule": failure.rule,
                "detail": failure.detail,
                "files": kept,
            }
            log.write(json.dumps(note) + "\n")


def run_fuzz(
    cases: int,
    seed: int = 0,
    *,
    batch: int = 50,
    subprocess_every: int = 1000,
    timeout: int = 300,
    save: Path | None = None,
    verbose: bool = False,
) -> FuzzReport:
    """Scan ``cases`` cases of run ``seed``, ``batch`` files a scan; return what happened."""
    began = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="overlap-fuzz-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        fuzzer = Fuzzer(Path(tmp), seed, timeout, save)
        stack.enter_context(contextlib.chdir(fuzzer.root / "cwd"))  # checked as outside --out
        every = max(1, subprocess_every // batch)
        for k, first in enumerate(range(0, cases, batch)):
            fuzzer.batch(first, min(batch, cases - first), in_subprocess=(k + 1) % every == 0)
            if verbose and (k + 1) % 20 == 0 and first + batch < cases:
                fuzzer.report.seconds = time.monotonic() - began
                print(fuzzer.report.summary(), flush=True)
    fuzzer.report.seconds = time.monotonic() - began
    return fuzzer.report


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer from the command line; exit 1 if any case failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=50, help="files per scan")
    parser.add_argument("--subprocess-every", type=int, default=1000, metavar="CASES")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per scan")
    parser.add_argument("--save", type=Path, default=Path(tempfile.gettempdir()) / "overlap-fuzz")
    parser.add_argument("--case", type=int, help="only write this case's file to --save")
    args = parser.parse_args(argv)
    if args.case is not None:
        c = case(args.seed, args.case)
        args.save.mkdir(parents=True, exist_ok=True)
        path = args.save / f"c{args.case:06}{c.suffix}"
        path.write_bytes(c.data)
        print(f"{path}: {' '.join(c.recipe)}")
        return 0
    report = run_fuzz(
        args.cases,
        args.seed,
        batch=args.batch,
        subprocess_every=args.subprocess_every,
        timeout=args.timeout,
        save=args.save,
        verbose=True,
    )
    print(report.summary())
    for f in report.failures:
        print(f"FAIL case {f.case} ({f.suffix or 'batch'}): {f.rule}: {f.detail}")
    if report.failures:
        print(f"failing cases and failures.jsonl in {args.save}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
