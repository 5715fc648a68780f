r"""A scan result whose every string can be written as UTF-8, for reports and the terminal.

File names that are not UTF-8 (and lone surrogates from JSON escapes) reach Python as lone
surrogates, which no UTF-8 file can hold. Reports show them as
:func:`~overlap.model.printable_path` does: each undecodable byte as ``\xNN``, any other
lone surrogate as U+FFFD. Texts (a document's, a finding's) get U+FFFD, one code point for
one, so that offsets still hold.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar, cast

from overlap.model import ScanResult, printable_path, printable_text

T = TypeVar("T")
#: Fields holding text that offsets index.
_TEXT_FIELDS = frozenset({"text"})


def _printable(value: T, text: bool = False) -> T:
    """``value`` with every string in it printable; the same object if nothing changes."""
    new: Any = value
    if isinstance(value, str):
        if not value.isascii():
            fixed = (printable_text if text else printable_path)(value)
            new = value if fixed == value else fixed
    elif isinstance(value, tuple | list):
        items = [_printable(v, text) for v in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            new = type(value)(items)
    elif isinstance(value, dict):
        pairs = [(_printable(k), _printable(v, text)) for k, v in value.items()]
        if any(
            a is not k or b is not v for (a, b), (k, v) in zip(pairs, value.items(), strict=True)
        ):
            new = dict(pairs)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.metadata.get("shown", True):  # a field no report or terminal shows
                continue
            old = getattr(value, f.name)
            fixed = _printable(old, f.name in _TEXT_FIELDS)
            if fixed is not old:
                changes[f.name] = fixed
        if changes:
            new = dataclasses.replace(value, **changes)
    return cast(T, new)


def printable_result(result: ScanResult) -> ScanResult:
    """``result`` with its strings made printable (itself when all of them already are)."""
    return _printable(result)
