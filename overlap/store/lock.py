"""The store's write lock: an flock on ``.lock`` whose content names the holder, with a timeout.

The kernel releases an flock when its holder dies, so a crashed writer never blocks the next
one; the holder's pid, host and start time are written into the file only so that a writer
that has to wait (or give up) can say who holds the lock, and so that the next writer can tell
that the previous one ended without releasing it (a stale lock) and log that it recovered.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from overlap.errors import StoreLockedError
from overlap.store.parts import write_error

logger = logging.getLogger(__name__)

LOCK_NAME = ".lock"
#: Seconds a writer waits for another one before giving up.
DEFAULT_LOCK_TIMEOUT = 600.0
_POLL_FIRST, _POLL_MAX = 0.02, 0.5

#: Descriptors of locks this process holds. A forked worker (the process pool of
#: ``add_documents``) must not keep them open: the lock would outlive its holder's death.
_HELD: set[int] = set()


def _close_inherited() -> None:
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)  # closing a copy never releases the parent's lock; LOCK_UN would
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited)


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a store lock."""

    pid: int
    host: str
    since: str
    command: str = ""

    @classmethod
    def me(cls) -> Holder:
        """This process, from now."""
        return cls(
            pid=os.getpid(),
            host=socket.gethostname(),
            since=datetime.now(UTC).isoformat(timespec="seconds"),
            command=_command(),
        )

    @classmethod
    def parse(cls, raw: bytes) -> Holder | None:
        """The holder a lock file names, or None if it is empty or unreadable."""
        try:
            data = json.loads(raw.decode("utf-8"))
            return cls(
                int(data["pid"]),
                str(data["host"]),
                str(data["since"]),
                str(data.get("command", "")),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None

    def describe(self) -> str:
        """``pid 123 on host since 2025-01-01T00:00:00+00:00 (overlap run weekly.toml)``."""
        what = f" ({self.command})" if self.command else ""
        return f"pid {self.pid} on {self.host} since {self.since}{what}"

    def gone(self) -> bool:
        """True if this holder ran on this host and its process no longer exists."""
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


class StoreLock:
    """An exclusive, non-reentrant write lock on a store folder.

    Args:
        root: The store folder (created if missing).
        timeout: Seconds to wait for another holder; 0 tries once.
    """

    def __init__(self, root: Path, timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = root / LOCK_NAME
        self.timeout = timeout
        self._fd: int | None = None

    def acquire(self) -> Holder | None:
        """Take the lock, waiting up to ``timeout``; return the stale holder recovered, if any.

        Raises:
            StoreLockedError: Another process held the lock for the whole timeout.
            StoreError: The lock file cannot be made or opened for writing (a store this user
                may read but not write, a read-only file system).
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise write_error(self.path.parent, exc) from exc
        deadline = time.monotonic() + self.timeout
        pause = _POLL_FIRST
        waited = False
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    holder = Holder.parse(os.pread(fd, 4096, 0))
                    if not waited:
                        # a warning, so that interactive commands show it on stderr too
                        logger.warning("waiting for the store lock held by %s", _name(holder))
                        waited = True
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise StoreLockedError(self._busy(holder)) from None
                    time.sleep(min(pause, left))
                    pause = min(pause * 2, _POLL_MAX)
            stale = Holder.parse(os.pread(fd, 4096, 0))
            mine = json.dumps(asdict(Holder.me())).encode("utf-8")
            os.ftruncate(fd, 0)
            os.pwrite(fd, mine, 0)
        except OSError as exc:
            os.close(fd)
            raise write_error(self.path.parent, exc) from exc
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        _HELD.add(fd)
        if stale is not None:
            logger.warning(
                "recovered a stale lock on %s: %s ended without releasing it",
                self.path.parent,
                stale.describe(),
            )
        return stale

    def release(self) -> None:
        """Clear the holder and release the lock (a no-op if not held)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        _HELD.discard(fd)
        try:
            os.ftruncate(fd, 0)  # an empty file means "released cleanly"
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _busy(self, holder: Holder | None) -> str:
        where = self.path.parent
        message = f"corpus store {where} is locked by {_name(holder)}"
        if holder is not None and holder.gone():
            message += " (that process has exited, but a process it started still holds the lock)"
        return f"{message}; gave up after waiting {self.timeout:g} s (--lock-timeout)"


def _command() -> str:
    """``overlap run pipelines/weekly.toml``: the command up to its first option.

    Options are left out: they may name a student (``corpus remove --student``), and the lock
    file must not keep a name after an erasure.
    """
    path = Path(sys.argv[0] if sys.argv else "")
    words = [f"python -m {path.parent.name}" if path.name == "__main__.py" else path.name]
    for arg in sys.argv[1:4]:
        if arg.startswith("-"):
            break
        words.append(arg)
    return " ".join(words)[:200]


def _name(holder: Holder | None) -> str:
    return holder.describe() if holder is not None else "another process"


def read_holder(root: Path) -> Holder | None:
    """The holder the lock file of ``root`` names (a live or a stale one), if any."""
    try:
        return Holder.parse((root / LOCK_NAME).read_bytes())
    except OSError:
        return None
