"""Review decisions in the report: the card's id and commands, dismissed and confirmed findings.

The demo week is scanned from a store, into a report folder, whose names would break out of
a shell command or the HTML if they were not quoted and escaped; both are given relative, as
a person types them.
"""

from __future__ import annotations

import dataclasses
import html
import re
import shlex
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from overlap.indexing.add import add_to_corpus
from overlap.model import (
    Finding,
    FindingDecision,
    Kind,
    Role,
    ScanResult,
    Severity,
    SubmissionSummary,
    Verdict,
)
from overlap.report.commands import (
    NOTE_PLACEHOLDER,
    REPORT_PLACEHOLDER,
    STORE_PLACEHOLDER,
    review_command,
    review_commands,
    run_where,
)
from overlap.report.folder import write_report_folder
from overlap.report.html import write_html
from overlap.report.html.markup import content_security_policy
from overlap.report.html.page import percent, when
from overlap.report.html.site import Site, page_name
from overlap.report.html.style import COPY_SCRIPT, CSS
from overlap.report.html.text import highlighted
from overlap.review.decisions import Action, new_decision
from overlap.scanning.files import scan_paths
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import record_decisions
from tests.conftest import DEMO
from tests.hostile import BROKEN_NAME, PWNED, SCRIPT, SVG_NAME, Page

#: A store whose name would run commands in a shell that did not quote it; it starts with a
#: dash, which ``--corpus`` takes as its value all the same.
STORE = f"-store $(touch {PWNED}) `touch {PWNED}` it's; {SVG_NAME}"
#: A report folder whose name would end a quoted string, close an attribute, break a line.
REPORT = f"week 5 'report' \"final\"\n{BROKEN_NAME} & ~"
DISMISSED = FindingDecision(
    Verdict.DISMISSED, '<i>Ana</i> & "Bo"', "2025-02-11T09:14:00+00:00", f"set reading {SCRIPT}"
)
CONFIRMED = FindingDecision(
    Verdict.CONFIRMED, "Ana Ruiz", "2025-02-12T16:05:00+00:00", "Same words; raised <b>with</b> her"
)


@dataclass
class Article:
    """What one card shows of its review: heading, decision, id, commands and buttons."""

    classes: list[str]
    heading: str = ""
    decision: str = ""
    fid: str = ""
    commands: dict[str, str] = field(default_factory=dict)  # by element id
    buttons: list[dict[str, str]] = field(default_factory=list)


class Cards(HTMLParser):
    """A page's cards by number, with every tag's attributes and the page's figures."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.cards: dict[int, Article] = {}
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stats: dict[str, str] = {}  # the figures at the top, by label
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._card: Article | None = None
        self._figure = ""
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "article":
            self._card = Article(a["class"].split())
            self.cards[int(a["id"][1:])] = self._card
        if tag == "button" and self._card:
            self._card.buttons.append(a)
        if tag not in ("br", "meta", "input"):
            self._stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        while self._stack and self._stack.pop()[0] != tag:
            pass
        if tag == "article":
            self._card = None

    def handle_data(self, data: str) -> None:
        classes = {c for _, a in self._stack for c in a.get("class", "").split()}
        tag, a = self._stack[-1] if self._stack else ("", {})
        if "stats" in classes and tag == "b":
            self._figure = data
        elif "stats" in classes and tag == "span":
            self.stats[data] = self._figure
        card = self._card
        if card is None:
            return
        own = a.get("class", "").split()
        if tag == "h3":
            card.heading += data
        if "decision" in classes:
            card.decision += data
        if tag == "code" and "id" in own:
            card.fid += data
        if tag == "code" and "line" in own:
            card.commands[a["id"]] = card.commands.get(a["id"], "") + data


def decide(result: ScanResult, chosen: dict[str, FindingDecision]) -> ScanResult:
    """The result with the decisions ``chosen`` (by finding id) standing."""
    findings = tuple(dataclasses.replace(f, decision=chosen.get(f.id)) for f in result.findings)
    return dataclasses.replace(result, findings=findings)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScanResult]:
    """The report folder and the result written, with one high finding dismissed and one
    confirmed."""
    root = tmp_path_factory.mktemp("decisions")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        add_to_corpus([DEMO / "sources"], Role.SOURCE, Path(STORE))
        add_to_corpus([DEMO / "prior"], Role.PRIOR, Path(STORE))
        scanned = scan_paths([DEMO / "week"], Path(STORE), root / "first")
        high = sorted((f for f in scanned.findings if f.severity is Severity.HIGH), key=len_id)
        chosen = {high[0].id: DISMISSED, high[1].id: CONFIRMED}
        written = write_report_folder(decide(scanned, chosen), Path(REPORT))
    return root / REPORT, written


def len_id(f: Finding) -> tuple[int, str]:
    """Longest first, then by id: a dismissed finding whose words are sure to count."""
    return (-f.words, f.id)


def pages_of(out: Path, result: ScanResult) -> dict[str, Cards]:
    """Each submission's page, parsed, by submission id."""
    return {
        s.id: Cards((out / "submissions" / page_name(s)).read_text(encoding="utf-8"))
        for s in result.submissions
    }


