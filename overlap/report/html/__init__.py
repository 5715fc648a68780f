"""The HTML report: index.html and one page per submission, self-contained.

Pages open from disk with a double click, load nothing from the network, run no script but
their own (allowed by hash) and read the same without it, and escape every string that came
from a submission, a source, metadata or a file name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from overlap.engine.local import LocalEngine
from overlap.errors import OverlapError
from overlap.model import ScanResult, SubmissionSummary
from overlap.report.files import write_atomic
from overlap.report.html.listing import relative_paths, submission_rows
from overlap.report.html.overview import overview_page
from overlap.report.html.site import PAGES_FOLDER, Site
from overlap.report.html.submission import submission_page
from overlap.report.texts import is_name_char

#: Page names this package writes (``<stem>-<16 hex id>.html``); only those are ever removed.
_OUR_PAGE = re.compile(r".*-[0-9a-f]{16}\.html")


def _ours(name: str) -> bool:
    return _OUR_PAGE.fullmatch(name) is not None and all(map(is_name_char, name))


#: Submission pages a worker writes at a time.
PAGE_CHUNK = 250


def _write_pages(
    summaries: Sequence[SubmissionSummary], shared: tuple[Site, Path, dict[str, str]]
) -> tuple[list[Path], dict[str, str]]:
    """Make and write the pages of some submissions: a worker's share of a report.

    Also makes their rows of the overview's table, which the overview page takes.
    """
    site, folder, relative = shared
    paths = []
    for summary in summaries:
        path = folder / site.pages[summary.id]
        write_atomic(path, submission_page(summary, site))
        paths.append(path)
    return paths, submission_rows(site, summaries, relative)


def write_html(
    result: ScanResult, out: Path, *, report: str | None = None, workers: int | None = 1
) -> list[Path]:
    """Write ``index.html`` and ``submissions/<name>.html`` for each submission into ``out``.

    Pages of submissions that a previous run into the same folder wrote and this run does
    not are removed; nothing else in the folder is touched.

    Args:
        result: A scan result; its ``documents`` supply the texts shown.
        out: The report folder.
        report: The report folder as the scan was given it, for the ``overlap review``
            commands each finding's card shows (``out`` may be a folder it is written in
            before being swapped in); None shows a placeholder.
        workers: Processes of this machine that make and write the submission pages (one:
            this process; None: one per core). The pages do not depend on it.

    Returns:
        The pages written, the overview first.

    Raises:
        OverlapError: The folder or a page cannot be written.
    """
    site = Site.of(result, report)
    folder = out / PAGES_FOLDER
    written = [out / "index.html"]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        summaries = result.submissions
        chunks = [summaries[k : k + PAGE_CHUNK] for k in range(0, len(summaries), PAGE_CHUNK)]
        rows: dict[str, str] = {}
        shared = (site, folder, relative_paths(site))
        for paths, made in LocalEngine(workers).map_shared(_write_pages, chunks, shared):
            written.extend(paths)
            rows.update(made)
        write_atomic(written[0], overview_page(site, rows))
        keep = {p.name for p in written[1:]}
        for old in folder.iterdir():
            if old.name not in keep and _ours(old.name) and old.is_file():
                old.unlink()
    except OSError as exc:
        raise OverlapError(f"cannot write the HTML report to {out}: {exc}") from exc
    return written


__all__ = ["write_html"]
