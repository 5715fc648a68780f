"""Run a job (``pipelines/*.toml``): add new files, scan new submissions, keep them as prior.

A run is incremental and idempotent: documents already stored are skipped, and submissions
the store's ledger records as scanned are not scanned again (unless ``rescan``), so running
a job twice on the same input adds nothing and writes no second report. The whole run holds
the store's write lock, so two runs on one store take turns instead of doing work twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from overlap.engine.choice import Engine, open_engine
from overlap.indexing.add import add_files
from overlap.indexing.parts import AddReport, add_documents, describe_conflicts
from overlap.indexing.without import StoreWithout
from overlap.ingest.errors import count_unread
from overlap.ingest.files import read_documents
from overlap.ingest.limits import IngestLimits
from overlap.ingest.shards import plan_reads
from overlap.jobs.spec import AddStep, JobSpec, ScanStep
from overlap.model import Document, FileError, Role, ScanResult, Severity, at_or_above
from overlap.privacy.pseudonyms import ensure_key, pseudonymize_error
from overlap.report.folder import check_report_folder
from overlap.scanning.files import read_templates, scan_into_report
from overlap.semantic.encoder import choose_encoder
from overlap.store.corpus import CorpusStore
from overlap.store.ledger import LedgerEntry, record_scanned, scanned_ids

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobReport:
    """What a run did.

    Attributes:
        name: The job's name.
        added: Documents added to the corpus, per role (``source``, ``prior``).
        skipped: Documents not added because the store already held them.
        words: Words added.
        scanned: Submissions scanned in this run.
        already_scanned: Submissions skipped because an earlier run scanned them.
        report: The report folder written, if anything was scanned.
        result: The scan result (pseudonymised if asked), if anything was scanned.
        errors: Files that could not be read.
        scanning: The job has a scan step.
    """

    name: str
    added: dict[str, int]
    skipped: int
    words: int
    scanned: int
    already_scanned: int
    report: Path | None
    result: ScanResult | None
    errors: tuple[FileError, ...]
    scanning: bool = False

    def summary(self, fail_on: str = "never") -> str:
        """One line saying what the run did, for the log and the terminal."""
        added = ", ".join(f"{n} {role}" for role, n in sorted(self.added.items())) or "0"
        parts = [
            f"{self.name}: added {added} document(s) ({self.words} words)",
            f"skipped {self.skipped} already stored",
        ]
        if self.scanning:
            parts.append(
                f"scanned {self.scanned} submission(s), skipped {self.already_scanned} "
                "scanned before"
            )
        if self.result is not None:
            found = f"{len(self.result.findings)} finding(s)"
            if fail_on != "never":
                found += f", {self.at_or_above(fail_on)} at or above {fail_on}"
            parts.append(found)
        parts.append(f"{count_unread(self.errors)} could not be read")
        if self.report is not None:
            parts.append(f"report {self.report}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The report as JSON-ready values (the scan result itself is in the report folder)."""
        return {
            "job": self.name,
            "added": self.added,
            "skipped": self.skipped,
            "words": self.words,
            "scanned": self.scanned,
            "already_scanned": self.already_scanned,
            "findings": None if self.result is None else len(self.result.findings),
            "report": None if self.report is None else str(self.report),
            "errors": [{"path": e.path, "error": e.error} for e in self.errors],
        }

    def at_or_above(self, fail_on: str) -> int:
        """Findings of this run at or above a severity (``never``: none)."""
        if fail_on == "never" or self.result is None:
            return 0
        return at_or_above(self.result.findings, Severity(fail_on))


def report_folder(template: str, name: str, day: date) -> Path:
    """The dated report folder: the template filled in, with ``-2``, ``-3``... if one exists.

    A run never overwrites an earlier run's report. A report appears whole or not at all
    (:func:`~overlap.report.folder.write_report_folder`), so an interrupted run leaves no
    folder of that name and the next run takes the name.
    """
    year, week, _ = day.isocalendar()
    base = Path(template.format(date=day.isoformat(), week=f"{year}-W{week:02d}", job=name))
    out, n = base, 1
    while (out / "findings.json").exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    return out


def _stamped(documents: Sequence[Document], role: Role, term: str | None) -> list[Document]:
    return [replace(d, role=role, term=d.term or term) for d in documents]


def _read(
    paths: Sequence[Path], role: Role, skip: Sequence[Path] = ()
) -> tuple[tuple[Document, ...], tuple[FileError, ...]]:
    if not paths:
        return (), ()
    ingested = read_documents(paths, role, skip=skip)
    return ingested.documents, ingested.errors


