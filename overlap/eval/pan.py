"""PAN text-alignment corpora: pairs, truth and detection XML, plagdet per subset, given pairs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from overlap.errors import InputError
from overlap.eval.plagdet import Annotation, Plagdet, evaluate
from overlap.model import FileError

CASE_TAG, DETECTION_TAG = "plagiarism", "detected-plagiarism"
#: Folder of ``out`` for the detections of pairs that no selected subset lists.
UNLISTED = "unlisted-pairs"

#: Called as ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]
Pair = tuple[str, str]
#: ``(this_offset, this_length, source_offset, source_length)``.
Span = tuple[int, int, int, int]


@dataclass(frozen=True)
class SubsetFigures:
    """Figures of one evaluated subset, or of all of them pooled (named ``entire``).

    Attributes:
        name: The subset folder, or ``entire``.
        pairs: Pairs its ``pairs`` file lists.
        found_pairs: Listed pairs with at least one detection.
        positive_pairs: Listed pairs with at least one truth case.
        proposed_pairs: Positive pairs the index proposed to the aligner; None without an index.
        candidate_recall: Share of the positive pairs the index proposed to the aligner;
            None when no index ran (given pairs) or no pair is positive.
        figures: Plagdet figures.
    """

    name: str
    pairs: int
    found_pairs: int
    positive_pairs: int
    proposed_pairs: int | None
    candidate_recall: float | None
    figures: Plagdet


@dataclass(frozen=True)
class PanReport:
    """What an evaluation on a PAN corpus measured.

    Attributes:
        mode: ``scan`` (the index and the scan, as users run it) or ``pairs-given``.
        subsets: Figures per subset.
        entire: Figures of all subsets pooled, false positives included.
        listed: Figures of all subsets pooled over their listed pairs only (what PAN's text
            alignment task scores: detections of pairs no subset lists are left out).
        false_positives: Detections of pairs listed in no selected subset.
        false_positive_pairs: Pairs those detections fall in.
        seconds: Wall time per stage (``store`` and ``scan``, or ``align``).
        workers: Worker processes.
        errors: Files that could not be read (their pairs cannot be found).
    """

    mode: str
    subsets: tuple[SubsetFigures, ...]
    entire: SubsetFigures
    false_positives: int
    false_positive_pairs: int
    seconds: dict[str, float]
    workers: int
    errors: tuple[FileError, ...] = field(default_factory=tuple)
    listed: SubsetFigures | None = None


def select_pairs(corpus: Path, subsets: Sequence[str], out: Path) -> dict[str, list[Pair]]:
    """The pairs of each subset to evaluate (all subsets by default), checking the layout.

    A corpus is laid out as PAN distributes it: ``src/`` and ``susp/`` hold the documents, and
    each subset folder (``02-no-obfuscation`` ...) a ``pairs`` file (one ``suspicious-documentX.txt
    source-documentY.txt`` per line) and one truth XML per pair, ``<susp-stem>-<src-stem>.xml``,
    whose offsets are string indices into the UTF-8 text read with ``newline=''``.

    Raises:
        InputError: ``corpus`` lacks ``src/`` or ``susp/``, has no such subset, or holds ``out``.
    """
    for part in ("src", "susp"):
        if not (corpus / part).is_dir():
            raise InputError(f"{corpus}: not a PAN corpus (missing {part}/)")
    if out.resolve().is_relative_to(corpus.resolve()):
        raise InputError(f"--out {out} is inside the corpus {corpus}: write somewhere else")
    available = sorted(p.parent.name for p in corpus.glob("*/pairs") if p.is_file())
    names = list(dict.fromkeys(subsets)) or available
    for name in names:
        if name not in available:
            have = ", ".join(available) or "none"
            raise InputError(f"{corpus}: no subset {name!r} (have {have})")
    if not names:
        raise InputError(f"{corpus}: no subset folder with a pairs file")
    return {name: read_pairs(corpus / name / "pairs") for name in names}


def read_pairs(path: Path) -> list[Pair]:
    """Pairs ``(suspicious file, source file)`` listed in a PAN ``pairs`` file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read pairs: {exc}") from exc
    pairs = []
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise InputError(f"{path}:{number}: expected two file names, got {line!r}")
        pairs.append((parts[0], parts[1]))
    return pairs


def read_annotations(path: Path, tag: str = CASE_TAG) -> list[Annotation]:
    """Annotations of the features named ``tag`` in one PAN XML file."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise InputError(f"{path}: cannot read annotations: {exc}") from exc
    susp, out = root.get("reference", ""), []
    for f in root.iter("feature"):
        if f.get("name") != tag:
            continue
        try:
            a, b, c, d = (
                int(f.get(k, ""))
                for k in ("this_offset", "this_length", "source_offset", "source_length")
            )
        except ValueError as exc:
            raise InputError(f"{path}: bad {tag} feature: {exc}") from exc
        out.append(Annotation(susp, a, b, f.get("source_reference", ""), c, d))
    return out


def detections_xml(susp: str, source: str, spans: Iterable[Span]) -> str:
    """A PAN detection file: one ``detected-plagiarism`` feature per span."""
    root = ET.Element("document", reference=susp)
    for this_offset, this_length, source_offset, source_length in spans:
        ET.SubElement(
            root,
            "feature",
            name=DETECTION_TAG,
            this_offset=str(this_offset),
            this_length=str(this_length),
            source_reference=source,
            source_offset=str(source_offset),
            source_length=str(source_length),
        )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def read_text(path: Path) -> str:
    """A corpus document as PAN's offsets see it: UTF-8, newlines untranslated."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read document: {exc}") from exc


