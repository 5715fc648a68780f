"""The records that flow through the pipeline: documents, matches and findings."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a document is to a scan."""

    SOURCE = "source"
    PRIOR = "prior"
    SUBMISSION = "submission"
    EXCLUDE = "exclude"


class Kind(StrEnum):
    """Finding kinds of the findings contract."""

    UNATTRIBUTED_COPY = "unattributed_copy"
    MISSING_CITATION = "missing_citation"
    MISSING_QUOTATION_MARKS = "missing_quotation_marks"
    MISCITED = "miscited"
    UNCITED_PARAPHRASE = "uncited_paraphrase"
    PEER_OVERLAP = "peer_overlap"
    PRIOR_OVERLAP = "prior_overlap"
    ATTRIBUTED_QUOTE = "attributed_quote"
    ATTRIBUTED_PARAPHRASE = "attributed_paraphrase"
    UNMATCHED_QUOTE = "unmatched_quote"
    COMMON_PHRASING = "common_phrasing"


class Severity(StrEnum):
    """How much a finding matters, in increasing order."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """Order of severities, info lowest."""
        return list(Severity).index(self)


SEVERITY_OF: dict[Kind, Severity] = {
    Kind.UNATTRIBUTED_COPY: Severity.HIGH,
    Kind.MISSING_CITATION: Severity.MEDIUM,
    Kind.MISSING_QUOTATION_MARKS: Severity.LOW,
    Kind.MISCITED: Severity.MEDIUM,
    Kind.UNCITED_PARAPHRASE: Severity.MEDIUM,
    Kind.PEER_OVERLAP: Severity.HIGH,
    Kind.PRIOR_OVERLAP: Severity.HIGH,
    Kind.ATTRIBUTED_QUOTE: Severity.INFO,
    Kind.ATTRIBUTED_PARAPHRASE: Severity.INFO,
    Kind.UNMATCHED_QUOTE: Severity.INFO,
    Kind.COMMON_PHRASING: Severity.INFO,
}


def document_id(relative_path: str, text: str) -> str:
    """Return a stable id derived from a document's relative path and content.

    A path may hold a file name that is not UTF-8 (its bytes as lone surrogates, PEP 383):
    it still gives an id, distinct from any other name's.
    """
    digest = hashlib.sha256()
    digest.update(relative_path.replace("\\", "/").encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown_byte(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def printable_path(path: str) -> str:
    r"""A file name as valid Unicode: each byte of it that is not UTF-8 shown as ``\xNN``.

    Python lists such a name with each undecodable byte as a lone surrogate (U+DC80 to
    U+DCFF, PEP 383), which no UTF-8 file can hold: ``bad\xff.txt`` is how documents, errors
    and reports name the file whose name holds the byte 0xFF. Any other lone surrogate becomes
    U+FFFD. Valid names are returned unchanged.
    """
    return path if path.isascii() else _SURROGATE.sub(_shown_byte, path)


def printable_text(text: str) -> str:
    """A text as valid Unicode: each lone surrogate becomes U+FFFD, so every offset holds."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


@dataclass(frozen=True)
class Document:
    """A text the user gave us, with what its metadata says about it.

    ``text`` is the original text; every offset anywhere refers to it.
    """

    id: str
    path: str
    role: Role
    text: str
    authors: tuple[str, ...] = ()
    year: str | None = None
    title: str | None = None
    student: str | None = None
    term: str | None = None
    submitted_at: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """A short human name: the title, the student, or the path."""
        return self.title or self.student or self.path


class Evidence(StrEnum):
    """What an aligned passage rests on."""

    #: One run of the same words in the same order: a verbatim copy.
    EXACT = "exact"
    #: Runs of the same words, chained across a few changed, inserted or dropped words, or
    #: moved a few words from where they stood: a copy that was edited.
    EDITED = "edited"
    #: Sentences alike in their words (TF-ISF cosine and Dice), clustered into one passage;
    #: the words may be reordered, replaced or summarised, so the passage is a paraphrase.
    PARAPHRASE = "paraphrase"