def numbered(result: ScanResult) -> list[tuple[Finding, int]]:
    """Each finding with its number on its page."""
    site = Site.of(result)
    return [(f, n) for fs in site.findings.values() for n, f in enumerate(fs, start=1)]


def summary(result: ScanResult, submission: str) -> SubmissionSummary:
    return next(s for s in result.submissions if s.id == submission)


def expected_words(action: Action, f: Finding, report: str, store: str) -> list[str]:
    """The words a shell passes to ``overlap`` for a command of a card."""
    words = ["overlap", "review", action.value, f.id, "--report", report, "--corpus", store]
    return words + ([] if action is Action.REOPEN else ["--note", NOTE_PLACEHOLDER])


# ---------------------------------------------------------------- the commands


@pytest.mark.parametrize(
    "path",
    ["reports/week 5", "-rf", "it's", 'say "hi"', "$(touch x)", "`id`", "a;b|c&d>e<f",
     "line\nbreak", "~/x", "Zoë Ñúñez", "*", "", " "],
)  # fmt: skip
def test_each_path_is_one_shell_word(path: str) -> None:
    f = Finding("s", Kind.UNATTRIBUTED_COPY, 0, 1, "x", "o", "o.txt", 0, 1, 9, 1.0, 1.0)
    shown = path or REPORT_PLACEHOLDER
    for action in (Action.DISMISS, Action.CONFIRM, Action.REOPEN):
        line = review_command(action, f.id, path, path)
        store = path or STORE_PLACEHOLDER
        assert shlex.split(line) == expected_words(action, f, shown, store)
    assert review_command(Action.DISMISS, f.id, path, path).endswith(
        f' --note "{NOTE_PLACEHOLDER}"'
    )


def test_unknown_paths_are_placeholders_and_undecodable_bytes_are_shown() -> None:
    words = shlex.split(review_command(Action.DISMISS, "ab", None, None))
    assert words[4:8] == ["--report", REPORT_PLACEHOLDER, "--corpus", STORE_PLACEHOLDER]
    assert STORE_PLACEHOLDER == "corpus/store"  # the store `overlap scan` reads by default
    # a name that is not UTF-8 is shown as everywhere else in the report (a page is UTF-8)
    words = shlex.split(review_command(Action.DISMISS, "ab", "bad\udcff", "/s"))
    assert words[5] == "bad\\xff"
    with pytest.raises(ValueError, match="exclude_source"):
        review_command(Action.EXCLUDE_SOURCE, "ab", None, None)


@pytest.mark.parametrize(
    ("decision", "actions"),
    [
        (None, [Action.DISMISS, Action.CONFIRM]),
        (DISMISSED, [Action.CONFIRM, Action.REOPEN]),
        (CONFIRMED, [Action.DISMISS, Action.REOPEN]),
    ],
)
def test_the_commands_offered_change_the_standing_decision(
    decision: FindingDecision | None, actions: list[Action]
) -> None:
    f = Finding("s", Kind.UNATTRIBUTED_COPY, 0, 1, "x", "o", "o.txt", 0, 1, 9, 1.0, 1.0)
    f = dataclasses.replace(f, decision=decision)
    assert [a for a, _ in review_commands(f, "r", "s")] == actions


def test_relative_paths_say_where_to_run() -> None:
    assert run_where("reports/w5", "/srv/store") and run_where(None, "/srv/store")
    assert run_where("/srv/reports/w5", None)  # the default store is relative
    assert not run_where("/srv/reports/w5", "/srv/store")


# ---------------------------------------------------------------- the cards


def test_every_card_gives_its_id_and_the_commands_quoted_for_a_shell(
    report: tuple[Path, ScanResult],
) -> None:
    out, result = report
    assert result.store == STORE
    pages = pages_of(out, result)
    offered: Counter[Action] = Counter()
    for f, n in numbered(result):
        card = pages[f.submission].cards[n]
        assert card.fid == f.id
        actions = [a for a, _ in review_commands(f, REPORT, STORE)]
        assert list(card.commands) == [f"f{n}-{a.value}" for a in actions]
        for action in actions:
            words = shlex.split(card.commands[f"f{n}-{action.value}"])
            assert words == expected_words(action, f, REPORT, STORE)
            offered[action] += 1
        # a Copy button per command, naming it, hidden until the page's script shows it
        assert [b["data-copy"] for b in card.buttons] == list(card.commands)
        for button in card.buttons:
            assert "hidden" in button and button["type"] == "button"
            assert button["aria-label"].startswith("Copy the command to ")
            assert button["aria-label"].endswith(f" finding {n}")
    assert offered[Action.DISMISS] and offered[Action.CONFIRM] and offered[Action.REOPEN] == 2


