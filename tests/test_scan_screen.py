"""A scan screens pairs before aligning them, and finds exactly what it found without."""

from pathlib import Path

import numpy as np
import pytest

import overlap.scanning.matching as matching
from overlap.engine.local import LocalEngine
from overlap.indexing.add import add_to_corpus
from overlap.ingest.files import read_documents
from overlap.model import Role
from overlap.report.contract import result_dict
from overlap.scanning.scan import scan
from overlap.store.corpus import CorpusStore
from overlap.text.stopwords import STOPWORDS

#: Copies made mostly of function words share too few content keys for the sentence pass:
#: only runs of the same words find them, so they are the pairs the screen decides on.
FUNCTION = sorted(w for w in STOPWORDS if w.isalpha())


def zipf_posts(rng: np.random.Generator, n: int, words: int, vocabulary: int) -> list[str]:
    """Posts of Zipf-distributed words: many stock phrases, as in a large real corpus."""
    ranks = np.minimum(rng.zipf(1.2, size=(n, words)), vocabulary) - 1
    return [" ".join(f"w{r}" for r in row) + "." for row in ranks]


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("crowded")
    rng = np.random.default_rng(3)
    prior = zipf_posts(rng, 400, 150, 5000)
    week = zipf_posts(rng, 40, 150, 5000)
    for i in range(0, 40, 2):  # copies of 8 to 30 words from prior posts and from each other
        phrase = [str(w) for w in rng.choice(FUNCTION, size=int(rng.integers(8, 31)))]
        words = prior[i * 7].split()
        words[30:30] = phrase
        prior[i * 7] = " ".join(words)
        mine = week[i].split()
        mine[20:20] = phrase
        week[i] = " ".join(mine)
        if i + 1 < 40 and len(phrase) >= 12:
            week[i + 1] = week[i + 1] + " " + " ".join(phrase)
    (root / "prior").mkdir()
    for i, text in enumerate(prior):
        (root / "prior" / f"p{i:03}.txt").write_text(text)
    (root / "week").mkdir()
    for i, text in enumerate(week):
        (root / "week" / f"w{i:02}.txt").write_text(text)
    store = root / "store"
    add_to_corpus([root / "prior"], Role.PRIOR, store)
    return store, [root / "week"]


def test_screening_changes_nothing_found(
    crowded: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, paths = crowded
    submissions = read_documents(paths, Role.SUBMISSION).documents
    screened = scan(submissions, CorpusStore.open(store), engine=LocalEngine(1))
    kept: list[int] = []
    real = matching.screened

    def counting(*args: object, **kw: object) -> list[bool]:
        out = real(*args, **kw)  # type: ignore[arg-type]
        kept.extend([len(out), sum(out)])
        return out

    monkeypatch.setattr(matching, "screened", counting)
    scan(submissions, CorpusStore.open(store), engine=LocalEngine(1))
    monkeypatch.setattr(matching, "screened", lambda a, b, pairs, settings: [True] * len(pairs))
    unscreened = scan(submissions, CorpusStore.open(store), engine=LocalEngine(1))

    def contract(result: object) -> dict[str, object]:
        doc = result_dict(result)  # type: ignore[arg-type]
        doc.pop("generated_at")
        return doc

    assert len(screened.findings) >= 10 and contract(screened) == contract(unscreened)
    assert screened.candidates == unscreened.candidates
    pairs, passed = sum(kept[0::2]), sum(kept[1::2])
    print(f"screened {pairs} pairs, aligned {passed}")
    assert 0 < passed < pairs / 2  # the case has pairs the screen drops, and it drops them
