"""The semantic pass: restatements of source sentences, found with a sentence encoder."""

import hashlib
import importlib.util
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from overlap.indexing.add import add_to_corpus
from overlap.model import Document, Evidence, Role, ScanResult, Severity
from overlap.scanning.files import scan_paths
from overlap.scanning.prepared import Prepared
from overlap.scanning.restatements import embedding_text, restatements, source_sentences
from overlap.scanning.scan import scan
from overlap.semantic.encoder import (
    EncoderError,
    OnnxSentenceEncoder,
    bundled_model,
    choose_encoder,
    unit_rows,
)
from overlap.store.corpus import CorpusStore
from tests.conftest import prose

#: Words a toy encoder treats as one meaning, so that restatements in other words match.
SYNONYMS = {
    "glaciers": "ice", "ice": "ice", "icesheets": "ice", "melt": "melt", "melting": "melt",
    "shrink": "melt", "shrinking": "melt", "retreat": "melt", "faster": "fast", "quickly": "fast",
    "rapidly": "fast", "warmer": "heat", "warming": "heat", "heat": "heat", "summers": "summer",
    "summer": "summer", "oceans": "sea", "seas": "sea", "sea": "sea", "rise": "rise",
    "rising": "rise", "levels": "level", "level": "level", "coastal": "coast", "coasts": "coast",
    "towns": "town", "cities": "town", "flood": "flood", "flooding": "flood", "storms": "storm",
    "storm": "storm", "farmers": "farm", "farms": "farm", "crops": "crop", "harvests": "crop",
}  # fmt: skip


class ToyEncoder:
    """Bag of meanings: each known word counts for its meaning, other words not at all."""

    name = "toy"
    digest = "0" * 64

    def __init__(self) -> None:
        self.meanings = sorted(set(SYNONYMS.values()))
        self.calls = 0

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rows = np.zeros((len(sentences), len(self.meanings)), dtype=np.float32)
        for k, sentence in enumerate(sentences):
            for word in re.findall(r"[a-z]+", sentence.lower()):
                if word in SYNONYMS:
                    rows[k, self.meanings.index(SYNONYMS[word])] += 1
        return unit_rows(rows)


SOURCE = (
    "Glaciers melt faster in warmer summers across the northern ranges we studied. "
    "Rising seas will flood coastal towns during storms within a few decades. "
    "Farmers already report smaller harvests in the driest valleys of the region."
)
RESTATED = "Glaciers are shrinking quickly as heat makes summers longer in the mountains."
OWN = "I saw ice shrinking quickly in hot summer weeks when I hiked there with my family."
OTHER = "The committee voted to publish the annual report on the first Monday of spring."


def sub(text: str) -> Prepared:
    return Prepared.of(Document("s", "post.txt", Role.SUBMISSION, text))


def source_doc(text: str = SOURCE, author: str = "Varga, L.", year: str = "2019") -> Document:
    return Document("src", "varga.txt", Role.SOURCE, text, authors=(author,), year=year)


def found(text: str, *docs: Document, threshold: float = 0.6) -> list[tuple[str, str, float]]:
    enc = ToyEncoder()
    sources = [source_sentences(Prepared.of(d), enc) for d in (docs or (source_doc(),))]
    s = sub(text)
    hits = restatements(s, sources, s.covered([]), enc, threshold)
    return [(text[p.start : p.end], src.doc.path, score) for src, p, score in hits]


@pytest.mark.parametrize(
    ("post", "restates"),
    [
        (f"{OTHER} {RESTATED} {OTHER}", True),
        # The writer's own experience is not a restatement of a reading.
        (f"{OTHER} {OWN}", False),
        # A hedge says who believes it; what follows is still a restatement.
        (f"{OTHER} From what I understand, {RESTATED[0].lower()}{RESTATED[1:]}", True),
        (f"{OTHER} I think that {RESTATED[0].lower()}{RESTATED[1:]}", True),
        # Quoted text is judged by its marks, not here.
        (f'{OTHER} She wrote "{RESTATED}" in the margin.', False),
        # Short sentences are fragments and headings.
        ("Ice shrinking quickly.", False),
        (OTHER, False),
        ("", False),
    ],
)
def test_which_sentences_are_restatements(post: str, restates: bool) -> None:
    hits = found(post)
    assert bool(hits) is restates
    for text, path, score in hits:
        assert path == "varga.txt" and score >= 0.6
        assert "glaciers are shrinking" in text.lower()