def _write_pair(folder: Path, pair: Pair, spans: list[Span]) -> list[Annotation]:
    susp, source = pair
    stem = f"{Path(susp).stem}-{Path(source).stem}.xml"
    (folder / stem).write_text(detections_xml(susp, source, spans), encoding="utf-8")
    return [Annotation(susp, a, b, source, c, d) for a, b, c, d in spans]


def score_detections(
    corpus: Path,
    out: Path,
    pairs: dict[str, list[Pair]],
    found: dict[Pair, list[Span]],
    proposed: set[Pair] | None = None,
) -> tuple[list[SubsetFigures], SubsetFigures, SubsetFigures, int, int]:
    """Write ``out/<subset>/<susp>-<src>.xml`` per listed pair; score each subset and all pooled.

    ``found`` holds detections per ``(susp, src)`` pair, listed or not; those of pairs no
    subset of ``pairs`` lists go to ``out/unlisted-pairs/`` and count as false positives in
    the pooled ``entire`` figures. ``proposed`` (the pairs the index proposed; None without an
    index) gives the candidate recall. Returns the figures per subset, the pooled figures
    (with the false positives, and over listed pairs only), and the false-positive detections
    and pairs.
    """
    rows = []
    all_cases: list[Annotation] = []
    all_detections: list[Annotation] = []
    for name, listed in pairs.items():
        (out / name).mkdir(parents=True, exist_ok=True)
        cases: list[Annotation] = []
        detections: list[Annotation] = []
        for pair in listed:
            detections += _write_pair(out / name, pair, found.get(pair, []))
            truth = corpus / name / f"{Path(pair[0]).stem}-{Path(pair[1]).stem}.xml"
            cases += read_annotations(truth) if truth.exists() else []
        rows.append(_row(name, listed, cases, detections, proposed))
        all_cases += cases
        all_detections += detections
    listed_pairs = [pair for listed in pairs.values() for pair in listed]
    unlisted = sorted(p for p in found.keys() - set(listed_pairs) if found[p])
    false: list[Annotation] = []
    for pair in unlisted:
        (out / UNLISTED).mkdir(parents=True, exist_ok=True)
        false += _write_pair(out / UNLISTED, pair, found[pair])
    entire = _row("entire", listed_pairs, all_cases, all_detections + false, proposed)
    listed_only = _row("entire, listed pairs", listed_pairs, all_cases, all_detections, proposed)
    return rows, entire, listed_only, len(set(false)), len({(a.susp, a.source) for a in false})


def _row(
    name: str,
    listed: list[Pair],
    cases: list[Annotation],
    detections: list[Annotation],
    proposed: set[Pair] | None,
) -> SubsetFigures:
    wanted = set(listed)
    positive = {(a.susp, a.source) for a in cases} & wanted
    found = {(a.susp, a.source) for a in detections} & wanted
    hit = None if proposed is None else len(positive & proposed)
    recall = hit / len(positive) if hit is not None and positive else None
    figures = evaluate(cases, detections)
    return SubsetFigures(name, len(wanted), len(found), len(positive), hit, recall, figures)


def format_pan(report: PanReport) -> str:
    """Human-readable table of a :class:`PanReport`."""
    lines = [
        f"{'subset':<28}{'pairs':>6}{'found':>6}{'cand.rec':>9}{'cases':>7}{'detections':>11}"
        f"{'precision':>10}{'recall':>8}{'granularity':>12}{'plagdet':>9}"
    ]
    pooled = (report.listed,) if report.listed else ()
    for row in (*report.subsets, *pooled, report.entire):
        f, rec = row.figures, row.candidate_recall
        lines.append(
            f"{row.name:<28}{row.pairs:>6}{row.found_pairs:>6}"
            f"{'-' if rec is None else f'{rec:.4f}':>9}{f.cases:>7}{f.detections:>11}"
            f"{f.precision:>10.4f}{f.recall:>8.4f}{f.granularity:>12.4f}{f.plagdet:>9.4f}"
        )
    lines.append(
        f"false positives: {report.false_positives} detection(s) in "
        f"{report.false_positive_pairs} pair(s) listed in no selected subset (counted in entire)"
    )
    if report.errors:
        unread = ", ".join(f"{Path(e.path).name} ({e.error})" for e in report.errors)
        lines.append(f"{len(report.errors)} file(s) could not be read: {unread}")
    times = ", ".join(f"{stage} {s} s" for stage, s in report.seconds.items())
    lines.append(f"mode {report.mode}; wall time: {times} on {report.workers} worker(s)")
    return "\n".join(lines)
