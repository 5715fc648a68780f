"""Align every pair of a PAN text-alignment corpus, write PAN detection XML, score with plagdet.

A corpus is laid out as PAN distributes it: ``src/`` and ``susp/`` hold the documents, and each
subset folder (``02-no-obfuscation`` ...) holds a ``pairs`` file (one ``suspicious-documentX.txt
source-documentY.txt`` per line) and one truth XML per pair, ``<susp-stem>-<src-stem>.xml``.
Offsets are Python string indices into the UTF-8 text read with ``newline=''``.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from overlap.align import align
from overlap.engine.local import default_workers, map_shards
from overlap.errors import InputError
from overlap.eval.plagdet import Annotation, Plagdet, evaluate
from overlap.settings import Settings
from overlap.text.tokens import Tokens, tokenise

#: Pairs per unit of work handed to a worker process.
SHARD_PAIRS = 24
CASE_TAG, DETECTION_TAG = "plagiarism", "detected-plagiarism"

#: Called as ``progress(stage, done, total)``.
Progress = Callable[[str, int, int], None]
Pair = tuple[str, str]
#: ``(this_offset, this_length, source_offset, source_length)``.
Span = tuple[int, int, int, int]


@dataclass(frozen=True)
class SubsetFigures:
    """Figures of one evaluated folder (or of all of them pooled, named ``overall``)."""

    name: str
    pairs: int
    figures: Plagdet


@dataclass(frozen=True)
class PanReport:
    """What ``evaluate_pan`` measured."""

    subsets: tuple[SubsetFigures, ...]
    overall: SubsetFigures
    seconds: float
    workers: int


def subsets_of(corpus: Path) -> list[str]:
    """Names of the folders of ``corpus`` that hold a ``pairs`` file, sorted."""
    return sorted(p.parent.name for p in corpus.glob("*/pairs") if p.is_file())


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
    susp = root.get("reference", "")
    out = []
    for f in root.iter("feature"):
        if f.get("name") != tag:
            continue
        try:
            out.append(
                Annotation(
                    susp,
                    int(f.get("this_offset", "")),
                    int(f.get("this_length", "")),
                    f.get("source_reference", ""),
                    int(f.get("source_offset", "")),
                    int(f.get("source_length", "")),
                )
            )
        except ValueError as exc:
            raise InputError(f"{path}: bad {tag} feature: {exc}") from exc
    return out


def detections_xml(susp: str, source: str, spans: Iterable[Span]) -> str:
    """A PAN detection file: one ``detected-plagiarism`` feature per span."""
    root = ET.Element("document", reference=susp)
    for this_offset, this_length, source_offset, source_length in spans:
        ET.SubElement(
            root, "feature", name=DETECTION_TAG, this_offset=str(this_offset),
            this_length=str(this_length), source_reference=source,
            source_offset=str(source_offset), source_length=str(source_length),
        )  # fmt: skip
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def read_text(path: Path) -> str:
    """A corpus document as PAN's offsets see it: UTF-8, newlines untranslated."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read document: {exc}") from exc


def detect(
    susp_text: str, source_text: str, settings: Settings, susp_tokens: Tokens | None = None
) -> list[Span]:
    """Spans of ``susp_text`` taken from ``source_text``, on every kind of evidence.

    ``susp_tokens`` may be given to reuse the tokens of a suspicious document across pairs.
    """
    tokens = tokenise(susp_text) if susp_tokens is None else susp_tokens
    passages = align(tokens, tokenise(source_text), settings, texts=(susp_text, source_text))
    return [
        (p.start, p.end - p.start, p.other_start, p.other_end - p.other_start) for p in passages
    ]


@dataclass(frozen=True)
class _Shard:
    corpus: str
    settings: Settings
    pairs: tuple[Pair, ...]


def _align_shard(shard: _Shard) -> list[tuple[Pair, list[Span]]]:
    corpus = Path(shard.corpus)
    out = []
    for susp, group in groupby(shard.pairs, key=lambda p: p[0]):
        susp_text = read_text(corpus / "susp" / susp)
        tokens = tokenise(susp_text)
        for _, source in group:
            source_text = read_text(corpus / "src" / source)
            found = detect(susp_text, source_text, shard.settings, tokens)
            out.append(((susp, source), found))
    return out


