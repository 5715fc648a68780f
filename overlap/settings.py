"""Settings that shape the index and the alignment, validated on construction."""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from overlap.errors import SettingsError, SettingsMismatchError

#: Bumped whenever tokenisation or normalisation changes the tokens it yields.
NORMALISER_VERSION = "1"
SCHEMES = ("affine32",)
#: Settings that determine what is written to a corpus store; a store made with
#: other values for any of these cannot be searched with the current ones.
INDEX_KEYS = (
    "shingle",
    "window",
    "stride",
    "num_perm",
    "bands",
    "seed",
    "scheme",
    "normaliser",
    "content_ngram",
    "content_scheme",
)
#: Versions of the content-word keys (stopword list and stemmer); bumped when either changes.
CONTENT_SCHEMES = ("sorted-stems-1",)


@dataclass(frozen=True)
class Settings:
    """All tunable values of a run.

    Attributes:
        shingle: Words per shingle.
        window: Words per passage window that gets one MinHash signature.
        stride: Words between the starts of consecutive windows.
        num_perm: MinHash permutations per signature.
        bands: LSH bands; ``num_perm / bands`` rows per band.
        seed: Seed of the MinHash permutations.
        scheme: datasketch permutation scheme.
        normaliser: Version of the token normaliser.
        min_words: Shortest passage (in matched words) that is reported.
        min_shared_words: Shortest passage shared with another student's post (peer or
            prior) that is reported; students of one course share stock phrasing, published
            sources rarely do, hence the higher bar.
        seed_words: Words per exact n-gram used as an alignment seed.
        max_gap: Largest gap (in words, on either side) merged inside one passage.
        join_gap: Two passages of a pair at most this many words apart on both sides, in
            either order, are one edited copy (moved clauses, dense edits), unless both are
            verbatim; negative joins nothing.
        sentence_cosine: Paraphrase seeds are sentence pairs with a TF-ISF cosine above this
            (used only when the aligner is given the texts, so it can see sentences).
        sentence_dice: ... and a Dice coefficient of their word stems above this.
        sentence_gap: Sentences without evidence bridged inside one paraphrase passage.
        sentence_skew: ... as long as the sentences bridged on the two sides differ in number
            by at most this (a summary excepted): own sentences between two copies are not
            bridged.
        passage_similarity: A paraphrase passage's two sides must have at least this TF-ISF
            cosine; a cluster below it is split with smaller gaps.
        summary_gap: Source sentences bridged when the source side may be summarised.
        summary_ratio: A cluster whose source side is at least this many times longer than its
            suspicious side is taken for a summary.
        min_paraphrase_words: Shortest paraphrase passage (in words of the first text).
        single_sentence_similarity: A paraphrase passage resting on one sentence pair needs at
            least this cosine; weaker single matches are too ambiguous to report.
        content_ngram: Content words (stemmed, stopwords dropped) per key of the second
            sketch, which proposes candidates that survive rewording; the words of a key are
            sorted, so reordering them keeps it. 0 builds no second sketch (windows only).
        content_scheme: Version of the stopword list and stemmer behind the content keys.
        content_span: Content keys two documents share propose the pair when two of them
            stand at most this many content words apart on both sides.
        scan_paraphrase: The scan aligns candidates on sentence (paraphrase) evidence too,
            not only on runs of the same words.
        common_posts: A passage that more than this many submissions of one scan share is
            common phrasing (a stock reply, a shared template): reported once per submission,
            as information, never as peer or prior overlap, and not counted in similarity.
        common_share: When above 0, the same bar as a share of the scan's submissions
            (``0.05``: more than 5% of them), used instead of ``common_posts``.
        semantic_threshold: Least cosine of sentence vectors for a submission sentence to be
            a restatement of a source sentence (semantic pass, when a model is installed).
    """

    shingle: int = 4
    window: int = 16
    stride: int = 8
    num_perm: int = 96
    bands: int = 32
    seed: int = 1
    scheme: str = "affine32"
    normaliser: str = NORMALISER_VERSION
    min_words: int = 8
    min_shared_words: int = 12
    seed_words: int = 3
    max_gap: int = 4
    join_gap: int = 8
    sentence_cosine: float = 0.33
    sentence_dice: float = 0.33
    sentence_gap: int = 4
    sentence_skew: int = 1
    passage_similarity: float = 0.34
    summary_gap: int = 24
    summary_ratio: float = 3.0
    min_paraphrase_words: int = 20
    single_sentence_similarity: float = 0.5
    content_ngram: int = 2
    content_span: int = 10
    content_scheme: str = CONTENT_SCHEMES[0]
    scan_paraphrase: bool = True
    common_posts: int = 10
    common_share: float = 0.0
    semantic_threshold: float = 0.54

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in ("bool", bool) and not isinstance(value, bool):
                raise SettingsError(f"{f.name} must be true or false, got {value!r}")
            if f.type in ("int", int) and (isinstance(value, bool) or not isinstance(value, int)):
                raise SettingsError(f"{f.name} must be an integer, got {value!r}")
            if f.type in ("float", float) and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                raise SettingsError(f"{f.name} must be a number, got {value!r}")
        positive = (
            "shingle",
            "window",
            "stride",
            "num_perm",
            "bands",
            "min_words",
            "min_shared_words",
            "seed_words",
            "min_paraphrase_words",
            "content_span",
            "common_posts",
        )
        for name in positive:
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be >= 1, got {getattr(self, name)}")
        for name in ("max_gap", "sentence_gap", "sentence_skew", "summary_gap"):
            if getattr(self, name) < 0:
                raise SettingsError(f"{name} must be >= 0, got {getattr(self, name)}")
        shares = (
            "sentence_cosine",
            "sentence_dice",
            "passage_similarity",
            "single_sentence_similarity",
            "common_share",
            "semantic_threshold",
        )
        for name in shares:
            if not 0 <= getattr(self, name) <= 1:
                raise SettingsError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if self.summary_gap < self.sentence_gap:
            raise SettingsError(
                f"summary_gap must be >= sentence_gap, got {self.summary_gap} < {self.sentence_gap}"
            )
        if self.summary_ratio < 1:
            raise SettingsError(f"summary_ratio must be >= 1, got {self.summary_ratio}")
        if self.window < self.shingle:
            raise SettingsError(f"window must be >= shingle, got {self.window}")
        if self.stride > self.window:
            raise SettingsError(f"stride must be <= window, got {self.stride}")
        if self.num_perm % self.bands:
            raise SettingsError(
                f"num_perm must be a multiple of bands, got num_perm={self.num_perm}, "
                f"bands={self.bands}"
            )
        if self.scheme not in SCHEMES:
            raise SettingsError(f"scheme must be one of {', '.join(SCHEMES)}, got {self.scheme!r}")
        if self.normaliser != NORMALISER_VERSION:
            raise SettingsError(
                f"normaliser must be {NORMALISER_VERSION!r} in this version, "
                f"got {self.normaliser!r}"
            )
        if not 0 <= self.content_ngram <= 4:
            raise SettingsError(f"content_ngram must be in [0, 4], got {self.content_ngram}")
        if self.content_scheme not in CONTENT_SCHEMES:
            raise SettingsError(
                f"content_scheme must be one of {', '.join(CONTENT_SCHEMES)}, "
                f"got {self.content_scheme!r}"
            )
        if not 0 <= self.seed < 2**32:
            raise SettingsError(f"seed must be in [0, 2**32), got {self.seed}")

    @property
    def rows(self) -> int:
        """Rows (permutations) per LSH band."""
        return self.num_perm // self.bands

    def to_dict(self) -> dict[str, Any]:
        """Return every setting as a plain dictionary."""
        return asdict(self)

    def index_dict(self) -> dict[str, Any]:
        """Return the settings that shape a corpus store."""
        return {k: getattr(self, k) for k in INDEX_KEYS}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Settings:
        """Build settings from a dictionary, rejecting unknown keys by name."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingsError(f"unknown setting {unknown[0]!r}")
        return cls(**values)

    @classmethod
    def from_toml(cls, path: Path) -> Settings:
        """Read settings from the ``[settings]`` table of a TOML file (or its top level)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read settings: {exc}") from exc
        table = data.get("settings", data)
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: [settings] must be a table")
        return cls.from_dict(table)

    def check_index(self, stored: dict[str, Any], where: str) -> None:
        """Raise :class:`SettingsMismatchError` if ``stored`` index settings differ from ours."""
        mine = self.index_dict()
        diffs = [
            f"{k}: stored {stored[k]!r}, current {mine[k]!r}"
            if k in stored
            else f"{k}: not in the store (made by an older version), current {mine[k]!r}"
            for k in INDEX_KEYS
            if stored.get(k) != mine[k]
        ]
        if diffs:
            raise SettingsMismatchError(
                f"{where} was made with other settings ({'; '.join(diffs)}); "
                "use the same settings or build a new store"
            )
