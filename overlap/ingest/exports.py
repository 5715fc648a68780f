"""Read discussion exports (CSV, JSON Lines): one post per row, with its author and time."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from overlap.errors import SettingsError
from overlap.ingest.dates import iso_timestamp
from overlap.ingest.delimiter import sniff_delimiter
from overlap.ingest.errors import ExtractError
from overlap.ingest.formats.html import html_to_text, looks_like_html

#: Suffixes of discussion exports, compared in lower case.
EXPORT_SUFFIXES = frozenset({".csv", ".jsonl"})
_KEY = re.compile(r"[\s\-]+")
_LINE_END = re.compile(r"\r\n?|\n")


def _key(name: str) -> str:
    """Compare column names as ``user_name`` whatever their case, spaces or dashes."""
    return _KEY.sub("_", name.strip().lower())


@dataclass(frozen=True)
class ExportColumns:
    """Which columns (CSV) or keys (JSON Lines) of a discussion export hold what.

    For each field the first name the export has wins; names are compared ignoring case,
    and spaces or dashes count as underscores (``User Name`` is ``user_name``). A field's
    column written twice (``body,body``, or ``Body`` and ``body``) is an error, not a guess.
    The defaults cover Canvas, Moodle, Blackboard and common forum exports.

    Attributes:
        author: The post's author, stored as the document's student.
        timestamp: When it was posted, stored as ``submitted_at`` (ISO 8601 when understood).
        body: The post's text; markup in it is stripped. An export needs one of these.
        id: The post's id, used in the document path (``export.csv#<id>``).
    """

    author: tuple[str, ...] = (
        "author",
        "user",
        "name",
        "user_name",
        "username",
        "student",
        "userfullname",
        "author_name",
        "full_name",
        "display_name",
    )
    timestamp: tuple[str, ...] = (
        "created_at",
        "timestamp",
        "posted_at",
        "date",
        "created",
        "time",
        "posted",
        "submitted_at",
        "date_posted",
    )
    body: tuple[str, ...] = ("message", "body", "text", "content", "post")
    id: tuple[str, ...] = ("id", "post_id", "message_id", "entry_id")

    def __post_init__(self) -> None:
        for f in fields(self):
            names = getattr(self, f.name)
            if isinstance(names, str) or not all(isinstance(n, str) and n.strip() for n in names):
                raise SettingsError(f"{f.name} must be a tuple of column names, got {names!r}")
        if not self.body:
            raise SettingsError("body must name at least one column, got ()")

    def pick(self, available: list[str]) -> dict[str, str]:
        """Map each field to the first of its names among ``available`` column names."""
        keys = {_key(name): name for name in reversed(available)}
        chosen = {}
        for f in fields(self):
            found = next((keys[_key(n)] for n in getattr(self, f.name) if _key(n) in keys), None)
            if found is not None:
                chosen[f.name] = found
        return chosen


@dataclass(frozen=True)
class Post:
    """One post of an export.

    Attributes:
        key: The post's id, or ``row-N`` (see :func:`read_export`).
        text: The post's text, markup stripped.
        author: Its author, if the export names one.
        posted_at: ISO 8601 when understood, else as written; ``None`` if absent.
        flags: ``hidden_text`` if its markup hid text.
    """

    key: str
    text: str
    author: str | None
    posted_at: str | None
    flags: tuple[str, ...] = ()


#: What each field holds, to name it in errors.
_WHAT = {"author": "author", "timestamp": "time", "body": "post text", "id": "post id"}
_SHOWN_NAMES = 10


def _names(names: list[str], limit: int = _SHOWN_NAMES) -> str:
    """``Poster, When, Contents``: names as a person reads them, the first ``limit`` of them."""
    shown = [name.strip()[:40] or "(blank)" for name in names[:limit]]
    return ", ".join(shown) + (", ..." if len(names) > limit else "")


def _not_export(columns: ExportColumns, field: str, unit: str, found: list[str]) -> str:
    """Why a file is not an export: which field has no column, what it may be named, what is."""
    wanted = _names(list(getattr(columns, field)), 5)
    reason = f"not a discussion export: no {unit} for the {_WHAT[field]} ({wanted})"
    if field == "author":  # only exports found in a folder need one
        reason += ", which an export found in a folder needs (given on its own, it is read)"
    return f"{reason}; {unit}s: {_names(found) if found else '(none)'}"


def _duplicates(names: list[str], chosen: dict[str, str], unit: str) -> str | None:
    """Why the mapping is ambiguous, if a field's column (or key) appears more than once."""
    for field, name in chosen.items():
        at = [i for i, other in enumerate(names, start=1) if _key(other) == _key(name)]
        if len(at) > 1:
            which = ", ".join(f"'{names[i - 1]}'" for i in at)
            where = f" ({unit}s {', '.join(map(str, at))})" if unit == "column" else ""
            return f"duplicate {unit} for the {_WHAT[field]}: {which}{where}"
    return None