def test_hostile_names_and_notes_stay_text(report: tuple[Path, ScanResult]) -> None:
    out, result = report
    for s in result.submissions:
        source = (out / "submissions" / page_name(s)).read_text(encoding="utf-8")
        page = Page(source)
        assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]
        assert not {t for t, _ in page.tags} & {"img", "iframe", "object", "embed"}
        assert SCRIPT not in source and "<b onmouseover" not in source
        assert "<i>Ana</i>" not in source and "<b>with</b>" not in source
        if any(f.submission == s.id for f in result.findings):
            assert html.escape(shlex.quote(STORE), quote=True) in source
            assert html.escape(shlex.quote(REPORT), quote=True) in source


def test_decided_findings_say_who_when_and_why_and_are_marked(
    report: tuple[Path, ScanResult],
) -> None:
    out, result = report
    pages = pages_of(out, result)
    decided = [(f, n, f.decision) for f, n in numbered(result) if f.decision is not None]
    assert sorted(d.decision for _, _, d in decided) == [Verdict.CONFIRMED, Verdict.DISMISSED]
    for f, n, d in decided:
        parsed = pages[f.submission]
        card = parsed.cards[n]
        word = d.decision.value
        assert card.decision == f"{word.capitalize()} by {d.by} on {when(d.at)}: {d.note}"
        assert word in card.classes
        assert card.heading.endswith(f" — {word}]")
        # the marker in the text says it in words (read out, and seen without colour)
        (tag,) = [a for t, a in parsed.tags if t == "a" and a.get("id") == f"m{n}"]
        assert word in tag["class"].split() and tag["title"].endswith(f" — {word}")
        chips = [a for t, a in parsed.tags if t == "a" and a.get("href") == f"#f{n}"]
        assert any(word in a.get("class", "").split() for a in chips)
        source = (out / "submissions" / page_name(summary(result, f.submission))).read_text(
            encoding="utf-8"
        )
        assert f">[{n} " in source and f" — {word}]</a>" in source  # the marker's own text
    undecided = [(f, n) for f, n in numbered(result) if f.decision is None]
    assert undecided
    for f, n in undecided:  # they say nothing of a decision
        card = pages[f.submission].cards[n]
        assert card.decision == "" and "—" not in card.heading
        assert not {"dismissed", "confirmed"} & set(card.classes)


