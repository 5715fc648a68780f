"""The ``overlap corpus`` commands: add, remove, list, stats, verify, upgrade."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from overlap.cli.common import (
    DEFAULT_CORPUS,
    CorpusOption,
    CorpusRole,
    EngineName,
    EngineOption,
    LockTimeoutOption,
    SchedulerOption,
    WorkersOption,
    err,
    fail,
    out,
    progress_bar,
)
from overlap.engine.choice import EngineSpec
from overlap.errors import OverlapError
from overlap.indexing.add import add_to_corpus
from overlap.indexing.erasure import Selection, remove_documents
from overlap.indexing.parts import describe_conflicts
from overlap.indexing.upgrade import upgrade_store
from overlap.ingest.errors import count_unread
from overlap.model import Role
from overlap.store.corpus import CorpusStore
from overlap.store.inventory import format_stats, list_documents, store_stats
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT
from overlap.store.verify import drop_damaged_parts, format_dropped, format_report, verify_store

corpus_app = typer.Typer(
    help="Manage the corpus of sources and prior-term posts.", no_args_is_help=True
)


@corpus_app.command("add")
def corpus_add(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH", help="Files, folders or .zip archives to add (see README: formats)."
        ),
    ],
    role: Annotated[
        CorpusRole,
        typer.Option(
            metavar="ROLE", help="What the documents are: source (published) or prior (posts)."
        ),
    ],
    corpus: CorpusOption = DEFAULT_CORPUS,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
    engine: EngineOption = EngineName.local,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
) -> None:
    """Add documents to the corpus store, skipping those already there.

    A folder may hold a metadata.csv (columns path, author, year, title, student, term,
    submitted_at) describing its files. A document stored under the other role is skipped
    with a warning: to change its role, remove it (corpus remove --path) and add it again.
    Each part (about 2,000 files) is committed as it is ready: an interrupted add keeps the
    parts committed, and running it again adds the rest.
    """
    try:
        with progress_bar(not quiet and err.is_terminal) as progress:
            report = add_to_corpus(
                paths,
                Role(role.value),
                corpus,
                progress=progress,
                lock_timeout=lock_timeout,
                engine=EngineSpec(engine.value, scheduler, workers),
            )
    except OverlapError as exc:
        fail(str(exc))
    for e in report.errors:
        err.print(f"error: {e.path}: {e.error}", markup=False, highlight=False, soft_wrap=True)
    if report.conflicts:
        err.print(
            f"warning: {describe_conflicts(report.conflicts)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if not quiet:
        other = f" ({len(report.conflicts)} under another role)" if report.conflicts else ""
        out.print(
            f"added {report.added} {role.value} document(s) ({report.words} words), "
            f"skipped {report.skipped} already in {corpus}{other}, "
            f"{count_unread(report.errors)} could not be read",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@corpus_app.command("remove")
def corpus_remove(
    student: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME", help="A student's name, or pseudonym; repeatable."),
    ] = None,
    term: Annotated[
        list[str] | None, typer.Option(metavar="TERM", help="A term, e.g. 'Fall 2023'; repeatable.")
    ] = None,
    path: Annotated[
        list[str] | None,
        typer.Option(
            metavar="PATH",
            help="A stored path, or a folder or archive above stored paths; repeatable.",
        ),
    ] = None,
    corpus: CorpusOption = DEFAULT_CORPUS,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would go.")] = False,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Erase documents, and everything the store derived from them.

    Their windows, band keys, term counts and scan-ledger entries go with them, and so do
    the review decisions about them or about submissions of the student, term or path
    given (stored or not). Different
    options must all match (--student X --term T: X's documents of term T). Paths match as
    stored or as absolute paths (relative ones taken from the current folder). The parts
    holding them are checked, then rewritten without them and the old files deleted, so no
    file in the store keeps their text. Copies in drop folders and report folders are not
    touched. Exit status 2 if nothing matched.
    """
    asked = tuple(student or ()), tuple(term or ()), tuple(path or ())
    try:
        store = CorpusStore.open(corpus, lock_timeout=lock_timeout)
        removed = remove_documents(store, Selection(*asked), dry_run=dry_run)
    except OverlapError as exc:
        fail(str(exc))
    if not removed.ids and not removed.decisions:
        options = " ".join(
            f"--{name} {value!r}"
            for name, values in zip(("student", "term", "path"), asked, strict=True)
            for value in values
        )
        fail(
            f"nothing matched {options}: nothing removed from {corpus} "
            "('overlap corpus list' shows the stored students, terms and paths)"
        )
    verb = "would remove" if dry_run else "removed"
    out.print(
        f"{verb} {len(removed.ids)} document(s) ({removed.words} words): "
        f"{removed.parts_rewritten} part(s) rewritten, {removed.parts_dropped} dropped, "
        f"{removed.ledger_entries} scan-ledger entries and {removed.decisions} review "
        "decision(s) forgotten",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@corpus_app.command("list")
def corpus_list(
    corpus: CorpusOption = DEFAULT_CORPUS,
    role: Annotated[
        CorpusRole | None,
        typer.Option(metavar="ROLE", help="Only documents of this role: source or prior."),
    ] = None,
    term: Annotated[
        str | None, typer.Option(metavar="TERM", help="Only documents of this term.")
    ] = None,
    student: Annotated[
        str | None, typer.Option(metavar="NAME", help="Only this student's documents.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List stored documents (never their text).

    One line per document: id, role, term, student, words, path.
    """
    try:
        store = CorpusStore.open(corpus)
        docs = list_documents(store, role=role.value if role else None, term=term, student=student)
    except OverlapError as exc:
        fail(str(exc))
    if json_out:
        sys.stdout.write("".join(json.dumps(asdict(d), ensure_ascii=False) + "\n" for d in docs))
        return
    sys.stdout.write("id\trole\tterm\tstudent\twords\tpath\n")
    for d in docs:
        sys.stdout.write(
            f"{d.id}\t{d.role}\t{d.term or ''}\t{d.student or ''}\t{d.words}\t{d.path}\n"
        )


@corpus_app.command("stats")
def corpus_stats(
    corpus: CorpusOption = DEFAULT_CORPUS,
    digest: Annotated[
        bool, typer.Option("--digest", help="Also print a SHA-256 of the content (reads all).")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what the store holds: documents, words, parts, settings.

    Documents and words are counted per role and term.
    """
    try:
        stats = store_stats(CorpusStore.open(corpus), digest=digest)
    except OverlapError as exc:
        fail(str(exc))
    if json_out:
        sys.stdout.write(json.dumps(asdict(stats), indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(format_stats(stats), markup=False, highlight=False, soft_wrap=True)


#: Exit status of ``corpus verify`` when the store is damaged (2 is an error, 1 findings).
DAMAGED_EXIT = 3


@corpus_app.command("verify")
def corpus_verify(
    corpus: CorpusOption = DEFAULT_CORPUS,
    drop_damaged: Annotated[
        bool,
        typer.Option(
            "--drop-damaged",
            help="Take damaged parts out of the store (deleting their files) and list the "
            "files to add again.",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Read every file of every part in full and check it against the manifest and settings.

    Run it from cron, so that damage is found before an erasure needs the part. Exit
    status: 0 nothing damaged (or, with --drop-damaged, the damaged parts taken out),
    2 error (no store, unreadable manifest), 3 damaged.
    """
    try:
        store = CorpusStore.open(corpus, lock_timeout=lock_timeout)
        if drop_damaged:
            report, dropped = drop_damaged_parts(store)
        else:
            report, dropped = verify_store(store), None
    except OverlapError as exc:
        fail(str(exc))
    if json_out:
        data = {**asdict(report), "dropped": asdict(dropped) if dropped else None}
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        out.print(format_report(report), markup=False, highlight=False, soft_wrap=True)
        if dropped is not None and (
            dropped.parts or dropped.ledger_files or dropped.decision_files
        ):
            out.print(format_dropped(dropped), markup=False, highlight=False, soft_wrap=True)
    if not report.ok and dropped is None:
        raise typer.Exit(DAMAGED_EXIT)


@corpus_app.command("upgrade")
def corpus_upgrade(
    corpus: CorpusOption = DEFAULT_CORPUS,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only say how many parts would be rewritten.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="Print nothing but errors.")] = False,
    lock_timeout: LockTimeoutOption = DEFAULT_LOCK_TIMEOUT,
) -> None:
    """Rewrite the parts an earlier version wrote, so that scans read them faster.

    Parts written before the store kept each document's word hashes, or before documents,
    band and content keys were memory-mapped Arrow files, still scan to the same findings,
    but every scan hashes their candidate documents' texts, or decodes their keys or all
    of their texts, again. Each part
    is checked, rewritten as parts are written now and swapped in on its own: an
    interrupted upgrade keeps the parts it finished, and running it again does the rest.
    Needs room for one more part's files at a time. A scan that reads a part while it is
    swapped stops with an error ("run again"): upgrade when no scan is running.
    """
    try:
        store = CorpusStore.open(corpus, lock_timeout=lock_timeout)
        with progress_bar(not quiet and err.is_terminal) as progress:
            done = upgrade_store(store, dry_run=dry_run, progress=progress)
    except OverlapError as exc:
        fail(str(exc))
    if quiet:
        return
    total = done.rewritten + done.current
    if not done.rewritten:
        message = f"nothing to upgrade: all {total} part(s) of {corpus} are current"
    else:
        verb = "would rewrite" if dry_run else "rewrote"
        message = f"{verb} {done.rewritten} of {total} part(s) of {corpus}"
    out.print(message, markup=False, highlight=False, soft_wrap=True)
