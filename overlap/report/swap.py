"""Replace a report folder whole: build the new one beside it, then swap it in, under a lock.

The new report is written into a fresh hidden sibling (``.NAME.new-PID-RANDOM``) and takes the
old one's place by two renames on one file system, during which Ctrl-C and SIGTERM are held
back; so a reader, a second writer or an interruption finds the previous report or the new
one, whole, never a mix. Writers of one folder take turns on an flock of ``.NAME.lock``
beside it, removed when let go. A writer that fails or is interrupted removes its sibling;
one that was killed leaves it, and the next writer of that folder removes it (after putting
back a report that a kill left swapped out).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

from overlap.errors import OverlapError
from overlap.store.lock import DEFAULT_LOCK_TIMEOUT, Holder

logger = logging.getLogger(__name__)

#: The file every report folder holds: folders holding it are reports (the scanner skips them).
REPORT_MARKER = ".overlap-report"
_NEW, _OLD, _TRASH = "new", "old", "del"
_POLL = 0.05


def _sibling(out: Path, kind: str) -> Path:
    return out.with_name(f".{out.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}")


def _siblings(out: Path, kind: str) -> list[Path]:
    """Siblings of ``kind`` that earlier writers of ``out`` left, oldest name first."""
    prefix = f".{out.name}.{kind}-"
    return sorted(p for p in out.parent.iterdir() if p.name.startswith(prefix))


class _Busy(Exception):
    """Another process holds the lock."""

    def __init__(self, holder: Holder | None) -> None:
        super().__init__()
        self.holder = holder


def _take(path: Path) -> int:
    """Open and flock ``path`` without waiting, and return the descriptor.

    The holder removes the file before it lets go, so a lock taken on a file that is no
    longer at ``path`` counts as not taken (the caller tries again, on the new file).

    Raises:
        _Busy: Another process holds it.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                os.ftruncate(fd, 0)
                return fd
        except (BlockingIOError, FileNotFoundError):
            pass
        raise _Busy(Holder.parse(os.pread(fd, 4096, 0)))
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def _lock(out: Path, timeout: float) -> Iterator[None]:
    """Hold the flock on ``.NAME.lock`` beside ``out``, waiting up to ``timeout`` seconds.

    The file is removed when the lock is let go, so that no lock file stays beside a report.
    """
    path = out.with_name(f".{out.name}.lock")
    deadline, waited = time.monotonic() + timeout, False
    while True:
        try:
            fd = _take(path)
            break
        except _Busy as busy:
            who = busy.holder.describe() if busy.holder else "another process"
            if time.monotonic() >= deadline:
                raise OverlapError(
                    f"report folder {out} is being written by {who}; "
                    f"gave up after waiting {timeout:g} s"
                ) from None
            if not waited:
                logger.warning("waiting for %s to finish writing report %s", who, out)
                waited = True
            time.sleep(_POLL)
    try:
        os.pwrite(fd, json.dumps(asdict(Holder.me())).encode("utf-8"), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)  # lets go of the flock


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM, and deliver them once the block is done.

    Python handlers run in the main thread only; elsewhere there is nothing to hold back.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous: dict[int, Callable[..., object] | int] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(sig)
        if handler is not None:  # None: set outside Python, which cannot be put back
            previous[sig] = handler
            signal.signal(sig, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)


def _tidy(out: Path) -> None:
    """Remove what killed writers of ``out`` left; first put back a report left swapped out."""
    olds = _siblings(out, _OLD)
    if olds and not out.exists() and not out.is_symlink():
        olds.pop().rename(out)  # whole: only a whole report is ever renamed to .old-
        logger.warning("put back report %s, which an interrupted writer had moved aside", out)
    for left in (*olds, *_siblings(out, _NEW), *_siblings(out, _TRASH)):
        shutil.rmtree(left, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in the place of ``out`` (which may be missing), old report removed after."""
    if not out.exists():
        new.rename(out)  # also replaces an empty folder
        return
    old = _sibling(out, _OLD)
    with _signals_held():
        out.rename(old)
        try:
            new.rename(out)
        except BaseException:
            old.rename(out)
            raise
    trash = _sibling(out, _TRASH)
    old.rename(trash)  # a partly removed folder never carries the name of a whole one
    shutil.rmtree(trash, ignore_errors=True)


@contextlib.contextmanager
def replacing(
    out: Path,
    check: Callable[[Path], None],
    keep: Callable[[Path], bool],
    *,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Iterator[Path]:
    """Give an empty folder to write a report into; on success it replaces ``out`` whole.

    Args:
        out: The report folder; a symlink to a folder replaces the folder it points to.
        check: Called with ``out`` once the lock is held; raises if ``out`` must not be
            replaced (it changed since it was last checked).
        keep: Entries of the old folder, other than the report's own, to copy into the new
            one (small hidden files such as ``.htaccess``).
        timeout: Seconds to wait for another writer of ``out``.

    Yields:
        The new folder, a hidden sibling of ``out``; removed if the block raises.

    Raises:
        OverlapError: The lock was held for ``timeout`` seconds, or a folder cannot be
            written or renamed.
    """
    out = Path(os.path.abspath(out))
    if out.is_symlink() and out.is_dir():
        out = out.resolve()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with _lock(out, timeout):
            check(out)
            _tidy(out)
            new = _sibling(out, _NEW)
            new.mkdir()
            try:
                if out.is_dir():
                    os.chmod(new, out.stat().st_mode & 0o7777)
                    for entry in out.iterdir():
                        if keep(entry):
                            shutil.copy2(entry, new / entry.name)
                yield new
                _swap(new, out)
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
    except OSError as exc:
        raise OverlapError(f"cannot write report to {out}: {exc}") from exc
