"""Where an unattended run logs: stdout (for journald or cron mail) or an appended file."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from overlap.errors import OverlapError

FORMAT = "%(asctime)s overlap[%(process)d] %(levelname)s %(message)s"


@contextlib.contextmanager
def job_logging(
    log_file: Path | None, stream: TextIO | None = None, level: int = logging.INFO
) -> Iterator[logging.Logger]:
    """Send the ``overlap`` loggers' records to ``log_file`` (appended) or to ``stream``.

    ``stream`` defaults to the current ``sys.stdout``. Yields the ``overlap`` logger, and
    restores its handlers and level on exit.

    Raises:
        OverlapError: The log file cannot be opened.
    """
    logger = logging.getLogger("overlap")
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.FileHandler(log_file, encoding="utf-8")
        except OSError as exc:
            raise OverlapError(f"cannot open log file {log_file}: {exc}") from exc
    else:
        handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        handler.close()
