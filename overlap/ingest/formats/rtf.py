"""Read .rtf with striprtf: small, pure Python, maintained; knows code pages and Unicode escapes."""

from __future__ import annotations

from striprtf.striprtf import rtf_to_text

from overlap.ingest.errors import ExtractError
from overlap.ingest.formats.base import Extracted, join_paragraphs
from overlap.ingest.formats.sniff import not_a
from overlap.ingest.limits import IngestLimits


def read_rtf(data: bytes, shown: str, limits: IngestLimits) -> Extracted:
    """Read an RTF document; each line of its text becomes a paragraph.

    RTF is 7-bit text with escapes for everything else, so the bytes are read as Latin-1
    (which cannot fail) and striprtf applies the document's own code page.

    Raises:
        ExtractError: The file is not RTF, or its escapes cannot be decoded.
    """
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{\\rtf"):
        raise ExtractError(shown, not_a("an RTF document", data))
    try:
        text: str = rtf_to_text(head.decode("latin-1"), errors="replace")  # type: ignore[no-untyped-call]
    except (ValueError, LookupError, IndexError, OverflowError) as exc:  # \u99999999999?
        raise ExtractError(shown, f"corrupt RTF ({exc})") from exc
    return Extracted(join_paragraphs([line.strip() for line in text.split("\n")]))
