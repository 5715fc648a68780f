"""Format readers: one module per file format, chosen by suffix, each turning bytes into text."""

from __future__ import annotations

from overlap.ingest.formats.base import HIDDEN_TEXT, Extracted, Reader
from overlap.ingest.formats.docx import read_docx
from overlap.ingest.formats.html import read_html
from overlap.ingest.formats.odt import read_odt
from overlap.ingest.formats.pdf import NO_TEXT_LAYER, read_pdf
from overlap.ingest.formats.rtf import read_rtf
from overlap.ingest.formats.text import read_text

#: Reader of each document suffix, compared in lower case.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".html": read_html,
    ".htm": read_html,
    ".odt": read_odt,
    ".rtf": read_rtf,
}

__all__ = ["HIDDEN_TEXT", "NO_TEXT_LAYER", "READERS", "Extracted", "Reader"]