def test_the_figures_leave_out_dismissed_findings(report: tuple[Path, ScanResult]) -> None:
    out, result = report
    live = [f for f in result.findings if not f.dismissed]
    per = Counter(f.severity for f in live)
    index = Cards((out / "index.html").read_text(encoding="utf-8"))
    assert int(index.stats["findings to review"]) == sum(1 for f in live if f.counts)
    assert int(index.stats["findings to review"]) == (
        sum(1 for f in result.findings if f.severity is not Severity.INFO) - 1
    )
    for sev in Severity:
        assert int(index.stats[sev.value]) == per[sev]
    assert int(index.stats["dismissed"]) == 1 and int(index.stats["confirmed"]) == 1
    # the submission with the dismissed finding: its row and its page
    (gone,) = [f for f in result.findings if f.dismissed]
    mine = summary(result, gone.submission)
    rows = re.findall(r"<tr[ >](.*?)</tr>", (out / "index.html").read_text(encoding="utf-8"), re.S)
    (row,) = [r for r in rows if page_name(mine) in r]
    cells = re.findall(r'<td class="num(?: zero)?" data-value="(\d+)"', row)
    _, *severities = cells  # words, then high, medium, low, info
    own = Counter(f.severity for f in result.findings if f.submission == mine.id)
    own[gone.severity] -= 1
    order = (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
    assert [int(n) for n in severities] == [own[s] for s in order]
    assert ">1 dismissed</a>" in row
    page = pages_of(out, result)[mine.id]
    assert int(page.stats["dismissed"]) == 1
    assert int(page.stats.get("high findings", "0")) == own[Severity.HIGH]
    # the similarity shown is the summary's, which the scan computed
    assert page.stats[next(k for k in page.stats if k.startswith("similarity"))] == percent(
        mine.similarity
    )


def test_each_page_runs_only_its_copy_script(report: tuple[Path, ScanResult]) -> None:
    out, result = report
    with_findings = {f.submission for f in result.findings}
    for s in result.submissions:
        page = Page((out / "submissions" / page_name(s)).read_text(encoding="utf-8"))
        script = COPY_SCRIPT if s.id in with_findings else None
        assert page.scripts == ([script] if script else [])
        (meta,) = [m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
        assert meta["content"] == content_security_policy(CSS, script)
        assert "unsafe-inline" not in meta["content"]
    # the script finds its buttons by a data attribute and listens: no inline handler
    assert 'querySelectorAll("button[data-copy]")' in COPY_SCRIPT
    assert "addEventListener" in COPY_SCRIPT and "writeText" in COPY_SCRIPT
    assert 'execCommand("copy")' in COPY_SCRIPT
    assert '"Copied"' in COPY_SCRIPT and '"Select and copy"' in COPY_SCRIPT


def test_the_legend_explains_the_marks_of_decisions(report: tuple[Path, ScanResult]) -> None:
    out, _ = report
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<b>— dismissed</b>" in index and "<b>— confirmed</b>" in index
    assert "overlap review" in index


def test_a_report_written_without_its_folder_shows_placeholders(
    report: tuple[Path, ScanResult], tmp_path: Path
) -> None:
    _, result = report
    unknown = dataclasses.replace(result, store=None)
    write_html(unknown, tmp_path)
    f, n = next((f, n) for f, n in numbered(unknown) if f.decision is None)
    card = pages_of(tmp_path, unknown)[f.submission].cards[n]
    for action in (Action.DISMISS, Action.CONFIRM):
        words = shlex.split(card.commands[f"f{n}-{action.value}"])
        assert words == expected_words(action, f, REPORT_PLACEHOLDER, STORE_PLACEHOLDER)


def test_a_decision_recorded_in_the_store_shows_in_the_next_report(tmp_path: Path) -> None:
    store = tmp_path / "store"
    add_to_corpus([DEMO / "sources"], Role.SOURCE, store)
    add_to_corpus([DEMO / "prior"], Role.PRIOR, store)
    first = scan_paths([DEMO / "week"], store, tmp_path / "first")
    f = max((f for f in first.findings if f.counts), key=len_id)
    before = summary(first, f.submission)
    record_decisions(
        CorpusStore.open(store),
        [new_decision(Action.DISMISS, by="Ana", note="the set reading", target=f.id,
                      submission=f.submission, other=f.source, kind=f.kind.value)],
    )  # fmt: skip
    again = scan_paths([DEMO / "week"], store, tmp_path / "again")
    after = summary(again, f.submission)
    assert after.similarity < before.similarity
    page = Cards((tmp_path / "again" / "submissions" / page_name(after)).read_text("utf-8"))
    similarity = next(v for k, v in page.stats.items() if k.startswith("similarity"))
    assert similarity == percent(after.similarity) != percent(before.similarity)
    (card,) = [c for c in page.cards.values() if c.fid == f.id]
    assert card.decision.startswith("Dismissed by Ana on ") and "dismissed" in card.classes
    words = shlex.split(card.commands[next(iter(card.commands))])
    assert words[4:8] == ["--report", str(tmp_path / "again"), "--corpus", str(store)]


def test_text_inside_a_dismissed_and_a_standing_finding_takes_the_standing_ones_colour() -> None:
    text = "one two three four five six seven eight nine ten"
    copy = Finding("s", Kind.UNATTRIBUTED_COPY, 0, 23, text[:23], "o", "o.txt", 0, 23, 5, 1, 1)
    low = Finding("s", Kind.MISSING_QUOTATION_MARKS, 14, 39, text[14:39], "p", "p.txt", 0, 25, 5,
                  1, 1)  # fmt: skip
    shown = highlighted(text, [dataclasses.replace(copy, decision=DISMISSED), low], {})
    marks = re.findall(r'<mark class="([^"]*)"[^>]*>([^<]*)</mark>', shown)
    assert marks == [
        ("hl k-unattributed-copy s-high dismissed", "one two three "),  # the dismissed alone
        ("hl k-missing-quotation-marks s-low multi", "four five"),  # both: the standing one's
        ("hl k-missing-quotation-marks s-low", " six seven eight"),
    ]
    assert 'title="1 unattributed copy — dismissed; 2 missing quotation marks"' in shown
    assert ">[1 unattributed copy — dismissed]</a>" in shown
    assert '<span class="tag end k-unattributed-copy s-high dismissed">[end 1]</span>' in shown
    # undecided, the more severe finding colours the text both cover, as before
    shown = highlighted(text, [copy, low], {})
    assert '<mark class="hl k-unattributed-copy s-high multi"' in shown
