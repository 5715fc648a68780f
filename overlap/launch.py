"""Start the command line: Ctrl-C or SIGTERM while it loads ends it as it would later."""

from __future__ import annotations

import signal
import sys
from types import FrameType

#: Exit status of a command stopped by signal N: 128 + N, as a shell reports it.
_STATUS_BASE = 128


def main() -> None:
    """Load the command line and run it; a signal during loading prints one line, no traceback.

    Loading takes a good part of a second (numpy, pyarrow, the readers), long enough for a
    Ctrl-C to land in an import. Once loaded, :func:`overlap.cli.main` handles signals.
    """
    received: list[int] = []

    def interrupt(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup and & keep theirs
            signal.signal(signum, interrupt)
    try:
        from overlap.cli import main as run
    except KeyboardInterrupt:
        got = signal.Signals(received[-1] if received else signal.SIGINT)
        sys.stderr.write(f"interrupted ({got.name})\n")
        raise SystemExit(_STATUS_BASE + got.value) from None
    run()
