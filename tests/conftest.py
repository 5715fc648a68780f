import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.contractcheck import check_findings_files

# CI runs the same examples every time, so a submission's result does not depend on luck;
# locally every run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked `long` unless the run asks for them by name (`-m long`)."""
    if "long" in (config.getoption("markexpr") or ""):
        return
    for item in items:
        marker = item.get_closest_marker("long")
        if marker is not None:
            why = marker.args[0] if marker.args else "takes a minute or more"
            item.add_marker(pytest.mark.skip(reason=f"{why}: run with -m long"))


ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpus" / "demo"
ATTRIBUTION_DEV = ROOT.parent / "shared" / "data" / "attribution-dev"

WORDS = (
    "river stone lantern orchard meadow copper violet harbor quiet thunder maple signal garden "
    "ember canyon willow beacon marble falcon prairie cobalt summit velvet tundra glacier "
    "saffron juniper lagoon"
).split()


#: Folders of pytest's temporary folder whose findings.json files were validated.
_CHECKED: set[str] = set()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "not_findings: the test writes files named findings.json that are no report"
    )


@pytest.fixture(autouse=True)
def findings_keep_the_contract(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """After each test, every findings.json it wrote keeps the contract (the package's schema).

    The folders checked are those made in pytest's temporary folder since the last test:
    the test's ``tmp_path`` and any a fixture made for it with ``tmp_path_factory``.
    """
    yield
    base = tmp_path_factory.getbasetemp()
    fresh = sorted(set(os.listdir(base)) - _CHECKED)
    _CHECKED.update(fresh)
    if request.node.get_closest_marker("not_findings") is None:
        for name in fresh:
            check_findings_files(base / name)


def prose(seed: int, n: int) -> str:
    """Deterministic filler prose of n words that shares no 3-gram with other seeds by chance."""
    import random

    rng = random.Random(seed)
    return " ".join(f"{rng.choice(WORDS)}{seed}x{i % 7}" for i in range(n)) + "."


@pytest.fixture
def tiny_set(tmp_path: Path) -> Path:
    """A small labelled layout: one source, one prior post, three submissions, a prompt."""
    copied = (
        "Motivation grows when a person hears their own reasons for change spoken aloud and "
        "reflected back without judgement by someone who listens"
    )
    shared = (
        "I would start every session by asking what the client hopes will be different by the "
        "end of the month and write it down together"
    )
    prior_text = (
        "Looking back at my practicum the hardest lesson was learning to wait through a long "
        "silence instead of filling it with advice the client never asked for"
    )
    prompt = (
        "Describe one technique of motivational interviewing and evaluate its limits for a "
        "population you serve"
    )
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "src.txt").write_text(
        "A Title About Motivation In Practice\n\nBy A. Author\n\n"
        f"{prose(1, 120)} {copied}. {prose(2, 80)}\n"
    )
    (tmp_path / "sources" / "metadata.csv").write_text(
        'path,author,year,title\nsrc.txt,"Author, A.",2019,A Title About Motivation In Practice\n'
    )
    (tmp_path / "prior").mkdir()
    (tmp_path / "prior" / "p1.txt").write_text(f"{prose(3, 60)} {prior_text}. {prose(4, 30)}\n")
    (tmp_path / "prior" / "metadata.csv").write_text(
        "path,student,term\np1.txt,Old Student,Fall 2023\n"
    )
    sub = tmp_path / "submissions"
    sub.mkdir()
    (sub / "a.txt").write_text(
        f'{prose(5, 40)} {copied}. {prose(6, 30)} {shared}. The prompt asks us to "{prompt}".\n\n'
        "References\n\n"
        "Author, A. (2019). A title about motivation in practice. Journal, 1(2), 3-4.\n"
    )
    (sub / "b.txt").write_text(
        f'{prose(7, 50)} {shared}. {prose(8, 20)} {prior_text}. "{prompt}" is the question.\n'
    )
    (sub / "c.txt").write_text(f"{prose(9, 90)}\n")
    (sub / "metadata.csv").write_text("path,student,submitted_at\na.txt,Ann,2025-01-01T10:00:00\n")
    (tmp_path / "prompt.txt").write_text(prompt + "\n")
    return tmp_path


@pytest.fixture(autouse=True)
def _no_installed_paraphrase_model(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scans in tests see no installed sentence model unless a test asks for it.

    The command line uses the installed model when there is one; a developer's machine with
    ``make install-paraphrase`` must give the same results as CI, which has none.
    """
    if "installed_model" not in request.keywords:
        monkeypatch.setattr("overlap.semantic.encoder.bundled_model", lambda: None)