def test_consecutive_restatements_of_one_source_are_one_passage() -> None:
    flood = "Storms will soon flood towns along coasts as sea levels rise."
    hits = found(f"{OTHER} {RESTATED} {flood} {OTHER}")
    assert len(hits) == 1 and hits[0][0] == f"{RESTATED} {flood}"


def test_a_restatement_keeps_two_content_words_of_its_source() -> None:
    # Alike in the toy encoder's space (ice, melt, fast, heat), but only "summer" is shared.
    assert found(f"{OTHER} Ice is shrinking quickly as heat makes summer longer here.") == []


def test_words_other_findings_hold_are_not_compared_again() -> None:
    s = sub(f"{OTHER} {RESTATED}")
    enc = ToyEncoder()
    sources = [source_sentences(Prepared.of(source_doc()), enc)]
    start = s.doc.text.index(RESTATED)
    covered = s.covered([(start, start + len(RESTATED))])
    assert restatements(s, sources, covered, enc, 0.6) == []


def test_citations_and_lead_ins_are_not_embedded() -> None:
    text = "According to Varga (2019), ice is shrinking quickly (p. 4)."
    s = sub(text)
    (sentence,) = s.attribution.sentences
    cuts = [(c.group_start, c.group_end) for c in s.attribution.citations]
    assert embedding_text(text, sentence, cuts) == "ice is shrinking quickly."


def test_the_source_a_writer_names_wins_over_a_closer_one() -> None:
    # Two sources say much the same; the writer cites the second.
    echo = source_doc(
        "Summers grow warmer and glaciers melt faster every decade now.", "Okafor, B."
    )
    text = f"{OTHER} Glaciers are shrinking quickly as summers heat up (Varga, 2019)."
    hits = found(text, echo, source_doc())
    assert [path for _, path, _ in hits] == ["varga.txt"]


def test_a_sentence_citing_another_work_that_it_does_not_restate_is_not_judged() -> None:
    other = source_doc(OTHER + " " + OTHER, "Okafor, B.", "2011")
    text = f"{OTHER} {RESTATED[:-1]} (Okafor, 2011)."
    assert found(text, source_doc(), other) == []


def write_set(root: Path, posts: dict[str, str]) -> Path:
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "varga.txt").write_text(SOURCE)
    (root / "sources" / "metadata.csv").write_text(
        'path,author,year,title\nvarga.txt,"Varga, L.",2019,Ice\n'
    )
    (root / "week").mkdir()
    for name, text in posts.items():
        (root / "week" / name).write_text(text)
    add_to_corpus([root / "sources"], Role.SOURCE, root / "store")
    return root


def scanned(root: Path, encoder: ToyEncoder | None) -> ScanResult:
    from overlap.ingest.files import read_documents

    docs = read_documents([root / "week"], Role.SUBMISSION).documents
    return scan(docs, CorpusStore.open(root / "store"), encoder=encoder)


def test_a_scan_reports_restatements_uncited_and_cited(tmp_path: Path) -> None:
    root = write_set(
        tmp_path,
        {
            "uncited.txt": f"{prose(1, 30)} {RESTATED} {prose(2, 30)}",
            "cited.txt": f"{prose(3, 30)} Summers heat up, so glaciers melt fast (Varga, 2019).",
            "own.txt": f"{prose(4, 30)} {OWN}",
        },
    )
    result = scanned(root, ToyEncoder())
    names = {d.id: Path(d.path).name for d in result.documents.values()}
    kinds = sorted((names[f.submission], f.kind.value) for f in result.findings)
    assert kinds == [("cited.txt", "attributed_paraphrase"), ("uncited.txt", "uncited_paraphrase")]
    for f in result.findings:
        assert f.evidence is Evidence.PARAPHRASE and f.semantic is not None and f.semantic >= 0.54
        assert f.severity is not Severity.HIGH  # never high on paraphrase evidence alone
    assert result.settings["paraphrase_model"] == {"name": "toy", "sha256": "0" * 64}


