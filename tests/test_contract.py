"""The findings contract: its JSON Schema, shipped with the package, and the documents it admits."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from overlap.attribution.citations import find_citations
from overlap.attribution.classify import finding_citation, finding_quote
from overlap.attribution.quotes import find_quotes
from overlap.indexing.add import add_to_corpus
from overlap.model import (
    SEVERITY_OF,
    Evidence,
    FileError,
    Finding,
    FindingCitation,
    FindingQuote,
    Kind,
    Role,
    ScanResult,
    Severity,
    SubmissionSummary,
)
from overlap.report.contract import (
    SCHEMA,
    SCHEMA_FILE,
    citation_dict,
    findings_schema,
    quote_dict,
    result_dict,
)
from overlap.scanning.files import scan_paths
from tests.conftest import ATTRIBUTION_DEV, DEMO, ROOT
from tests.contractcheck import check_findings, contract_errors

# ---------------------------------------------------------------- the schema itself


def test_the_schema_is_a_draft_2020_12_schema_of_this_version() -> None:
    schema = findings_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"]["const"] == SCHEMA


def described(node: Any, where: str = "$") -> Iterator[tuple[str, bool]]:
    """Every field the schema defines, and whether it says what the field is."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}.{name}", bool(sub.get("description", "").strip())
        for key, sub in node.items():
            if key in ("properties", "$defs"):
                for name, inner in sub.items():
                    yield from described(inner, f"{where}.{name}")
            elif key in ("items", "additionalProperties"):
                yield from described(sub, f"{where}[]")


def test_the_schema_describes_every_field() -> None:
    fields = dict(described(findings_schema()))
    assert len(fields) > 40  # every object of the document is reached
    assert [name for name, said in fields.items() if not said] == []


def test_kinds_severities_and_evidence_are_the_models() -> None:
    finding = findings_schema()["$defs"]["finding"]
    props = finding["properties"]
    assert props["kind"]["enum"] == [k.value for k in Kind]
    assert set(props["severity"]["enum"]) == {s.value for s in Severity}
    assert set(props["evidence"]["enum"]) == {e.value for e in Evidence} | {None}
    # the rules that tie severity to kind say what SEVERITY_OF says
    tied = {}
    for rule in finding["allOf"]:
        severity = rule["then"]["properties"].get("severity")
        if severity:
            for kind in rule["if"]["properties"]["kind"]["enum"]:
                tied[kind] = severity["const"]
    assert tied == {k.value: s.value for k, s in SEVERITY_OF.items()}


def test_the_findings_documents_fields_are_the_schemas() -> None:
    document = result_dict(sample())
    defs = findings_schema()["$defs"]
    assert set(document) == set(findings_schema()["required"])
    assert set(document["submissions"][0]) == set(defs["submission"]["required"])
    assert set(document["errors"][0]) == set(defs["file_error"]["required"])
    for f in document["findings"]:
        assert set(f) == set(defs["finding"]["required"])
    quoted = document["findings"][0]
    assert set(quoted["quote"]) == set(defs["quote"]["required"])
    assert set(quoted["citation"]) == set(defs["citation"]["required"])


def test_a_findings_quote_and_citation_carry_what_attribution_read() -> None:
    text = 'The review put it plainly: "warmth predicts outcome" (Hale & Okonkwo, 2018, p. 4.).'
    (quote,) = find_quotes(text)
    (citation,) = find_citations(text)
    written_quote = quote_dict(finding_quote(quote))
    written_citation = citation_dict(finding_citation(citation))
    assert written_quote is not None and written_citation is not None
    assert text[written_quote["start"] : written_quote["end"]] == "warmth predicts outcome"
    for name, value in written_quote.items():
        assert getattr(quote, name) == value, name
    for name, value in written_citation.items():
        read = getattr(citation, name)
        assert (list(read) if isinstance(read, tuple) else read) == value, name
    group = text[written_citation["group_start"] : written_citation["group_end"]]
    assert group == "(Hale & Okonkwo, 2018, p. 4.)"
    assert written_citation["authors"] == ["Hale", "Okonkwo"]
    assert "stray_period" in written_citation["problems"]
    assert finding_quote(None) is None and finding_citation(None) is None
    assert quote_dict(None) is None and citation_dict(None) is None


# ---------------------------------------------------------------- documents it admits