class _Run:
    """The counters of one run, and its steps."""

    def __init__(self, spec: JobSpec, store: CorpusStore, engine: Engine) -> None:
        self.spec = spec
        self.store = store
        self.engine = engine
        self.added: Counter[str] = Counter()
        self.skipped = 0
        self.words = 0
        self.errors: list[FileError] = []

    def count(self, done: AddReport, role: Role) -> None:
        self.added[role.value] += done.added
        self.skipped += done.skipped
        self.words += done.words
        if done.conflicts:
            logger.warning("%s: %s", self.spec.name, describe_conflicts(done.conflicts))

    def add(self, documents: Sequence[Document], role: Role) -> None:
        if documents:
            self.count(add_documents(self.store, documents, engine=self.engine), role)

    def add_step(self, step: AddStep) -> None:
        limits = IngestLimits()
        for role, paths in ((Role.SOURCE, step.source), (Role.PRIOR, step.prior)):
            if not paths:
                continue
            done = add_files(
                self.store,
                plan_reads(paths, limits),
                role,
                engine=self.engine,
                limits=limits,
                term=step.term,
            )
            self.errors += done.errors
            self.count(done, role)

    def scan_step(
        self, step: ScanStep, day: date
    ) -> tuple[int, int, Path | None, ScanResult | None]:
        encoder = choose_encoder(step.paraphrase, step.paraphrase_model)  # fails before reading
        submissions, errors = _read(step.paths, Role.SUBMISSION, skip=step.exclude)
        templates = read_templates(step.exclude)
        if step.pseudonymize:  # the log and the summary name no student either
            key = ensure_key(self.store.root)
            self.errors += tuple(pseudonymize_error(e, key) for e in errors)
        else:
            self.errors += errors
        seen = set() if step.rescan else scanned_ids(self.store)
        fresh = [d for d in submissions if d.id not in seen]
        logger.info(
            "%s: %d submission(s) to scan, %d scanned before",
            self.spec.name,
            len(fresh),
            len(submissions) - len(fresh),
        )
        if not fresh:
            return 0, len(submissions), None, None
        out = report_folder(step.out, self.spec.name, day)
        check_report_folder(out, corpus=self.store.root, inputs=[*step.paths, *step.exclude])
        view = StoreWithout(self.store, {d.id for d in fresh})
        result = scan_into_report(
            fresh,
            view,
            out,
            templates=templates,
            errors=errors,
            engine=self.engine,
            pseudonymize=step.pseudonymize,
            common_phrase=step.common_phrase,
            encoder=encoder,
        )
        logger.info(
            "%s: %d finding(s), report written to %s", self.spec.name, len(result.findings), out
        )
        if step.add_as == "prior":
            self.add(_stamped(fresh, Role.PRIOR, step.term), Role.PRIOR)
        entries = [LedgerEntry(d.id, self.spec.name, result.generated_at, str(out)) for d in fresh]
        record_scanned(self.store, entries)
        return len(fresh), len(submissions) - len(fresh), out, result


def run_job(spec: JobSpec, *, day: date | None = None) -> JobReport:
    """Run a job: its ``[add]`` step, then its ``[scan]`` step, holding the store's lock.

    Args:
        spec: The job, as :func:`overlap.jobs.spec.load_job` reads it.
        day: The date that names the report folder; today by default.

    Returns:
        What was added, skipped and scanned, the report folder and the scan result.

    Raises:
        OverlapError: An input path is missing, the store is damaged, its lock was held
            longer than ``spec.lock_timeout``, or the report cannot be written.
    """
    store = CorpusStore.open(
        spec.corpus, spec.settings, create=True, lock_timeout=spec.lock_timeout
    )
    scanned, before, out, result = 0, 0, None, None
    with open_engine(spec.engine) as engine, store.locked():
        run = _Run(spec, store, engine)
        if spec.add is not None:
            run.add_step(spec.add)
        if spec.scan is not None:
            scanned, before, out, result = run.scan_step(spec.scan, day or date.today())
    return JobReport(
        name=spec.name,
        added={role: n for role, n in sorted(run.added.items()) if n},
        skipped=run.skipped,
        words=run.words,
        scanned=scanned,
        already_scanned=before,
        report=out,
        result=result,
        errors=tuple(run.errors),
        scanning=spec.scan is not None,
    )