def _cell(value: object) -> str | None:
    if isinstance(value, Mapping):  # {"user": {"name": ...}} in JSON exports
        value = value.get("name") or value.get("display_name")
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _post(row: str, number: int, record: Mapping[str, object], chosen: dict[str, str]) -> Post:
    """The post of one record whose body column or key is ``chosen["body"]``.

    Raises:
        ExtractError: The record gives no text (named ``row``, the reason giving the post's
            id if it has one): its body is missing, null, empty, not text, or only markup.
    """
    post_id = _cell(record.get(chosen["id"])) if "id" in chosen else None
    name = chosen["body"]
    value = record.get(name)
    problem = None
    if name not in record:
        problem = f"no '{name}' cell"
    elif value is None:
        problem = f"'{name}' is null"
    elif isinstance(value, (dict, list)):
        problem = f"'{name}' is not text"
    elif not str(value).strip():
        problem = f"'{name}' is empty"
    text = str(value).strip()
    flags: tuple[str, ...] = ()
    if problem is None and looks_like_html(text):
        extracted = html_to_text(text)
        text, flags = extracted.text, extracted.flags
        if not text.strip():
            problem = f"'{name}' holds only markup"
    if problem is not None:
        raise ExtractError(
            row, f"no post text: {problem}" + (f" (id {post_id})" if post_id else "")
        )
    raw_time = _cell(record.get(chosen["timestamp"])) if "timestamp" in chosen else None
    return Post(
        key=post_id or f"row-{number}",
        text=text,
        author=_cell(record.get(chosen["author"])) if "author" in chosen else None,
        posted_at=iso_timestamp(raw_time) or raw_time,
        flags=flags,
    )


def read_export(
    text: str, suffix: str, shown: str, columns: ExportColumns, *, need_author: bool = False
) -> tuple[list[Post], list[ExtractError]]:
    """Read the posts of a CSV or JSON Lines export, in file order.

    CSV may be separated by commas, semicolons or tabs (whichever its header uses most).
    Found in a folder, a CSV or JSON Lines file is only taken for an export if it names an
    author too (``need_author``): data files with a ``text`` column are common, and are
    reported rather than read as posts.

    Rows are named ``#row-N``: in JSON Lines N is the line number (blank lines count, as in
    an editor); in CSV the N-th row below the header (blank lines not counted). A post
    without an id column is keyed so too.

    Returns:
        The posts, and one error per row that gives no post (named ``shown#row-N``): a JSON
        line that is not an object, a record whose post text is missing, null, empty or only
        markup, a JSON record with two keys for one field. CSV rows with no cell filled
        are skipped.

    Raises:
        ExtractError: The file is empty; it has no column or key for the post text (or,
            with ``need_author``, none for the author), then it is not an export and the
            reason names the columns it has; a CSV header names a field's column twice;
            malformed CSV.
    """
    if not text.strip():
        raise ExtractError(shown, "empty file")
    if suffix == ".jsonl":
        return _jsonl(text, shown, columns, need_author)
    posts: list[Post] = []
    errors: list[ExtractError] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
        header = next(reader, [])
        chosen = columns.pick(header)
        for field in ("body", "author") if need_author else ("body",):
            if field not in chosen:
                raise ExtractError(shown, _not_export(columns, field, "column", header))
        duplicate = _duplicates(header, chosen, "column")
        if duplicate:
            raise ExtractError(shown, duplicate)
        number = 0
        for cells in reader:
            if not cells:  # a blank line, which the numbering of rows has never counted
                continue
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            record = dict(zip(header, cells, strict=False))  # a short row lacks its last cells
            try:
                posts.append(_post(f"{shown}#row-{number}", number, record, chosen))
            except ExtractError as exc:
                errors.append(exc)
    except csv.Error as exc:
        raise ExtractError(shown, f"malformed CSV ({exc})") from exc
    return posts, errors


class _Record(dict[str, object]):
    """A JSON object that remembers every key as written, duplicates included."""

    written: list[str]


def _record(pairs: list[tuple[str, object]]) -> _Record:
    record = _Record(pairs)
    record.written = [key for key, _ in pairs]
    return record


def _jsonl(
    text: str, shown: str, columns: ExportColumns, need_author: bool
) -> tuple[list[Post], list[ExtractError]]:
    records: list[tuple[int, _Record]] = []
    errors: list[tuple[int, ExtractError]] = []  # by line, to report in file order
    # Lines end as an editor ends them, not at U+2028 or U+0085: JSON strings may hold those.
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, object_pairs_hook=_record)
        except ValueError as exc:
            errors.append((number, ExtractError(f"{shown}#row-{number}", f"not JSON ({exc})")))
            continue
        if not isinstance(record, _Record):
            errors.append((number, ExtractError(f"{shown}#row-{number}", "not a JSON object")))
            continue
        records.append((number, record))
    if not records:
        return [], [error for _, error in errors]
    keys = list(dict.fromkeys(key for _, record in records for key in record))
    mapped = columns.pick(keys)
    for field in ("body", "author") if need_author else ("body",):
        if field not in mapped:
            raise ExtractError(shown, _not_export(columns, field, "key", keys))
    posts: list[Post] = []
    for number, record in records:
        row = f"{shown}#row-{number}"
        chosen = columns.pick(list(record))
        reason = _duplicates(record.written, chosen, "key")
        if reason is None and "body" not in chosen:
            reason = f"no key for the post text; keys: {_names(list(record))}"
        try:
            if reason is not None:
                raise ExtractError(row, reason)
            posts.append(_post(row, number, record, chosen))
        except ExtractError as exc:
            errors.append((number, exc))
    return posts, [error for _, error in sorted(errors, key=lambda pair: pair[0])]