def sample() -> ScanResult:
    """A scan result with a finding of each shape: quoted and cited, shared, unmatched, common."""
    quote = FindingQuote(10, 60, "curly_double", closed=True, bound=None)
    citation = FindingCitation(
        62, 80, 61, 99, ("Hale", "Okonkwo"), et_al=False, year="2018", locator="p. 4",
        narrative=False, problems=("stray_period",),
    )  # fmt: skip
    one, two = "a1b2c3d4e5f60718", "0f1e2d3c4b5a6978"
    findings = (
        Finding(one, Kind.ATTRIBUTED_QUOTE, 10, 60, "x", "9e8d7c6b5a493827", "src/hale.txt",
                100, 150, 9, 0.97, 0.95, quote=quote, citation=citation),
        Finding(one, Kind.PEER_OVERLAP, 120, 200, "y", two, "week/b.txt", 5, 85, 14, 0.9, 0.88,
                evidence=Evidence.EDITED, cluster="00ff00ff00ff00ff", shared_by=2),
        Finding(one, Kind.UNMATCHED_QUOTE, 210, 280, "z", None, None, None, None, 11, 0.0, 0.0,
                quote=FindingQuote(210, 280, "double", closed=False, bound="paragraph"),
                evidence=None),
        Finding(two, Kind.COMMON_PHRASING, 0, 40, "w", None, None, None, None, 8, 0.0, 0.0,
                cluster="123456789abcdef0", shared_by=12),
    )  # fmt: skip
    return ScanResult(
        settings={"shingle": 4, "sentence_cosine": 0.33, "scheme": "affine32"},
        generated_at="2026-12-05T10:00:00+00:00",
        submissions=(
            SubmissionSummary(one, "week/a.txt", "Ann", 300, 0.3, 0.5, ("homoglyphs",)),
            SubmissionSummary(two, "week/b.txt", None, 90, 0.0, 0.4),
        ),
        findings=findings,
        errors=(FileError("week/bad.docx", "truncated"),),
    )


def test_a_document_with_every_shape_of_finding_keeps_the_contract() -> None:
    assert contract_errors(result_dict(sample())) == []