def test_without_an_encoder_the_result_says_checking_was_off(tmp_path: Path) -> None:
    root = write_set(tmp_path, {"uncited.txt": f"{OTHER} {RESTATED} {OTHER}"})
    result = scanned(root, None)
    assert result.findings == () and result.settings["paraphrase_model"] is None
    out = tmp_path / "report"
    scan_paths([root / "week"], root / "store", out)
    page = (out / "index.html").read_text()
    assert "Paraphrase checking was off" in page
    doc = json.loads((out / "findings.json").read_text())
    assert doc["settings"]["paraphrase_model"] is None


def test_asking_for_paraphrase_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.onnx"
    with pytest.raises(EncoderError, match=r"nope\.onnx"):
        choose_encoder(True, missing)
    assert choose_encoder(False, missing) is None


def test_a_model_file_with_another_digest_is_refused(tmp_path: Path) -> None:
    if importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("the paraphrase extra is not installed")
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    with pytest.raises(EncoderError, match="expected"):
        OnnxSentenceEncoder(fake, expect_sha256=hashlib.sha256(b"other").hexdigest())
    with pytest.raises(EncoderError, match="not a sentence-encoder graph"):
        OnnxSentenceEncoder(fake)


def test_a_lazy_encoder_reads_its_checked_graph_on_first_use_and_fails_typed(
    tmp_path: Path,
) -> None:
    if importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("the paraphrase extra is not installed")
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not a model")
    digest = hashlib.sha256(b"not a model").hexdigest()
    lazy = OnnxSentenceEncoder(fake, expect_sha256=digest, lazy=True)
    assert not lazy.loaded and lazy.digest == digest
    assert lazy.encode([]).shape == (0, 0)  # nothing to encode: still not read
    with pytest.raises(EncoderError, match="not a sentence-encoder graph"):
        lazy.encode(["a sentence"])
    # Only a graph whose digest was checked waits: any other is read at once.
    with pytest.raises(EncoderError, match="not a sentence-encoder graph"):
        OnnxSentenceEncoder(fake, lazy=True)


@pytest.mark.installed_model
@pytest.mark.skipif(bundled_model() is None, reason="no paraphrase model installed")
def test_the_installed_model_is_read_when_a_scan_first_encodes(tmp_path: Path) -> None:
    enc = choose_encoder(None)
    assert isinstance(enc, OnnxSentenceEncoder) and not enc.loaded
    post = Document(id="a", path="a.txt", role=Role.SUBMISSION, text=prose(1, 60))
    store = CorpusStore.open(tmp_path / "store", create=True)  # no source: nothing to encode
    result = scan([post], store, encoder=enc)
    assert not enc.loaded
    assert result.settings["paraphrase_model"] == {"name": enc.name, "sha256": enc.digest}
    assert enc.encode(["one sentence to encode"]).shape[0] == 1 and enc.loaded


@pytest.mark.installed_model
@pytest.mark.skipif(bundled_model() is None, reason="no paraphrase model installed")
def test_the_installed_model_tells_a_restatement_from_a_different_claim() -> None:
    enc = choose_encoder(True)
    assert enc is not None and enc.name == "use-multilingual-v3-int8"
    source = "Most of the city's buses run late because they share lanes with private cars."
    restated = "Buses in town are usually behind schedule since cars crowd the same lanes."
    different = "The city plans to buy electric buses to cut fuel costs next year."
    v = enc.encode([source, restated, different])
    assert v[0] @ v[1] > 0.54 > v[0] @ v[2]


@pytest.mark.installed_model
@pytest.mark.skipif(bundled_model() is None, reason="no paraphrase model installed")
def test_loading_the_model_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    import subprocess
    import sys

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code = "from overlap.semantic.encoder import load_encoder; load_encoder().encode(['a b c'])"
    done = subprocess.run(
        [sys.executable, "-c", code], env={"TMPDIR": str(tmp), "PATH": ""}, check=False
    )
    assert done.returncode == 0
    assert list(tmp.iterdir()) == []


def test_the_card_of_a_restatement_says_it_rests_on_meaning(tmp_path: Path) -> None:
    from overlap.report.folder import write_report_folder

    root = write_set(tmp_path, {"uncited.txt": f"{prose(1, 30)} {RESTATED} {prose(2, 30)}"})
    result = write_report_folder(scanned(root, ToyEncoder()), tmp_path / "report")
    (f,) = result.findings
    page = next((tmp_path / "report" / "submissions").glob("uncited-*.html")).read_text()
    assert f"meaning similarity {f.semantic:.2f} by the sentence model" in page
    assert "sentences alike in their words" not in page