@dataclass(frozen=True)
class Passage:
    """An aligned passage: half-open character ranges in a document and the other text."""

    start: int
    end: int
    other_start: int
    other_end: int
    words: int
    matched_words: int
    evidence: Evidence = Evidence.EXACT

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end and 0 <= self.other_start <= self.other_end):
            raise ValueError(f"bad passage offsets: {self}")


@dataclass(frozen=True)
class FindingQuote:
    """The quotation a finding's passage lies in, as the findings contract gives it.

    Attributes:
        start: First character of the quoted content, marks excluded; ``[start, end)`` is
            half-open, into the submission's original text.
        end: End of the quoted content.
        mark: ``double``, ``curly_double``, ``low_high``, ``guillemets``, ``curly_single``,
            ``single`` (named after the opening mark), ``block`` (an indented paragraph or
            run of them) or ``markdown`` (``>`` lines).
        closed: Whether a closing mark was found.
        bound: Why an unclosed quotation ends: ``paragraph``, ``citation``, ``next_quote`` or
            ``length``; None when closed.
    """

    start: int
    end: int
    mark: str
    closed: bool
    bound: str | None


@dataclass(frozen=True)
class FindingCitation:
    """The cited work a finding was judged by, as the findings contract gives it.

    Offsets are half-open, into the submission's original text.

    Attributes:
        start: Start of the cited work (``Pincus & Cain, 2008, p. 113``).
        end: Its end.
        group_start: Start of the whole citation it stands in, parentheses included
            (``(Anchin, 1982a; Pincus & Cain, 2008, p. 113)``), or of a narrative name.
        group_end: End of the whole citation.
        authors: Surnames or group names as a reader reads them, ``et al.`` dropped.
        et_al: Whether ``et al.`` was written.
        year: ``"2008"``, ``"1982a"``, ``"n.d."``, or None when no year is given.
        locator: ``"p. 113"``, ``"pp. 4-5"``, ``"para. 2"`` or None.
        narrative: Whether the names stand in the sentence, as in ``Author (2008)``.
        problems: Malformations a marker would notice (``missing_year``, ``lower_case`` ...).
    """

    start: int
    end: int
    group_start: int
    group_end: int
    authors: tuple[str, ...]
    et_al: bool
    year: str | None
    locator: str | None
    narrative: bool
    problems: tuple[str, ...]


class Verdict(StrEnum):
    """What a person decided about a finding."""

    #: Looked at and cleared: shown as dismissed, counted toward neither similarity nor
    #: ``--fail-on``.
    DISMISSED = "dismissed"
    #: Looked at and upheld.
    CONFIRMED = "confirmed"


@dataclass(frozen=True)
class FindingDecision:
    """The standing decision about a finding: the latest one, unless it was reopened since."""

    decision: Verdict
    by: str
    at: str
    note: str


