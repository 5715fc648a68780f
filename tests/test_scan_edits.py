"""What the scan proposes and finds beyond intact windows: short, edited and reworded copies."""

import random
from pathlib import Path

import pytest

from overlap.indexing.parts import add_documents
from overlap.model import Document, Evidence, Kind, Role
from overlap.scanning.batch import prepare_batch
from overlap.scanning.candidates import candidate_pairs
from overlap.scanning.scan import scan
from overlap.store.corpus import CorpusStore

SMALL = ["the", "of", "and", "a", "to", "in", "is", "that", "for", "with"]


def words(tag: str, n: int, seed: int) -> list[str]:
    """English-shaped filler: distinct content words of one tag, small words between them."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        out.append(f"{tag}{i}w" if rng.random() < 0.6 else rng.choice(SMALL))
    return out


def doc(path: str, text: str, role: Role) -> Document:
    return Document(id=path, path=path, role=role, text=text)


def sentences(ws: list[str], every: int = 12) -> str:
    return " ".join(w + ("." if (i + 1) % every == 0 else "") for i, w in enumerate(ws)) + "."


SOURCE = words("src", 600, 1)


@pytest.fixture
def store(tmp_path: Path) -> CorpusStore:
    s = CorpusStore.open(tmp_path / "store", create=True)
    add_documents(s, [doc("source.txt", sentences(SOURCE), Role.SOURCE)])
    add_documents(s, [doc("other.txt", sentences(words("oth", 600, 2)), Role.SOURCE)])
    return s


@pytest.mark.parametrize("offset", range(16))
def test_an_eight_word_copy_is_proposed_and_found_wherever_it_lies(
    store: CorpusStore, offset: int
) -> None:
    at = 101 + 5 * offset
    copied = SOURCE[at : at + 8]
    post = words("own", 40 + offset, 3)
    text = " ".join([*post[: 20 + offset], *copied, *post[20 + offset :]]) + "."
    batch = prepare_batch([doc("post.txt", text, Role.SUBMISSION)], [], store.settings)
    assert list(candidate_pairs(store, batch).get(0, {})) == ["source.txt"]
    result = scan([doc("post.txt", text, Role.SUBMISSION)], store)
    [f] = result.findings
    assert f.text == " ".join(copied) and f.source == "source.txt"
    assert f.kind is Kind.UNATTRIBUTED_COPY and f.evidence is Evidence.EXACT


def reword(ws: list[str], seed: int) -> list[str]:
    """Swap neighbours, replace every fifth word, drop a few small words."""
    rng = random.Random(seed)
    out = list(ws)
    for i in range(0, len(out) - 1, 4):
        out[i], out[i + 1] = out[i + 1], out[i]
    out = [f"new{i}w" if i % 5 == 2 else w for i, w in enumerate(out)]
    return [w for w in out if not (w in SMALL and rng.random() < 0.3)]


def test_a_reworded_copy_is_found_as_an_edited_copy_or_a_paraphrase(store: CorpusStore) -> None:
    copied = reword(SOURCE[200:260], 4)
    text = sentences([*words("own", 50, 5), *copied, *words("own", 50, 6)])
    assert not any(" ".join(SOURCE[i : i + 8]) in text for i in range(len(SOURCE) - 8))
    result = scan([doc("post.txt", text, Role.SUBMISSION)], store)
    found = [f for f in result.findings if f.source == "source.txt"]
    assert found and all(f.evidence in (Evidence.EDITED, Evidence.PARAPHRASE) for f in found)
    assert all(f.kind in (Kind.UNATTRIBUTED_COPY, Kind.UNCITED_PARAPHRASE) for f in found)
    covered = sum(len(f.text) for f in found)
    assert covered >= 0.7 * len(" ".join(copied))
    assert not [f for f in result.findings if f.source == "other.txt"]


def test_two_students_sharing_a_reworded_passage_are_peers(store: CorpusStore) -> None:
    shared = words("shr", 70, 7)
    a = sentences([*words("ann", 60, 8), *shared, *words("ann", 40, 9)])
    b = sentences([*words("bob", 30, 10), *reword(shared, 11), *words("bob", 60, 12)])
    result = scan([doc("a.txt", a, Role.SUBMISSION), doc("b.txt", b, Role.SUBMISSION)], store)
    peers = [f for f in result.findings if f.kind is Kind.PEER_OVERLAP]
    assert {(f.submission, f.source) for f in peers} == {("a.txt", "b.txt"), ("b.txt", "a.txt")}
    assert all(f.evidence in (Evidence.EDITED, Evidence.PARAPHRASE) for f in peers)


def test_unrelated_posts_propose_nothing(store: CorpusStore) -> None:
    posts = [
        doc(f"p{i}.txt", sentences(words(f"u{i}x", 200, 20 + i)), Role.SUBMISSION) for i in range(3)
    ]
    batch = prepare_batch(posts, [], store.settings)
    assert candidate_pairs(store, batch) == {}
    assert scan(posts, store).findings == ()
