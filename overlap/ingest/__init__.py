"""Ingest: read files, folders and archives into Documents, naming the ones we cannot read."""

from overlap.ingest.decode import DecodeError, decode_bytes
from overlap.ingest.errors import ArchiveRefusedError, ExtractError
from overlap.ingest.exports import ExportColumns
from overlap.ingest.files import TEXT_SUFFIXES, Ingested, read_documents
from overlap.ingest.formats import READERS, Extracted
from overlap.ingest.limits import IngestLimits
from overlap.ingest.metadata import Metadata, parse_authors, read_metadata
from overlap.ingest.walk import READ_SUFFIXES

__all__ = [
    "READERS",
    "READ_SUFFIXES",
    "TEXT_SUFFIXES",
    "ArchiveRefusedError",
    "DecodeError",
    "ExportColumns",
    "ExtractError",
    "Extracted",
    "IngestLimits",
    "Ingested",
    "Metadata",
    "decode_bytes",
    "parse_authors",
    "read_documents",
    "read_metadata",
]
