"""Safety limits for reading untrusted files: file sizes, archive expansion, nesting depth."""

from __future__ import annotations

from dataclasses import dataclass, fields

from overlap.errors import SettingsError

MIB = 1024 * 1024
#: Data that expands to less than this is not held to the ratio limit: a few hundred
#: kilobytes of blank lines compress 200:1 and prove nothing.
RATIO_FLOOR = MIB


def mib(size: int) -> str:
    """Format a byte count the way limits are stated: ``512 MiB``, ``1.5 MiB``, ``12 KiB``."""
    if size >= MIB:
        value = size / MIB
        return f"{value:.0f} MiB" if value == int(value) else f"{value:.1f} MiB"
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} bytes"


@dataclass(frozen=True)
class IngestLimits:
    """How much ingest may read before it refuses a file or an archive.

    Every limit is checked against the sizes a zip's central directory declares *before*
    anything is decompressed, and again against the bytes actually produced, since headers
    can lie.

    Attributes:
        max_file_bytes: Largest single file, on disk or inside an archive; also the largest
            part read from a document's own zip container (.docx, .odt).
        max_archive_bytes: Largest total uncompressed size of one archive given by the user,
            archives nested in it included; also the largest archive file on disk.
        max_ratio: Largest compression ratio (uncompressed to compressed) of an archive or of
            one member that expands past 1 MiB.
        max_depth: How many archives deep ingest reads: 1 reads archives but no archive inside
            them, 2 one level of nesting; 0 refuses archives.
        max_members: Most entries a single archive may list.
    """

    max_file_bytes: int = 50 * MIB
    max_archive_bytes: int = 512 * MIB
    max_ratio: float = 100.0
    max_depth: int = 2
    max_members: int = 10_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            kinds = (int, float) if f.name == "max_ratio" else (int,)
            if isinstance(value, bool) or not isinstance(value, kinds):
                raise SettingsError(f"{f.name} must be a number, got {value!r}")
        for name in ("max_file_bytes", "max_archive_bytes", "max_members"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.max_ratio < 1:
            raise SettingsError(f"max_ratio must be >= 1, got {self.max_ratio}")
        if self.max_depth < 0:
            raise SettingsError(f"max_depth must be >= 0, got {self.max_depth}")


@dataclass
class Budget:
    """Bytes that one archive given by the user, nested archives included, may still expand to."""

    limit: int
    used: int = 0

    @property
    def remaining(self) -> int:
        """Bytes left before the limit."""
        return self.limit - self.used
