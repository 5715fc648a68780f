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
from overlap.ingest.errors import ExtractError
from overlap.ingest.formats.html import html_to_text, looks_like_html

#: Suffixes of discussion exports, compared in lower case.
EXPORT_SUFFIXES = frozenset({".csv", ".jsonl"})
_KEY = re.compile(r"[\s\-]+")


def _key(name: str) -> str:
    """Compare column names as ``user_name`` whatever their case, spaces or dashes."""
    return _KEY.sub("_", name.strip().lower())


@dataclass(frozen=True)
class ExportColumns:
    """Which columns (CSV) or keys (JSON Lines) of a discussion export hold what.

    For each field the first name the export has wins; names are compared ignoring case,
    and spaces or dashes count as underscores (``User Name`` is ``user_name``). The defaults
    cover Canvas, Moodle, Blackboard and common forum exports.

    Attributes:
        author: The post's author, stored as the document's student.
        timestamp: When it was posted, stored as ``submitted_at`` (ISO 8601 when understood).
        body: The post's text; markup in it is stripped. An export needs one of these.
        id: The post's id, used in the document path (``export.csv#<id>``).
    """

    author: tuple[str, ...] = (
        "author", "user", "name", "user_name", "username", "student", "userfullname",
        "author_name", "full_name", "display_name",
    )  # fmt: skip
    timestamp: tuple[str, ...] = (
        "created_at", "timestamp", "posted_at", "date", "created", "time", "posted",
        "submitted_at", "date_posted",
    )  # fmt: skip
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
        key: ``row-N`` (N counts records from 1) or the post's id.
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


def _cell(value: object) -> str | None:
    if isinstance(value, Mapping):  # {"user": {"name": ...}} in JSON exports
        value = value.get("name") or value.get("display_name")
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _post(number: int, record: Mapping[str, object], chosen: dict[str, str]) -> Post | None:
    body = _cell(record.get(chosen["body"])) if "body" in chosen else None
    if not body:
        return None
    text = body
    flags: tuple[str, ...] = ()
    if looks_like_html(body):
        extracted = html_to_text(body)
        text, flags = extracted.text, extracted.flags
    post_id = _cell(record.get(chosen["id"])) if "id" in chosen else None
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
    """Read the non-empty posts of a CSV or JSON Lines export, in file order.

    CSV may be separated by commas, semicolons or tabs (whichever its header uses most).
    Found in a folder, a CSV or JSON Lines file is only taken for an export if it names an
    author too (``need_author``): data files with a ``text`` column are common.

    Returns:
        The posts, and one error per JSON line that is not an object (named ``#row-N``).

    Raises:
        ExtractError: No body (or needed author) column or key anywhere, then it is not an
            export; or malformed CSV.
    """
    if suffix == ".jsonl":
        return _jsonl(text, shown, columns, need_author)
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    posts = []
    try:
        rows = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        chosen = columns.pick(list(rows.fieldnames or []))
        if "body" not in chosen or (need_author and "author" not in chosen):
            raise ExtractError(shown, _not_export(columns, need_author))
        for number, row in enumerate(rows, start=1):
            post = _post(number, row, chosen)
            if post is not None:
                posts.append(post)
    except csv.Error as exc:
        raise ExtractError(shown, f"malformed CSV ({exc})") from exc
    return posts, []


def _jsonl(
    text: str, shown: str, columns: ExportColumns, need_author: bool
) -> tuple[list[Post], list[ExtractError]]:
    posts: list[Post] = []
    errors: list[ExtractError] = []
    has_body = False
    number = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        number += 1
        try:
            record = json.loads(line)
        except ValueError as exc:
            errors.append(ExtractError(f"{shown}#row-{number}", f"not JSON ({exc})"))
            continue
        if not isinstance(record, dict):
            errors.append(ExtractError(f"{shown}#row-{number}", "not a JSON object"))
            continue
        chosen = columns.pick(list(record))
        if need_author and "author" not in chosen:
            continue
        has_body = has_body or "body" in chosen
        post = _post(number, record, chosen)
        if post is not None:
            posts.append(post)
    if not has_body and not errors:
        raise ExtractError(shown, _not_export(columns, need_author))
    return posts, errors


def _not_export(columns: ExportColumns, need_author: bool) -> str:
    body = " / ".join(columns.body)
    if need_author:
        return f"not a discussion export (needs an author and a {body} column)"
    return f"not a discussion export (no {body} column)"