def _shards(corpus: Path, pairs: Sequence[Pair], settings: Settings) -> list[_Shard]:
    ordered = sorted(set(pairs))
    return [
        _Shard(str(corpus), settings, tuple(ordered[k : k + SHARD_PAIRS]))
        for k in range(0, len(ordered), SHARD_PAIRS)
    ]


def evaluate_pan(
    corpus: Path,
    out: Path,
    *,
    subsets: Sequence[str] = (),
    settings: Settings | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> PanReport:
    """Align the pairs of each subset, write ``out/<subset>/<susp>-<src>.xml``, score them.

    Args:
        corpus: A PAN text-alignment corpus folder (``src/``, ``susp/``, subset folders).
        out: Folder to write detections to; one sub-folder per subset.
        subsets: Subset folder names to evaluate; all of them by default.
        settings: Alignment settings; the defaults by default.
        workers: Worker processes; the available cores by default.
        progress: Called as ``progress("align", done, total)`` after each shard.

    Returns:
        Plagdet figures per subset and over all of them pooled, and the wall time.
    """
    settings = settings or Settings()
    available = subsets_of(corpus)
    for part in ("src", "susp"):
        if not (corpus / part).is_dir():
            raise InputError(f"{corpus}: not a PAN corpus (missing {part}/)")
    names = list(dict.fromkeys(subsets)) or available
    for name in names:
        if name not in available:
            raise InputError(
                f"{corpus}: no subset {name!r} (have {', '.join(available) or 'none'})"
            )
    if not names:
        raise InputError(f"{corpus}: no subset folder with a pairs file")
    pairs = {name: read_pairs(corpus / name / "pairs") for name in names}
    workers = workers or default_workers()
    started = time.perf_counter()
    shards = _shards(corpus, [p for ps in pairs.values() for p in ps], settings)
    found: dict[Pair, list[Span]] = {}
    total = sum(len(s.pairs) for s in shards)
    for results in map_shards(_align_shard, shards, workers):
        found.update(results)
        if progress:
            progress("align", len(found), total)
    seconds = time.perf_counter() - started
    rows = []
    all_cases: list[Annotation] = []
    all_detections: list[Annotation] = []
    for name in names:
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        cases: list[Annotation] = []
        detections: list[Annotation] = []
        for susp, source in pairs[name]:
            stem = f"{Path(susp).stem}-{Path(source).stem}.xml"
            spans = found[susp, source]
            (folder / stem).write_text(detections_xml(susp, source, spans), encoding="utf-8")
            detections.extend(Annotation(susp, a, b, source, c, d) for a, b, c, d in spans)
            truth = corpus / name / stem
            if truth.exists():
                cases.extend(read_annotations(truth))
        rows.append(SubsetFigures(name, len(pairs[name]), evaluate(cases, detections)))
        all_cases += cases
        all_detections += detections
    overall = SubsetFigures(
        "overall", sum(len(p) for p in pairs.values()), evaluate(all_cases, all_detections)
    )
    return PanReport(tuple(rows), overall, round(seconds, 1), workers)


def format_pan(report: PanReport) -> str:
    """Human-readable table of :func:`evaluate_pan` figures."""
    head = (
        f"{'subset':<28}{'pairs':>6}{'cases':>7}{'detections':>11}"
        f"{'precision':>10}{'recall':>8}{'granularity':>12}{'plagdet':>9}"
    )
    lines = [head]
    for row in (*report.subsets, report.overall):
        f = row.figures
        lines.append(
            f"{row.name:<28}{row.pairs:>6}{f.cases:>7}{f.detections:>11}"
            f"{f.precision:>10.4f}{f.recall:>8.4f}{f.granularity:>12.4f}{f.plagdet:>9.4f}"
        )
    lines.append(f"alignment wall time: {report.seconds} s on {report.workers} worker(s)")
    return "\n".join(lines)
