import os
from pathlib import Path

import pytest
from hypothesis import settings

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
