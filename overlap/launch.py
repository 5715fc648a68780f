"""Start the command line: Ctrl-C and SIGTERM end a command alike, from its first import on."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
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

    The process then ends without taking its interpreter apart (see :func:`end_now`).
    """
    try:
        with interrupts_reported():
            from overlap.cli import app

            app()
    except SystemExit as done:
        end_now(done)
        raise
    end_now(SystemExit(0))


def end_now(done: SystemExit) -> None:
    """End this process with ``done``'s status, as the interpreter would, less its teardown.

    A scan of thousands of posts leaves hundreds of megabytes of objects; the interpreter
    frees them one by one at exit, which took most of a second, and the kernel frees them at
    once. Exit handlers run (logs are flushed and closed), then the output is flushed, as at
    any exit; a stream closed before the process started (``>&-``: Python's is None) has
    nothing to flush. Returns, for the usual exit, where another thread still runs (the
    interpreter waits for it) or the output cannot be flushed (the interpreter reports it).
    A message given as ``done``'s code is printed here and ``done``'s code becomes 1, so
    that the usual exit, if it follows, does not print it again.
    """
    if threading.active_count() > 1:
        return
    code = done.code
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message: printed, and the status is 1
        if sys.stderr is not None:
            sys.stderr.write(f"{code}\n")
        status = done.code = 1
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    os._exit(status)