@dataclass(frozen=True)
class Finding:
    """One reported passage of a submission, in the shape of the findings contract.

    ``source*`` fields are None for a quotation that matches no source (``unmatched_quote``)
    and for common phrasing (``common_phrasing``), which many submissions share: ``cluster``
    names the shared passage (the same name in every submission and every scan that finds
    it) and ``shared_by`` says how many submissions of the scan hold it.
    """

    submission: str
    kind: Kind
    start: int
    end: int
    text: str
    source: str | None
    source_path: str | None
    source_start: int | None
    source_end: int | None
    words: int
    tfidf: float
    containment: float
    quote: FindingQuote | None = None
    citation: FindingCitation | None = None
    #: What the match rests on; None for a quotation that matches no source.
    evidence: Evidence | None = Evidence.EXACT
    cluster: str | None = None
    shared_by: int | None = None
    #: Cosine of the sentence vectors of a restatement (paraphrase evidence from the
    #: semantic pass); None for every other finding.
    semantic: float | None = None
    #: What a person decided about this finding (in this or an earlier scan); None when
    #: nobody has, or the decision was reopened.
    decision: FindingDecision | None = None

    def mirrors(self, other: Finding) -> bool:
        """Whether ``other`` is this passage seen from the other submission that shares it."""
        return (
            other.submission == self.source
            and other.source == self.submission
            and (other.start, other.end) == (self.source_start, self.source_end)
            and (other.source_start, other.source_end) == (self.start, self.end)
        )

    @property
    def dismissed(self) -> bool:
        """Whether a person cleared it: then it counts toward neither similarity nor --fail-on."""
        return self.decision is not None and self.decision.decision is Verdict.DISMISSED

    @property
    def counts(self) -> bool:
        """Whether the finding counts toward similarity: not info, and not dismissed."""
        return self.severity is not Severity.INFO and not self.dismissed

    @property
    def severity(self) -> Severity:
        """Severity that follows from the kind."""
        return SEVERITY_OF[self.kind]

    @property
    def id(self) -> str:
        """A name for this finding that a re-scan of the same texts gives again.

        Sixteen hexadecimal digits of the SHA-256 of what the finding is: the submission's id,
        the other side's (the other document's id, or the shared passage's cluster for
        common phrasing, or nothing for an unmatched quote), the kind, and the character
        offsets on both sides. Any change to the passage, its attribution or what it matches
        gives another id; scores, evidence and the words' frequencies in the corpus do not.
        """
        other = self.source or self.cluster or ""
        parts = (
            self.submission,
            other,
            self.kind.value,
            self.start,
            self.end,
            self.source_start,
            self.source_end,
        )
        key = "\x1f".join("" if p is None else str(p) for p in parts)
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def at_or_above(findings: Iterable[Finding], least: Severity) -> int:
    """How many findings, not dismissed, are at or above a severity (what ``--fail-on`` asks)."""
    return sum(1 for f in findings if f.severity.rank >= least.rank and not f.dismissed)


@dataclass(frozen=True)
class FileError:
    """A file, or one row of a file, that could not be read, and why.

    Attributes:
        path: The file (``batch.zip!inner/essay.docx`` inside an archive), or the row of a
            discussion export (``forum.csv#row-3``).
        error: Why, in a few words.
        row: The error is of one row (a post of a discussion export, a row of a metadata.csv),
            not of a whole file; summaries count rows apart from files. Not part of equality.
    """

    path: str
    error: str
    row: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class SubmissionSummary:
    """Per-submission figures of a scan.

    ``errors`` is reserved and always empty: a submission is read whole or not at all, and a
    file (or row) that cannot be read is no submission but a :class:`FileError` of the scan.
    The findings contract keeps the field for problems found in a submission that was read.
    """

    id: str
    path: str
    student: str | None
    words: int
    similarity: float
    overlap: float
    flags: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanResult:
    """Everything a scan found."""

    settings: dict[str, object]
    generated_at: str
    submissions: tuple[SubmissionSummary, ...]
    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...] = field(default_factory=tuple)
    #: The submissions and every document a finding points to, by id (for reports that show
    #: passages side by side); not part of the findings contract.
    documents: dict[str, Document] = field(default_factory=dict, repr=False)
    #: The pairs the index proposed and the aligner checked, ``(submission id, document id)``
    #: (a stored document or another submission); for measuring what the index finds before
    #: alignment. A set: a scan of a large store proposes millions, which no one reads in
    #: order (a scan keeps them as arrays until the set is read,
    #: :class:`overlap.scanning.proposed.ProposedPairs`). Not part of the findings contract,
    #: and no report shows them (``shown``: the report does not make them printable either).
    candidates: Set[tuple[str, str]] = field(
        default_factory=frozenset, repr=False, metadata={"shown": False}
    )
    #: The corpus store the scan read, as it was given (for commands a report prints, such as
    #: ``overlap review --corpus``); None when unknown. Not part of the findings contract.
    store: str | None = field(default=None, repr=False)
    #: What the scan read of that store: ``state`` (a digest of its manifest), ``covers``
    #: (what the digest covers) and ``updated_at``; see :mod:`overlap.store.state`. None
    #: when unknown. Not part of the findings contract.
    store_state: dict[str, object] | None = field(default=None, repr=False)
    #: Parts of that store an earlier version wrote, which scan more slowly until
    #: ``overlap corpus upgrade`` rewrites them. Not part of the findings contract.
    outdated_parts: int = field(default=0, repr=False)
