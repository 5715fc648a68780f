"""Read .txt and .md files: the decoded text, exactly as written (no library needed)."""

from __future__ import annotations

from overlap.ingest.decode import DecodeError, decode_bytes
from overlap.ingest.formats.base import Extracted
from overlap.ingest.formats.sniff import sniff
from overlap.ingest.limits import IngestLimits


def read_text(data: bytes, shown: str, limits: IngestLimits) -> Extracted:
    """Decode a plain-text file (UTF-8/16/32 by BOM, else UTF-8, cp1252, Latin-1).

    Raises:
        DecodeError: The file is binary (its kind named when known) or its BOM lies.
    """
    try:
        return Extracted(decode_bytes(data, shown))
    except DecodeError as exc:
        kind = sniff(data)
        if exc.reason == "binary file" and kind:
            raise DecodeError(shown, f"binary file ({kind})") from exc
        raise
