"""Ingest: read the user's files and folders into Documents, reporting the ones we cannot read."""

from overlap.ingest.decode import DecodeError, decode_bytes
from overlap.ingest.files import TEXT_SUFFIXES, Ingested, read_documents
from overlap.ingest.metadata import Metadata, parse_authors, read_metadata

__all__ = [
    "TEXT_SUFFIXES",
    "DecodeError",
    "Ingested",
    "Metadata",
    "decode_bytes",
    "parse_authors",
    "read_documents",
    "read_metadata",
]
