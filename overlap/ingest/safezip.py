"""Open untrusted zip files (archives, .docx, .odt) in memory with size, ratio and path checks."""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from overlap.ingest.errors import ArchiveRefusedError, ExtractError
from overlap.ingest.limits import RATIO_FLOOR, Budget, IngestLimits, mib

_CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")
# Errors zipfile and its decompressors raise on damaged data.
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)


@dataclass(frozen=True)
class Entry:
    """A file listed in a zip's central directory.

    Attributes:
        name: Its path inside the archive, posix style.
        info: What the central directory says about it.
        refusal: Why it will not be read (``refused: symbolic link``), or ``None``.
    """

    name: str
    info: zipfile.ZipInfo
    refusal: str | None = None


def _refusal(info: zipfile.ZipInfo, limits: IngestLimits) -> str | None:
    """Say why an entry must not be read, judging only by its central-directory record."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return "refused: absolute path in archive"
    if ".." in name.split("/"):
        return "refused: path leaves the archive (..)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "refused: symbolic link in archive"
    if info.flag_bits & 0x1:
        return "password-protected"
    if info.file_size > limits.max_file_bytes:
        return f"too large: {mib(info.file_size)}, limit {mib(limits.max_file_bytes)}"
    if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(
        info.compress_size, 1
    ):
        ratio = info.file_size / max(info.compress_size, 1)
        return f"refused: compression ratio {ratio:.0f}:1 exceeds the {limits.max_ratio:g}:1 limit"
    return None


class SafeZip:
    """A zip file whose central directory passed the limits, read member by member in memory.

    Nothing is ever extracted to disk; :meth:`read` returns a member's bytes.
    """

    def __init__(
        self, archive: zipfile.ZipFile, shown: str, limits: IngestLimits, budget: Budget
    ) -> None:
        self._zip = archive
        self.shown = shown
        self.limits = limits
        self.budget = budget

    @classmethod
    @contextmanager
    def open(
        cls,
        source: Path | bytes,
        shown: str,
        limits: IngestLimits,
        budget: Budget | None = None,
    ) -> Iterator[SafeZip]:
        """Open a zip from a file (streamed, not loaded) or from bytes, checking its directory.

        Args:
            source: The zip file on disk, or its bytes.
            shown: How to name it in errors.
            limits: The limits in force.
            budget: What the archive may expand to, shared with the archive that holds it;
                a fresh one of ``limits.max_archive_bytes`` when omitted.

        Yields:
            The opened zip.

        Raises:
            ExtractError: The data is not a readable zip.
            ArchiveRefusedError: The central directory breaks a limit (a zip bomb).
        """
        budget = budget if budget is not None else Budget(limits.max_archive_bytes)
        try:
            if isinstance(source, bytes):
                size = len(source)
                archive = zipfile.ZipFile(io.BytesIO(source))
            else:
                size = source.stat().st_size
                archive = zipfile.ZipFile(source)
        except (*_DAMAGED, NotImplementedError) as exc:
            raise ExtractError(shown, f"corrupt or truncated zip file ({exc})") from exc
        with archive:
            safe = cls(archive, shown, limits, budget)
            safe._check_directory(size)
            yield safe

    def _check_directory(self, size: int) -> None:
        """Refuse the whole archive if its declared sizes are those of a zip bomb."""
        infos = self._zip.infolist()
        if len(infos) > self.limits.max_members:
            raise ArchiveRefusedError(
                self.shown, f"refused: {len(infos)} entries, limit {self.limits.max_members}"
            )
        total = sum(info.file_size for info in infos)
        packed = sum(info.compress_size for info in infos)
        if packed > size:
            # Entries that share compressed data (overlapping-file zip bombs) claim more
            # compressed bytes than the file holds.
            raise ArchiveRefusedError(self.shown, "refused: entries overlap or exceed the file")
        if total > self.budget.remaining:
            raise ArchiveRefusedError(
                self.shown, f"refused: expands past the {mib(self.budget.limit)} limit"
            )
        if total > RATIO_FLOOR and total > self.limits.max_ratio * max(size, 1):
            raise ArchiveRefusedError(
                self.shown,
                f"refused: compression ratio {total / max(size, 1):.0f}:1 exceeds the "
                f"{self.limits.max_ratio:g}:1 limit",
            )

    def entries(self) -> list[Entry]:
        """Every file entry (folders left out) in directory order, with refusals stated."""
        found = []
        for info in self._zip.infolist():
            if info.is_dir():
                continue
            name = posixpath.normpath(info.filename.replace("\\", "/"))
            found.append(Entry(name, info, _refusal(info, self.limits)))
        return found

    def find(self, name: str) -> Entry | None:
        """The entry called ``name`` (exact posix path), or ``None``."""
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            return None
        return Entry(name, info, _refusal(info, self.limits))

    def read(self, entry: Entry) -> bytes:
        """Return a member's bytes, counting them against the limits as they are produced.

        Raises:
            ExtractError: The entry is refused, encrypted or damaged; named
                ``archive!member``.
            ArchiveRefusedError: The archive's total budget ran out while reading.
        """
        where = f"{self.shown}!{entry.name}"
        if entry.refusal:
            raise ExtractError(where, entry.refusal)
        info = entry.info
        out = bytearray()
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    self._count(len(chunk))
                    if len(out) > min(info.file_size, self.limits.max_file_bytes):
                        raise ExtractError(where, "refused: expands past its declared size")
                    if len(out) > RATIO_FLOOR and len(out) > self.limits.max_ratio * max(
                        info.compress_size, 1
                    ):
                        raise ExtractError(
                            where, f"refused: compression ratio over {self.limits.max_ratio:g}:1"
                        )
        except RuntimeError as exc:  # zipfile's "password required"
            raise ExtractError(where, "password-protected") from exc
        except NotImplementedError as exc:
            raise ExtractError(where, f"unsupported compression ({exc})") from exc
        except _DAMAGED as exc:
            raise ExtractError(where, f"corrupt archive member ({exc})") from exc
        return bytes(out)

    def _count(self, size: int) -> None:
        self.budget.used += size
        if self.budget.used > self.budget.limit:
            raise ArchiveRefusedError(
                self.shown, f"refused: expands past the {mib(self.budget.limit)} limit"
            )
