"""The HTML report: index.html and one page per submission, self-contained.

Pages open from disk with a double click, load nothing from the network, run no script but
their own (allowed by hash) and read the same without it, and escape every string that came
from a submission, a source, metadata or a file name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from overlap.engine.local import LocalEngine
from overlap.errors import OverlapError
from overlap.model import ScanResult, SubmissionSummary
from overlap.report.files import write_atomic, write_new
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


@dataclass(frozen=True)
class Pages:
    """What the processes that make a report's submission pages share.

    Attributes:
        site: The report's names and numbers.
        out: The report folder the pages go in.
        relative: Each submission's path relative to the folder all of them lie in.
        fresh: ``out`` is a new folder that no one reads until it is whole: pages are written
            straight into it rather than each moved into place.
    """

    site: Site
    out: Path
    relative: dict[str, str]
    fresh: bool = False

    @classmethod
    def of(
        cls, result: ScanResult, out: Path, report: str | None = None, *, fresh: bool = False
    ) -> Pages:
        """Name and number the pages of ``result``, and make their folder in ``out``.

        Raises:
            OverlapError: The folder cannot be made.
        """
        site = Site.of(result, report)
        try:
            (out / PAGES_FOLDER).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OverlapError(f"cannot write the HTML report to {out}: {exc}") from exc
        return cls(site, out, relative_paths(site), fresh)

    def shares(self) -> list[Sequence[SubmissionSummary]]:
        """The submissions in shares of ``PAGE_CHUNK``: a task each."""
        summaries = self.site.result.submissions
        return [summaries[k : k + PAGE_CHUNK] for k in range(0, len(summaries), PAGE_CHUNK)]


def write_pages(
    summaries: Sequence[SubmissionSummary], pages: Pages
) -> tuple[list[Path], dict[str, str]]:
    """Make and write the pages of some submissions: a worker's share of a report.

    Also makes their rows of the overview's table, which the overview page takes.

    Raises:
        OverlapError: A page cannot be written.
    """
    folder, paths = pages.out / PAGES_FOLDER, []
    write = write_new if pages.fresh else write_atomic
    try:
        for summary in summaries:
            path = folder / pages.site.pages[summary.id]
            write(path, submission_page(summary, pages.site))
            paths.append(path)
    except OSError as exc:
        raise OverlapError(f"cannot write the HTML report to {pages.out}: {exc}") from exc
    return paths, submission_rows(pages.site, summaries, pages.relative)


def finish_html(pages: Pages, written: Sequence[Path], rows: dict[str, str]) -> list[Path]:
    """Write ``index.html`` once every page is written, and remove stale pages of ours.

    Args:
        pages: The report's pages.
        written: The submission pages written.
        rows: Their rows of the overview's table, by submission id.

    Returns:
        The pages written, the overview first.

    Raises:
        OverlapError: The overview cannot be written or a stale page removed.
    """
    overview = pages.out / "index.html"
    try:
        write_atomic(overview, overview_page(pages.site, rows))
        keep = {p.name for p in written}
        for old in (pages.out / PAGES_FOLDER).iterdir():
            if old.name not in keep and _ours(old.name) and old.is_file():
                old.unlink()
    except OSError as exc:
        raise OverlapError(f"cannot write the HTML report to {pages.out}: {exc}") from exc
    return [overview, *written]


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
    pages = Pages.of(result, out, report)
    written: list[Path] = []
    rows: dict[str, str] = {}
    for paths, made in LocalEngine(workers).map_shared(write_pages, pages.shares(), pages):
        written.extend(paths)
        rows.update(made)
    return finish_html(pages, written, rows)


__all__ = ["Pages", "finish_html", "write_html", "write_pages"]
