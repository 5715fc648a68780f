import pytest

from overlap.attribution.classify import classify
from overlap.attribution.context import Attribution
from overlap.model import Document, Evidence, Kind, Role

SOURCE = Document(
    id="s",
    path="sources/hale.txt",
    role=Role.SOURCE,
    text="",
    authors=("Hale, S.", "Okonkwo, A. R."),
    year="2018",
)
PRIOR = Document(id="p", path="prior/p.txt", role=Role.PRIOR, text="")
COPY = "change talk grows when the counselor reflects the client's own reasons back"


def verdict(text: str, source: Document = SOURCE) -> tuple[Kind, str | None, str | None]:
    start = text.index(COPY)
    v = classify(Attribution.of(text), start, start + len(COPY), len(COPY.split()), source)
    authors = ",".join(v.citation.authors) if v.citation else None
    return v.kind, authors, v.citation.year if v.citation else None


@pytest.mark.parametrize(
    ("text", "kind", "cited"),
    [
        (
            f'I agree that "{COPY}" (Hale & Okonkwo, 2018, p. 4).',
            Kind.ATTRIBUTED_QUOTE,
            "Hale,Okonkwo",
        ),
        (
            f"Hale and Okonkwo (2018) wrote that “{COPY}” in session.",
            Kind.ATTRIBUTED_QUOTE,
            "Hale,Okonkwo",
        ),
        (f'As they put it, "{COPY}." (hale, 2018', Kind.ATTRIBUTED_QUOTE, "hale"),
        (f'Hale et al. (n.d.) make a point. "{COPY}."', Kind.ATTRIBUTED_QUOTE, "Hale"),
        (f'I liked this: "{COPY}." It helped me.', Kind.MISSING_CITATION, None),
        # The first author named anywhere in the citation counts; a co-author alone does not.
        (f'"{COPY}" (Okonkwo & Hale, 2018).', Kind.ATTRIBUTED_QUOTE, "Okonkwo,Hale"),
        (f'"{COPY}" (Okonkwo, 2018).', Kind.MISCITED, "Okonkwo"),
        (f'"{COPY}" (Hale, 2020).', Kind.MISCITED, "Hale"),
        (f"I think {COPY} (Hale, 2018).", Kind.MISSING_QUOTATION_MARKS, "Hale"),
        (f"I think {COPY} and that matters.", Kind.UNATTRIBUTED_COPY, None),
        (f"I think {COPY} (Pryce, 2016).", Kind.MISCITED, "Pryce"),
        # A citation two sentences away is not in the window.
        (
            f"Hale (2018) is useful. Another thought here. I think {COPY}. Done.",
            Kind.UNATTRIBUTED_COPY,
            None,
        ),
    ],
)
def test_kinds_from_quotes_and_citations(text: str, kind: Kind, cited: str | None) -> None:
    got_kind, authors, _ = verdict(text)
    assert got_kind is kind
    assert authors == cited


def test_a_citation_inside_the_copied_text_does_not_attribute_it() -> None:
    text = f"I think {COPY} (Hale, 2018) is true."
    inner = text.index("(Hale")
    a = Attribution.of(text)
    start = text.index(COPY)
    v = classify(a, start, inner + len("(Hale, 2018)"), 14, SOURCE)
    assert v.kind is Kind.UNATTRIBUTED_COPY


def test_other_students_text_keeps_its_kind() -> None:
    assert verdict(f'"{COPY}" (Hale, 2018).', PRIOR)[0] is Kind.PRIOR_OVERLAP


def test_short_cited_copy_is_a_phrase_of_a_cited_paraphrase() -> None:
    text = "Counselors should reflect the client's own reasons back (Hale, 2018)."
    phrase = "reflect the client's own reasons back"
    start = text.index(phrase)
    v = classify(Attribution.of(text), start, start + len(phrase), 6, SOURCE)
    assert v.kind is Kind.ATTRIBUTED_PARAPHRASE


@pytest.mark.parametrize(
    ("text", "kind", "cited"),
    [
        (f"I think {COPY} in most sessions.", Kind.UNCITED_PARAPHRASE, None),
        (f"I think {COPY} (Hale & Okonkwo, 2018).", Kind.ATTRIBUTED_PARAPHRASE, "Hale,Okonkwo"),
        # A citation of another work does not attribute it: uncited, the citation shown.
        (f"I think {COPY} (Pryce, 2016).", Kind.UNCITED_PARAPHRASE, "Pryce"),
        # Inside quotation marks it is read as a (loose) quotation.
        (f'Hale (2018) wrote "{COPY}".', Kind.ATTRIBUTED_QUOTE, "Hale"),
    ],
)
def test_a_passage_on_paraphrase_evidence_alone_is_a_paraphrase(
    text: str, kind: Kind, cited: str | None
) -> None:
    start = text.index(COPY)
    a = Attribution.of(text)
    v = classify(a, start, start + len(COPY), 12, SOURCE, Evidence.PARAPHRASE)
    assert v.kind is kind
    assert (",".join(v.citation.authors) if v.citation else None) == cited
