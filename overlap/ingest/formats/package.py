"""Open the zip packages that .docx and .odt files are, with the archive limits and safe XML.

XML is parsed with defusedxml, which refuses entity expansion (billion laughs) and external
entities; the parts themselves are read in memory through :class:`SafeZip`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from overlap.ingest.errors import ExtractError
from overlap.ingest.formats.sniff import is_encrypted_office, not_a
from overlap.ingest.limits import IngestLimits
from overlap.ingest.safezip import SafeZip


def local(tag: str) -> str:
    """An element's name without its namespace: ``{ns}p`` -> ``p``."""
    return tag.rpartition("}")[2]


def parse_xml(data: bytes, shown: str, part: str) -> Element:
    """Parse one XML part safely.

    Raises:
        ExtractError: The part is not well-formed, or declares entities (refused).
    """
    try:
        root: Element = fromstring(data)
    except DefusedXmlException as exc:
        raise ExtractError(shown, f"refused: {part} declares XML entities") from exc
    except (ParseError, ValueError) as exc:
        raise ExtractError(shown, f"corrupt document ({part}: {exc})") from exc
    return root


class Package:
    """The parts of one document package, read on demand."""

    def __init__(self, archive: SafeZip, shown: str) -> None:
        self._zip = archive
        self.shown = shown

    def part(self, name: str) -> bytes | None:
        """The bytes of a part, or ``None`` if the package has no such part.

        Raises:
            ExtractError: The part is refused or damaged, named after the document.
        """
        entry = self._zip.find(name)
        if entry is None:
            return None
        try:
            return self._zip.read(entry)
        except ExtractError as exc:
            raise ExtractError(self.shown, f"{exc.reason} ({name})") from exc

    def xml(self, name: str) -> Element | None:
        """A part parsed as XML, or ``None`` if the package has no such part."""
        data = self.part(name)
        return None if data is None else parse_xml(data, self.shown, name)


@contextmanager
def open_package(data: bytes, shown: str, limits: IngestLimits, kind: str) -> Iterator[Package]:
    """Open a .docx/.odt package, naming what the file is instead when it is not a zip.

    Args:
        data: The file's bytes.
        shown: How to name the file in errors.
        limits: Size and ratio limits for the package's parts.
        kind: What the file should be, for errors (``a Word document``).

    Raises:
        ExtractError: Password-protected (Office wraps those in OLE2), not a zip, or damaged.
    """
    if is_encrypted_office(data):
        raise ExtractError(shown, "password-protected")
    if not data.startswith(b"PK"):
        raise ExtractError(shown, not_a(kind, data))
    try:
        with SafeZip.open(data, shown, limits) as archive:
            yield Package(archive, shown)
    except ExtractError as exc:
        if type(exc) is not ExtractError or exc.path != shown:
            # A refused package is one refused file, never the archive it came in.
            raise ExtractError(shown, exc.reason) from exc
        raise
