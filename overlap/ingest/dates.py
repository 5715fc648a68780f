"""Turn the timestamps LMSs write (file names, receipts, exports) into ISO 8601."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_FORMATS = (
    "%Y-%m-%d-%H-%M-%S",  # Blackboard file names
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%A, %B %d, %Y %I:%M:%S %p",  # Blackboard receipts
    "%B %d, %Y %I:%M:%S %p",
    "%B %d, %Y %I:%M %p",
    "%A, %d %B %Y, %I:%M %p",  # Moodle
    "%d %B %Y, %I:%M %p",
    "%d %B %Y %H:%M",
)
# A trailing zone abbreviation (EST, CEST) names no offset we could trust; it is dropped.
_ZONE_NAME = re.compile(r"\s+(?!AM$|PM$)[A-Z]{2,5}$")
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def iso_timestamp(value: str | None) -> str | None:
    """Return ``value`` as ISO 8601, or ``None`` if it is empty or in no format we know.

    Understands ISO 8601 itself, Unix epoch seconds or milliseconds (as UTC), Blackboard's
    ``2026-11-20-10-11-12`` and ``Friday, November 20, 2026 10:11:12 AM EST``, Moodle's
    ``Friday, 20 November 2026, 10:11 AM`` and US ``11/20/2026 10:11``. Zone names are
    dropped (the time stays local); numeric offsets are kept.
    """
    text = (value or "").strip()
    if not text:
        return None
    if _EPOCH.fullmatch(text):
        seconds = float(text) / (1000 if len(text.partition(".")[0]) > 11 else 1)
        return _iso(datetime.fromtimestamp(seconds, UTC))
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return _iso(datetime.fromisoformat(text))
    except ValueError:
        pass
    text = _ZONE_NAME.sub("", text)
    for pattern in _FORMATS:
        try:
            return _iso(datetime.strptime(text, pattern))
        except ValueError:
            continue
    return None