def test_an_empty_scan_keeps_the_contract() -> None:
    empty = ScanResult({}, "2026-12-05T10:00:00+00:00", (), ())
    assert contract_errors(result_dict(empty)) == []


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets the field at ``path`` (dots; numbers index lists) to ``value``."""

    def change(doc: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node: Any = doc
        for p in parents:
            node = node[p]
        node[last] = value

    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for p in parents:
            node = node[int(p) if p.isdigit() else p]
        del node[last]

    return change


BROKEN = [
    ("another version", _set("schema", "overlap.findings/2"), "$.schema"),
    ("no settings", _drop("settings"), "$"),
    ("a setting that is a list", _set("settings.shingle", [4]), "$.settings.shingle"),
    ("a time without its zone", _set("generated_at", "2026-12-05T10:00:00"), "$.generated_at"),
    ("a field nobody knows", _set("findings.0.score", 1), "$.findings[0]"),
    ("an unknown kind", _set("findings.0.kind", "copy"), "$.findings[0].kind"),
    ("a severity the kind does not have", _set("findings.0.severity", "high"),
     "$.findings[0].severity"),
    ("a negative offset", _set("findings.0.start", -1), "$.findings[0].start"),
    ("an offset that is a string", _set("findings.0.end", "60"), "$.findings[0].end"),
    ("a cosine above 1", _set("findings.0.tfidf", 1.5), "$.findings[0].tfidf"),
    ("a quoted kind without its quote", _set("findings.0.quote", None), "$.findings[0].quote"),
    ("a cited kind without its citation", _set("findings.0.citation", None),
     "$.findings[0].citation"),
    ("a quote without its mark", _drop("findings.0.quote.mark"), "$.findings[0].quote"),
    ("an unknown mark", _set("findings.0.quote.mark", "backtick"), "$.findings[0].quote.mark"),
    ("a citation without its group", _drop("findings.0.citation.group_start"),
     "$.findings[0].citation"),
    ("authors as one string", _set("findings.0.citation.authors", "Hale"),
     "$.findings[0].citation.authors"),
    ("an unknown problem", _set("findings.0.citation.problems", ["rude"]),
     "$.findings[0].citation.problems[0]"),
    ("a cluster on a copy from a source", _set("findings.0.cluster", "00ff00ff00ff00ff"),
     "$.findings[0].cluster"),
    ("a shared passage without its cluster", _set("findings.1.cluster", None),
     "$.findings[1].cluster"),
    ("a pair counted as one", _set("findings.1.shared_by", 1), "$.findings[1].shared_by"),
    ("a peer finding without its source", _set("findings.1.source", None),
     "$.findings[1].source"),
    ("an unknown evidence", _set("findings.1.evidence", "hunch"), "$.findings[1].evidence"),
    ("an unmatched quote with a source", _set("findings.2.source_start", 3),
     "$.findings[2].source_start"),
    ("an unmatched quote with evidence", _set("findings.2.evidence", "exact"),
     "$.findings[2].evidence"),
    ("common phrasing with a quote", _set("findings.3.quote", {}), "$.findings[3].quote"),
    ("a similarity above 1", _set("submissions.0.similarity", 1.2),
     "$.submissions[0].similarity"),
    ("an unknown flag", _set("submissions.0.flags", ["typos"]), "$.submissions[0].flags[0]"),
    ("a flag twice", _set("submissions.0.flags", ["homoglyphs", "homoglyphs"]),
     "$.submissions[0].flags"),
    ("words that are not a count", _set("submissions.1.words", 90.5), "$.submissions[1].words"),
    ("a submission error while they are reserved", _set("submissions.1.errors", ["damaged"]),
     "$.submissions[1].errors"),
    ("a file error without its reason", _drop("errors.0.error"), "$.errors[0]"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "where"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_document_fails_and_the_error_names_the_field(
    change: Callable[[dict[str, Any]], None], where: str
) -> None:
    document = result_dict(sample())
    broken = copy.deepcopy(document)
    change(broken)
    errors = contract_errors(broken)
    assert errors, "the broken document passed"
    assert any(e.startswith(f"{where}:") for e in errors), errors
    with pytest.raises(AssertionError, match=r"breaks overlap\.findings/1"):
        check_findings(broken, "broken")


# ---------------------------------------------------------------- documents overlap writes


@pytest.mark.parametrize("root", [DEMO, ATTRIBUTION_DEV], ids=["demo", "attribution-dev"])
def test_the_demo_and_the_dev_set_reports_keep_the_contract(root: Path, tmp_path: Path) -> None:
    if not (root / "prompt.txt").exists():
        pytest.skip(f"{root} is not available")
    store = tmp_path / "store"
    add_to_corpus([root / "sources"], Role.SOURCE, store)
    add_to_corpus([root / "prior"], Role.PRIOR, store)
    batch = root / "submissions" if (root / "submissions").exists() else root / "week"
    result = scan_paths([batch], store, tmp_path / "report", excludes=[root / "prompt.txt"])
    document = json.loads((tmp_path / "report" / "findings.json").read_text(encoding="utf-8"))
    assert len(document["findings"]) == len(result.findings) > 0
    assert contract_errors(document) == []


# ---------------------------------------------------------------- the schema as installed


def installed_copy(site: Path) -> None:
    """The files a wheel of the package holds: its modules and the package data pyproject names."""
    for module in (ROOT / "overlap").rglob("*.py"):
        target = site / module.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(module, target)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for package, patterns in pyproject["tool"]["setuptools"]["package-data"].items():
        folder = Path(*package.split("."))
        for pattern in patterns:
            for data in (ROOT / folder).glob(pattern):
                shutil.copyfile(data, site / folder / data.name)


@pytest.mark.parametrize("form", ["folder", "zip"])
def test_the_schema_is_found_in_an_installed_package(tmp_path: Path, form: str) -> None:
    site = tmp_path / "site"
    installed_copy(site)
    if form == "zip":  # read from an archive: only importlib.resources finds the file there
        path = tmp_path / "overlap.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for f in sorted(site.rglob("*")):
                archive.write(f, f.relative_to(site).as_posix())
        site = path
    code = (
        "import json, overlap.report.contract as c; "
        "print(json.dumps([c.__file__, c.findings_schema()]))"
    )
    # -S: no site-packages, so no other copy of the package (an editable install) is found
    done = subprocess.run(
        [sys.executable, "-S", "-c", code], env={"PYTHONPATH": str(site)}, cwd=tmp_path,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    where, schema = json.loads(done.stdout)
    assert where.startswith(str(site))
    shipped = json.loads((ROOT / "overlap" / "report" / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert schema == shipped
