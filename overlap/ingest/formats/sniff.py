"""Say what a file really is from its first bytes, to name it when its suffix lies."""

from __future__ import annotations

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE2 file (old .doc, or an encrypted Office file)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Encrypted OOXML (.docx with a password) is an OLE2 file holding these two streams.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def sniff(data: bytes) -> str | None:
    """Name the kind of file ``data`` starts like (``a PNG image``), or ``None`` if unknown."""
    head = data[:16]
    if head[4:8] == b"ftyp":
        return "an image or video (ISO media)"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "a WebP image"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def is_encrypted_office(data: bytes) -> bool:
    """Whether ``data`` is a password-protected Office Open XML file (an OLE2 wrapper)."""
    return data.startswith(_OLE2) and _ENCRYPTED_PACKAGE in data[: 1 << 20]


def not_a(expected: str, data: bytes) -> str:
    """The reason for a file that is not the format its suffix promises.

    Example: ``not a PDF (it is a PNG image)``.
    """
    kind = sniff(data)
    return f"not {expected} (it is {kind})" if kind else f"not {expected}"
