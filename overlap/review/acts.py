"""What ``overlap review`` does: record decisions about findings and rules in the store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from overlap.errors import InputError
from overlap.model import Finding
from overlap.report.reading import MIN_PREFIX, ReportFolder, read_report
from overlap.review.decisions import Action, Decision, new_decision
from overlap.review.rules import Review
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import read_decisions, record_decisions
from overlap.text.tokens import normalised_words

#: Actions about one finding.
ON_FINDINGS = frozenset({Action.DISMISS, Action.CONFIRM, Action.REOPEN})
#: An allowed passage shorter than this is refused: it would never be aligned.
MIN_PASSAGE_WORDS = 8


def _needs_note(action: Action, note: str) -> None:
    if action is not Action.REOPEN and not note.strip():
        raise InputError(f"--note must say why (a {action} is kept with its reason)")


def _about(report: ReportFolder, finding: Finding) -> dict[str, str | None]:
    """What a decision records of the finding it is about."""
    sub = report.submission(finding.submission)
    entry = report.texts.get(finding.submission)
    return {
        "target": finding.id,
        "submission": finding.submission,
        "other": finding.source or finding.cluster,
        "kind": str(finding.kind),
        "path": sub.path,
        "student": sub.student,
        "term": entry.term if entry else None,
    }


def decide(
    store: CorpusStore,
    report: ReportFolder | None,
    ids: Sequence[str],
    action: Action,
    *,
    note: str = "",
    by: str,
) -> list[Decision]:
    """Dismiss, confirm or reopen findings of a report (or, with reopen, lift rules).

    Each id is a finding id of the report (:func:`~overlap.report.reading.read_report`; its
    first 6 or more digits do); for ``reopen`` it
    may also be the id of a rule (``overlap review list``), which needs no report. All
    decisions are written in one atomic store write, or none if any id is wrong.

    Raises:
        InputError: No id, an id no finding (or rule) has, a finding id without a report,
            or an empty ``note`` (dismiss and confirm).
    """
    if action not in ON_FINDINGS:
        raise InputError(f"{action} is a rule, not a decision about a finding")
    if not ids:
        raise InputError("give the id of at least one finding (the report shows them)")
    _needs_note(action, note)
    with store.locked():
        rules = {r.id for r in Review.of(read_decisions(store)).rules}
        made = []
        for given in ids:
            key = given.strip().lower()
            if action is Action.REOPEN and key in rules:
                made.append(new_decision(action, by=by, note=note, target=key))
                continue
            if report is None:
                raise InputError(f"--report is needed to find finding {given!r}")
            found = report.finding(given)
            made.append(new_decision(action, by=by, note=note, **_about(report, found)))
        record_decisions(store, made)
    return made


def undecided_mirrors(report: ReportFolder, made: Sequence[Decision]) -> list[tuple[Finding, str]]:
    """Findings of the other side of shared passages just decided, not decided with them.

    A passage two students share is a finding in each submission; a decision is about one.
    Each comes with its submission's path.
    """
    by_id = {f.id: f for f in report.findings}
    decided = {d.target for d in made}
    out = []
    for d in made:
        finding = by_id.get(d.target or "")
        mirror = report.mirror(finding) if finding else None
        if mirror is not None and mirror.id not in decided:
            decided.add(mirror.id)
            out.append((mirror, report.submission(mirror.submission).path))
    return out


def _stored_source(store: CorpusStore, given: str) -> dict[str, Any]:
    """The stored document whose path (as stored) or id (or id prefix) is ``given``."""
    docs = store.read("documents", ["id", "path", "role"])
    by_path = docs.filter(pc.equal(docs.column("path"), given))
    if by_path.num_rows:
        return by_path.to_pylist()[0]  # type: ignore[no-any-return]
    key = given.strip().lower()
    if len(key) >= MIN_PREFIX:
        hits = [d for d in docs.to_pylist() if d["id"].startswith(key)]
        if len(hits) == 1:
            return hits[0]  # type: ignore[no-any-return]
    raise InputError(
        f"no stored document {given!r} in {store.root} (give its path as 'overlap corpus list' "
        "shows it, or its id)"
    )


def exclude_source(
    store: CorpusStore,
    source: str,
    *,
    note: str,
    by: str,
    submissions: Sequence[str] = (),
    report: Path | None = None,
    term: str | None = None,
) -> list[Decision]:
    """Never report matches against a stored document, for some submissions, a term, or all.

    ``submissions`` are submission ids or paths as ``report`` names them (a report is then
    needed); ``term`` limits the rule to submissions of that term. Without either the rule
    is for every submission.

    Raises:
        InputError: The source is not stored, a submission is not in the report, or the
            note is empty.
    """
    _needs_note(Action.EXCLUDE_SOURCE, note)
    if term is not None and not term.strip():
        raise InputError("--term must not be empty")
    doc = _stored_source(store, source)
    rule = {"other": doc["id"], "source_path": doc["path"], "term": term}
    if not submissions:
        made = [new_decision(Action.EXCLUDE_SOURCE, by=by, note=note, **rule)]
    else:
        if report is None:
            raise InputError("--submission needs --report: the report names the submissions")
        read = read_report(report)
        made = []
        for given in submissions:
            sub = read.submission(given)
            fields = {**rule, "submission": sub.id, "path": sub.path, "student": sub.student}
            made.append(new_decision(Action.EXCLUDE_SOURCE, by=by, note=note, **fields))
    record_decisions(store, made)
    return made


def allow_passage(store: CorpusStore, file: Path, *, note: str, by: str) -> Decision:
    """Record a passage as common property of the course: scans never report it.

    Raises:
        InputError: The file cannot be read as UTF-8 text, or holds fewer than 8 words.
    """
    _needs_note(Action.ALLOW_PASSAGE, note)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{file}: a folder, not a text file") from None
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    words = len(normalised_words(text))
    if words < MIN_PASSAGE_WORDS:
        raise InputError(
            f"{file}: {words} word(s); an allowed passage needs at least {MIN_PASSAGE_WORDS}"
        )
    made = new_decision(Action.ALLOW_PASSAGE, by=by, note=note, passage=text)
    record_decisions(store, [made])
    return made
