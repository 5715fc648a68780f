"""What every page of a report needs to know: page names, finding numbers, cross-links."""

from __future__ import annotations

from dataclasses import dataclass

from overlap.model import Document, Finding, Role, ScanResult, SubmissionSummary
from overlap.report.html.markup import page_href
from overlap.report.names import submission_names
from overlap.report.texts import text_file_name

#: Folder (inside the report folder) of the per-submission pages.
PAGES_FOLDER = "submissions"


def page_name(summary: SubmissionSummary) -> str:
    """A safe file name for a submission's page: ``<stem>-<id>.html``."""
    stub = Document(id=summary.id, path=summary.path, role=Role.SUBMISSION, text="")
    return text_file_name(stub).removesuffix(".txt") + ".html"


def reading_order(f: Finding) -> tuple[int, int, int, str]:
    """Findings in the order a reader meets them: by start, longest first, most severe first."""
    return (f.start, -f.end, -f.severity.rank, f.source or "")


@dataclass(frozen=True)
class Site:
    """Names and numbers shared by the pages of one report."""

    result: ScanResult
    #: Submission id to its page's file name (inside :data:`PAGES_FOLDER`).
    pages: dict[str, str]
    #: Submission id to its findings in reading order; a finding's number is its index + 1.
    findings: dict[str, list[Finding]]
    #: Submission id to its name (:func:`~overlap.report.names.submission_names`): the
    #: student, else the path relative to the folder all submissions lie in.
    names: dict[str, str]
    #: The report folder as the scan was given it (for the commands a card shows); None
    #: when the writer did not say.
    report: str | None = None
    #: Whether cards end with the ``overlap review`` commands (not in a case file, which is
    #: a record for people who do not run them).
    review_commands: bool = True

    @classmethod
    def of(cls, result: ScanResult, report: str | None = None) -> Site:
        """Number each submission's findings and name each submission's page."""
        findings: dict[str, list[Finding]] = {s.id: [] for s in result.submissions}
        for f in result.findings:
            findings.setdefault(f.submission, []).append(f)
        for fs in findings.values():
            fs.sort(key=reading_order)
        pages = {s.id: page_name(s) for s in result.submissions}
        return cls(result, pages, findings, submission_names(result.submissions), report)

    def href(self, submission: str, number: int | None = None) -> str:
        """A link from the overview to a submission's page, or to its finding ``number``."""
        fragment = f"f{number}" if number else None
        return page_href(PAGES_FOLDER, self.pages[submission], fragment=fragment)

    def document(self, doc_id: str | None) -> Document | None:
        """A document of the scan by id, or None when the result does not carry it."""
        return self.result.documents.get(doc_id) if doc_id else None

    def number(self, f: Finding) -> int | None:
        """The number of a finding on its submission's page."""
        for i, g in enumerate(self.findings.get(f.submission, []), start=1):
            if g is f or g == f:
                return i
        return None

    def mirror(self, f: Finding) -> tuple[str, int] | None:
        """For a passage shared with another submission: that page and its finding number."""
        if f.source not in self.pages:
            return None
        for i, g in enumerate(self.findings.get(f.source, []), start=1):
            if f.mirrors(g):
                return self.pages[f.source], i
        return None
