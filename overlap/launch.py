"""Start the command line: Ctrl-C and SIGTERM end a command alike, from its first import on."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: Exit status of a command stopped by signal N: 128 + N, as a shell reports it.
SIGNAL_STATUS_BASE = 128


@contextmanager
def interrupts_reported() -> Iterator[None]:
    """Treat SIGTERM as Ctrl-C, and report either as ``interrupted (SIGINT)`` with 128 + N.

    Both raise KeyboardInterrupt in the main thread, so ``with`` blocks release the store
    lock and engines stop their workers on the way out, as they do for an error. A signal
    this process was started ignoring (``nohup``, a background job) stays ignored. Must be
    entered in the main thread.

    Raises:
        SystemExit: With status 128 + the signal's number, once the command has unwound.
    """
    received: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    except (KeyboardInterrupt, SystemExit):
        if not received:
            raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        sys.stderr.write(f"interrupted ({signal.Signals(received[0]).name})\n")
        raise SystemExit(SIGNAL_STATUS_BASE + received[0])


def main() -> None:
    """Load the command line and run it; usage errors exit 2, Ctrl-C 130, SIGTERM 143.

    Signals are taken over before the command line is imported: loading takes a good part
    of a second (numpy, pyarrow, the readers), long enough for a Ctrl-C to land in an import.
    """
    with interrupts_reported():
        from overlap.cli import app

        app()
