"""Turn the bytes of a text file into a str, guessing the encoding the way editors do."""

from __future__ import annotations

import codecs
import os

from overlap.ingest.errors import ExtractError

#: UTF-8 text may hold one NUL byte in this many bytes (stray ones), or a single one
#: whatever its length; more makes it binary.
STRAY_NUL_BYTES = 100
# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


class DecodeError(ExtractError):
    """A file's bytes are not text in any encoding we accept.

    Attributes:
        path: The file as the caller named it.
        reason: Why, in a few words (``binary file``), without the path.
    """


def decode_bytes(data: bytes, path: str | os.PathLike[str]) -> str:
    """Decode a text file's bytes, keeping the text exactly as written except a leading BOM.

    With a byte-order mark the file is UTF-8, UTF-16 or UTF-32 as the mark says. Without one it
    is UTF-8 if it decodes as such, else Windows-1252, else Latin-1 (which never fails). Line
    endings are kept: offsets into the text must match the file.

    Args:
        data: The file's content.
        path: The file, only to name it in errors.

    Returns:
        The decoded text without its byte-order mark.

    Raises:
        DecodeError: The data holds NUL bytes and no UTF-16/32 byte-order mark, and is not
            UTF-8 or holds more than one NUL, over one in ``STRAY_NUL_BYTES`` (reason
            ``binary file``),
            or is invalid in the encoding its byte-order mark announces.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise DecodeError(path, f"invalid {name} after a {name} byte-order mark") from exc
    nuls = data.count(b"\0")
    if nuls:
        # A stray NUL in text (a bad paste, a converter's slip, a scraped page) leaves it
        # text: kept as a character, so offsets still count it. More NULs than a stray one
        # per STRAY_NUL_BYTES, or bytes that are not UTF-8, are not text. Other control
        # bytes do not count: PAN's source texts hold up to 13% of them, and are text.
        if nuls > 1 and nuls * STRAY_NUL_BYTES > len(data):
            raise DecodeError(path, "binary file")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError(path, "binary file") from None
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
