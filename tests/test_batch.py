"""A scan's batch is the same however its preparation is split and wherever it runs."""

import random

import numpy as np
import pytest

from overlap.engine.local import LocalEngine
from overlap.model import Document, Role
from overlap.scanning import batch as batch_module
from overlap.scanning.batch import ScanBatch, prepare_batch
from overlap.scanning.common import common_runs
from overlap.settings import Settings
from overlap.sketch.documents import term_frequencies

SMALL = ["the", "of", "and", "a", "to", "in", "is", "that", "for", "with"]
STOCK = "I agree with your point and I found your post very interesting to read this week."
PROMPT = "Describe one theory from the chapter and apply it to a case from your own practice."


def post(i: int, rng: random.Random, shared: list[str]) -> Document:
    own = [f"w{rng.randrange(400)}" if rng.random() < 0.6 else rng.choice(SMALL) for _ in range(90)]
    at = rng.randrange(len(own))
    parts = [PROMPT, " ".join(own[:at]), " ".join(shared) if i % 3 == 0 else "", " ".join(own[at:])]
    if i % 2 == 0:
        parts.append(STOCK)
    return Document(id=f"p{i}.txt", path=f"p{i}.txt", role=Role.SUBMISSION, text=" ".join(parts))


def arrays(b: ScanBatch) -> list[np.ndarray]:
    return [b.keys, b.docs, b.content_keys, b.content_docs, b.content_pos]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_prepared_in_chunks_on_workers_is_the_batch_prepared_at_once(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    rng = random.Random(5)
    shared = [f"s{k}" for k in range(30)]
    posts = [post(i, rng, shared) for i in range(23)]
    template = Document(id="prompt.txt", path="prompt.txt", role=Role.SUBMISSION, text=PROMPT)
    settings = Settings(common_posts=5)
    whole = prepare_batch(posts, [template], settings)
    monkeypatch.setattr(batch_module, "PREPARE_CHUNK", 4)
    split = prepare_batch(posts, [template], settings, engine=LocalEngine(workers))
    for a, b in zip(arrays(whole), arrays(split), strict=True):
        assert np.array_equal(a, b)
    assert split.common == whole.common and split.common_bar == whole.common_bar
    assert any(split.common)  # the stock reply is common phrasing
    # Counted chunk by chunk, the stock reply is common as counted over the whole batch.
    hashes, usable = [t.hashes for t in split.texts], [~t.excluded for t in split.texts]
    reference = common_runs(hashes, usable, split.common_bar)
    assert split.common == tuple(tuple(runs) for runs in reference)
    # So are the words' document frequencies.
    terms, df = term_frequencies(hashes)
    assert np.array_equal(split.term_df[0], terms) and np.array_equal(split.term_df[1], df)
    assert len(set(df.tolist())) > 2  # words held by one post, by a few and by every post
    for a, b in zip(whole.texts, split.texts, strict=True):
        assert a.doc == b.doc and a.tokens.norms == b.tokens.norms
        assert np.array_equal(a.tokens.starts, b.tokens.starts)
        assert np.array_equal(a.hashes, b.hashes)
        assert np.array_equal(a.excluded, b.excluded) and a.excluded.any()  # the prompt
        assert np.array_equal(a.common, b.common)
        assert a.attribution == b.attribution


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("count", [0, 1, 4, 5, 9, 23])
def test_chunks_are_even_and_as_many_as_a_multiple_of_the_workers(
    count: int, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_module, "PREPARE_CHUNK", 4)
    docs = [
        Document(id=f"d{k}", path=f"d{k}.txt", role=Role.SUBMISSION, text="x") for k in range(count)
    ]
    chunks = batch_module._chunks(docs, workers)
    assert [d for c in chunks for d in c] == docs
    sizes = [len(c) for c in chunks]
    assert all(1 <= size <= 4 for size in sizes)
    assert max(sizes, default=0) - min(sizes, default=0) <= 1
    fewest = -(-count // 4)
    assert len(chunks) == (fewest if fewest <= 1 else -(-fewest // workers) * workers)
