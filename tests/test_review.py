"""Review decisions: dismiss, confirm, reopen, rules, and what later scans make of them."""

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from clirun import invoke
from conftest import prose

from overlap.errors import InputError, StoreError
from overlap.indexing.add import add_to_corpus
from overlap.indexing.erasure import Selection, remove_documents
from overlap.model import Finding, Kind, Role
from overlap.report.reading import ReportFolder, read_report
from overlap.review.acts import allow_passage, decide, exclude_source
from overlap.review.decisions import Action
from overlap.review.rules import Review
from overlap.store.corpus import CorpusStore
from overlap.store.decisions import read_decisions
from overlap.store.verify import drop_damaged_parts, verify_store

COPIED = (
    "Reflective listening slows the conversation enough that a client can hear the reasons "
    "for change in their own words and weigh them without pressure"
)
QUOTED = (
    "Ambivalence is not resistance but a normal stage of deciding that deserves patience "
    "from the counsellor rather than argument"
)
LATER = (
    "A plan written with the client rather than for the client is kept far more often in the "
    "weeks after the last appointment ends"
)


def make_week(root: Path) -> tuple[Path, Path]:
    """A store holding one source, and a week of two posts: a copy and an uncited quote."""
    sources = root / "sources"
    sources.mkdir(parents=True)
    (sources / "mi.txt").write_text(
        f"{prose(11, 80)} {COPIED}. {prose(12, 60)} {QUOTED}. {prose(13, 60)} {LATER}. "
        f"{prose(14, 40)}\n"
    )
    (sources / "metadata.csv").write_text(
        'path,author,year,title\nmi.txt,"Halloran, M.",2006,Listening for change\n'
    )
    store = root / "store"
    add_to_corpus([sources], Role.SOURCE, store)
    week = root / "week"
    week.mkdir()
    (week / "ann.txt").write_text(f"{prose(21, 50)} {COPIED}. {prose(22, 40)}\n")
    (week / "ben.txt").write_text(
        f'{prose(23, 50)} As one writer puts it, "{QUOTED}." {prose(24, 40)}\n'
    )
    (week / "metadata.csv").write_text(
        "path,student,term\nann.txt,Ann Park,Fall 2026\nben.txt,Ben Ode,Fall 2026\n"
    )
    return store, week


def scan(paths: list[Path], store: Path, out: Path, *extra: str) -> tuple[int, dict]:
    code, _, err = invoke("scan", *paths, "--corpus", store, "--out", out, "--quiet", *extra)
    assert code in (0, 1), err
    return code, json.loads((out / "findings.json").read_text())


def by_name(doc: dict) -> dict[str, list[dict]]:
    paths = {s["id"]: Path(s["path"]).name for s in doc["submissions"]}
    out: dict[str, list[dict]] = {}
    for f in doc["findings"]:
        out.setdefault(paths[f["submission"]], []).append(f)
    return out


def similarity(doc: dict, name: str) -> float:
    return next(s["similarity"] for s in doc["submissions"] if Path(s["path"]).name == name)


def test_walk_through_dismiss_confirm_rescan_with_a_new_post(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    code, first = scan([week], store, tmp_path / "r1", "--fail-on", "high")
    found = by_name(first)
    (copy,) = [f for f in found["ann.txt"] if f["severity"] == "high"]
    (quote,) = [f for f in found["ben.txt"] if f["kind"] == "missing_citation"]
    assert code == 1 and copy["kind"] == "unattributed_copy"
    assert similarity(first, "ann.txt") > 0

    code, out, err = invoke("review", "dismiss", copy["id"][:8], "--report", tmp_path / "r1",
                            "--corpus", store, "--note", "shared glossary",
                            "--by", "Dr. Lee")  # fmt: skip
    assert code == 0, err
    assert copy["id"] in out
    code, _, err = invoke("review", "confirm", quote["id"], "--report", tmp_path / "r1",
                          "--corpus", store, "--note", "no citation at all")  # fmt: skip
    assert code == 0, err

    # The same week again: same ids; the dismissed copy counts for nothing, nor trips --fail-on.
    code, again = scan([week], store, tmp_path / "r2", "--fail-on", "high")
    assert code == 0
    assert {f["id"] for f in again["findings"]} == {f["id"] for f in first["findings"]}
    decided = {f["id"]: f for f in again["findings"]}
    assert decided[copy["id"]]["decision"] == "dismissed"
    assert decided[copy["id"]]["decided_by"] == "Dr. Lee"
    assert decided[copy["id"]]["note"] == "shared glossary"
    assert decided[quote["id"]]["decision"] == "confirmed"
    assert decided[quote["id"]]["decided_by"]  # the user name by default
    assert similarity(again, "ann.txt") == 0
    assert similarity(again, "ben.txt") == similarity(first, "ben.txt") > 0
    others = [f for i, f in decided.items() if i not in (copy["id"], quote["id"])]
    assert all(f["decision"] is None for f in others)

    # Plus one new post that copies the source: its finding is undecided and trips --fail-on.
    new = tmp_path / "new"
    new.mkdir()
    (new / "cal.txt").write_text(f"{prose(31, 40)} {LATER}. {prose(32, 30)}\n")
    code, third = scan([week, new], store, tmp_path / "r3", "--fail-on", "high")
    assert code == 1
    found3 = by_name(third)
    assert found3["cal.txt"] and all(f["decision"] is None for f in found3["cal.txt"])
    assert {f["id"] for f in third["findings"] if f["decision"]} == {copy["id"], quote["id"]}
    old = {f["id"] for n in ("ann.txt", "ben.txt") for f in found3[n]}
    assert old == {f["id"] for f in first["findings"]}


def test_tables_carry_the_decision(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    target = first["findings"][0]["id"]
    decide(
        CorpusStore.open(store),
        read_report(tmp_path / "r1"),
        [target],
        Action.DISMISS,
        note="ok",
        by="T",
    )
    scan([week], store, tmp_path / "r2")
    with (tmp_path / "r2" / "findings.csv").open(newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert (rows[target]["decision"], rows[target]["decided_by"], rows[target]["note"]) == (
        "dismissed",
        "T",
        "ok",
    )
    table = pq.read_table(tmp_path / "r2" / "findings.parquet").to_pylist()
    assert {r["id"]: r["decision"] for r in table}[target] == "dismissed"


def test_reopen_makes_a_finding_undecided_and_keeps_the_history(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    target = first["findings"][0]["id"]
    for verb, note in (("dismiss", "first look"), ("reopen", "asked again")):
        code, _, err = invoke("review", verb, target, "--report", tmp_path / "r1", "--corpus",
                              store, "--note", note)  # fmt: skip
        assert code == 0, err
    _, again = scan([week], store, tmp_path / "r2")
    assert {f["id"]: f["decision"] for f in again["findings"]}[target] is None
    history = Review.of(read_decisions(CorpusStore.open(store))).history[target]
    assert [(d.action, d.note) for d in history] == [
        (Action.DISMISS, "first look"), (Action.REOPEN, "asked again")
    ]  # fmt: skip
    code, out, _ = invoke("review", "list", "--corpus", store)
    assert code == 0 and out.strip() == "no decisions"
    code, out, _ = invoke("review", "list", "--corpus", store, "--all", "--json")
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["dismiss", "reopen"]


def test_exclude_source_for_all_one_submission_or_a_term(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    path = next(f["source_path"] for f in first["findings"] if f["source_path"])
    with_source = {n for n, fs in by_name(first).items() if any(f["source"] for f in fs)}
    assert with_source == {"ann.txt", "ben.txt"}

    opened = CorpusStore.open(store)
    ann = next(s["path"] for s in first["submissions"] if s["path"].endswith("ann.txt"))
    (only_ann,) = exclude_source(
        opened, path, note="n", by="T", submissions=[ann], report=tmp_path / "r1"
    )
    _, doc = scan([week], store, tmp_path / "r2")
    left = {n for n, fs in by_name(doc).items() if any(f["source"] for f in fs)}
    assert left == {"ben.txt"}

    other_term = exclude_source(opened, path, note="n", by="T", term="Spring 2020")
    _, doc = scan([week], store, tmp_path / "r3")
    assert {n for n, fs in by_name(doc).items() if any(f["source"] for f in fs)} == {"ben.txt"}
    assert other_term[0].term == "Spring 2020"

    code, _, err = invoke("review", "exclude-source", path, "--corpus", store, "--note", "x",
                          "--term", "Fall 2026")  # fmt: skip
    assert code == 0, err
    _, doc = scan([week], store, tmp_path / "r4")
    assert not any(f["source"] for f in doc["findings"] if f["kind"] != "peer_overlap")
    assert all(f["kind"] != "unmatched_quote" for f in doc["findings"])

    # Lifting the rules brings the matches back.
    rules = [r.id for r in Review.of(read_decisions(CorpusStore.open(store))).rules]
    assert len(rules) == 3
    code, _, err = invoke("review", "reopen", *rules, "--corpus", store)
    assert code == 0, err
    _, doc = scan([week], store, tmp_path / "r5")
    assert {f["id"] for f in doc["findings"]} == {f["id"] for f in first["findings"]}
    assert only_ann.submission is not None


def test_allowed_passage_is_never_reported(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    assert any(COPIED[:40] in f["text"] for f in first["findings"])
    (tmp_path / "glossary.txt").write_text(COPIED + "\n")
    code, _, err = invoke("review", "allow-passage", tmp_path / "glossary.txt", "--corpus",
                            store, "--note", "course glossary")  # fmt: skip
    assert code == 0, err
    _, doc = scan([week], store, tmp_path / "r2")
    assert not any(COPIED[:40] in f["text"] for f in doc["findings"])
    assert similarity(doc, "ann.txt") == 0
    assert any(QUOTED[:40] in f["text"] for f in doc["findings"])


def test_corpus_remove_erases_the_students_decisions(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    ids = {n: [f["id"] for f in fs] for n, fs in by_name(first).items()}
    opened = CorpusStore.open(store)
    decide(
        opened,
        read_report(tmp_path / "r1"),
        ids["ann.txt"],
        Action.DISMISS,
        note="ann-note-7f3",
        by="T",
    )
    decide(
        opened,
        read_report(tmp_path / "r1"),
        ids["ben.txt"],
        Action.CONFIRM,
        note="ben-note-2c9",
        by="T",
    )
    # The week was never added to the store, yet its student's decisions go with --student.
    code, out, err = invoke("corpus", "remove", "--student", "Ann Park", "--corpus", store)
    assert code == 0, err
    assert f"{len(ids['ann.txt'])} review decision(s) forgotten" in out
    left = read_decisions(CorpusStore.open(store))
    assert {d.note for d in left} == {"ben-note-2c9"}
    stored = b"".join(p.read_bytes() for p in store.rglob("*") if p.is_file())
    assert b"ann-note-7f3" not in stored
    # A stored source erased takes the decisions about matches against it.
    removed = remove_documents(
        CorpusStore.open(store), Selection(paths=(str(tmp_path / "sources"),))
    )
    assert removed.ids and removed.decisions == len(ids["ben.txt"]) - sum(
        1 for f in first["findings"] if f["id"] in ids["ben.txt"] and not f["source"]
    )


def test_damaged_decisions_are_found_and_dropped(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    opened = CorpusStore.open(store)
    decide(
        opened,
        read_report(tmp_path / "r1"),
        [first["findings"][0]["id"]],
        Action.DISMISS,
        note="n",
        by="T",
    )
    (name,) = CorpusStore.open(store).decision_files
    (store / "decisions" / f"{name}.parquet").write_bytes(b"not parquet")
    report = verify_store(CorpusStore.open(store))
    assert not report.ok and report.decision_files == 1
    assert report.damage[0].dataset == "decisions"
    _, dropped = drop_damaged_parts(CorpusStore.open(store))
    assert dropped.decision_files == (name,)
    assert read_decisions(CorpusStore.open(store)) == []


@pytest.mark.not_findings  # BAD/findings.json is broken on purpose
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dismiss", "zzzz", "--note", "n"], "no finding 'zzzz'"),
        (["reopen", "FIRST", "--corpus", "STORE"], "--report is needed to find finding"),
        (["dismiss", "abc", "--note", "n"], "6 or more"),
        (["dismiss", "0123456789abcdef", "--note", "n"], "no finding '0123456789abcdef'"),
        (["dismiss", "FIRST", "--note", "  "], "--note must say why"),
        (["confirm", "FIRST", "--note", "n", "--by", " "], "--by must not be empty"),
        (["dismiss", "FIRST", "--note", "n", "--report", "NOPE"], "no report folder at"),
        (["dismiss", "FIRST", "--note", "n", "--report", "EMPTY"], "it has no findings.json"),
        (["dismiss", "FIRST", "--note", "n", "--report", "BAD"], "findings.json: not JSON"),
        (["dismiss", "FIRST", "--note", "n", "--corpus", "NOSTORE"], "no corpus store"),
        (["exclude-source", "nope.txt", "--note", "n"], "no stored document 'nope.txt'"),
        (["exclude-source", "SOURCE", "--note", "n", "--submission", "x"], "needs --report"),
        (["exclude-source", "SOURCE", "--note", "n", "--submission", "x", "--report", "R1"],
         "no submission 'x'"),
        (["exclude-source", "SOURCE", "--note", "n", "--term", " "], "--term must not be empty"),
        (["allow-passage", "MISSING", "--note", "n"], "no such file"),
        (["allow-passage", "SHORT", "--note", "n"], "needs at least 8"),
        (["allow-passage", "LATIN1", "--note", "n"], "not UTF-8"),
        (["allow-passage", "EMPTY", "--note", "n"], "a folder"),
    ],
)  # fmt: skip
def test_review_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "BAD").mkdir()
    (tmp_path / "BAD" / "findings.json").write_text("{not json")
    (tmp_path / "SHORT").write_text("too few words here\n")
    (tmp_path / "LATIN1").write_bytes("caf\xe9 ".encode("latin-1") * 20)
    values = {
        "FIRST": first["findings"][0]["id"],
        "SOURCE": next(f["source_path"] for f in first["findings"] if f["source_path"]),
        "NOPE": str(tmp_path / "nope"),
        "NOSTORE": str(tmp_path / "nostore"),
        **{k: str(tmp_path / k) for k in ("EMPTY", "BAD", "SHORT", "LATIN1", "MISSING")},
        "R1": str(tmp_path / "r1"),
        "STORE": str(store),
    }
    argv = [values.get(a, a) for a in args]
    if "--report" not in argv and argv[0] in ("dismiss", "confirm"):
        argv += ["--report", str(tmp_path / "r1")]
    if "--corpus" not in argv:
        argv += ["--corpus", str(store)]
    before = read_decisions(CorpusStore.open(store))
    code, out, err = invoke("review", *argv)
    assert code == 2, out
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert read_decisions(CorpusStore.open(store)) == before


def test_one_bad_id_records_nothing(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    code, _, err = invoke("review", "dismiss", first["findings"][0]["id"],
                          "ffffffffffffffff", "--report", tmp_path / "r1", "--corpus", store,
                          "--note", "n")  # fmt: skip
    assert code == 2 and "ffffffffffffffff" in err
    assert read_decisions(CorpusStore.open(store)) == []


def test_an_ambiguous_prefix_is_refused(tmp_path: Path) -> None:
    """Among thousands of findings two ids often share six digits: such a prefix is refused."""
    seen: dict[str, Finding] = {}
    for start in range(100_000):
        f = Finding("a" * 16, Kind.PEER_OVERLAP, start, start + 50, "x", "b" * 16, "p", 0, 50,
                    10, 1.0, 1.0)  # fmt: skip
        twin = seen.setdefault(f.id[:6], f)
        if twin is not f:
            break
    folder = ReportFolder(tmp_path, {}, "", (), (twin, f), {}, None)
    with pytest.raises(InputError, match="starts 2 finding ids"):
        folder.finding(f.id[:6])
    assert folder.finding(f.id[:7] if f.id[:7] != twin.id[:7] else f.id) is f
    with pytest.raises(InputError, match="6 or more"):
        folder.finding(f.id[:5])


def test_review_help_explains_each_command() -> None:
    for command in ("dismiss", "confirm", "reopen", "exclude-source", "allow-passage", "list"):
        code, out, _ = invoke("review", command, "--help")
        assert code == 0 and "Usage" in out


def test_allow_passage_library_returns_the_rule(tmp_path: Path) -> None:
    store, _ = make_week(tmp_path)
    (tmp_path / "p.txt").write_text(QUOTED + "\n")
    rule = allow_passage(CorpusStore.open(store), tmp_path / "p.txt", note="handout", by="T")
    assert rule.action is Action.ALLOW_PASSAGE and rule.passage == QUOTED + "\n"
    (passage,) = Review.of(read_decisions(CorpusStore.open(store))).allowed_passages()
    assert passage.role is Role.EXCLUDE and passage.text == QUOTED + "\n"


def test_a_job_stops_alerting_on_what_was_dismissed(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    job = tmp_path / "nightly.toml"
    job.write_text(
        f'[job]\ncorpus = "{store}"\n[scan]\npaths = ["{week}"]\nout = "{tmp_path}/r-{{date}}"\n'
        'fail_on = "high"\nadd_as = "none"\nrescan = true\n'
    )
    code, _, err = invoke("run", job, "--date", "2026-12-01")
    assert code == 1, err
    report = tmp_path / "r-2026-12-01"
    doc = json.loads((report / "findings.json").read_text())
    high = [f["id"] for f in doc["findings"] if f["severity"] == "high"]
    code, _, err = invoke("review", "dismiss", *high, "--report", report, "--corpus", store,
                          "--note", "cleared by the instructor")  # fmt: skip
    assert code == 0, err
    code, _, err = invoke("run", job, "--date", "2026-12-02")
    assert code == 0, err
    doc = json.loads((tmp_path / "r-2026-12-02" / "findings.json").read_text())
    assert {f["id"] for f in doc["findings"] if f["decision"] == "dismissed"} == set(high)


def test_list_shows_notes_and_names_on_one_line_without_terminal_codes(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    code, _, err = invoke("review", "dismiss", first["findings"][0]["id"], "--report",
                          tmp_path / "r1", "--corpus", store, "--note", "two\nlines \x1b[31mred",
                          "--by", "Zoë\u2028Ñ")  # fmt: skip
    assert code == 0, err
    code, out, _ = invoke("review", "list", "--corpus", store)
    assert code == 0
    assert "\x1b" not in out and "\u2028" not in out and len(out.strip().splitlines()) == 1
    assert "two\\nlines \\x1b[31mred" in out and "Zoë\\u2028Ñ" in out
    (d,) = read_decisions(CorpusStore.open(store))
    assert d.note == "two\nlines \x1b[31mred"  # kept as typed


def test_deciding_one_side_of_a_shared_passage_names_the_other(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    shared = (
        "We agreed as a group that the first session should end with one small goal the "
        "client chose for the coming week and wrote down in their own words"
    )
    (week / "ann.txt").write_text(f"{prose(41, 40)} {shared}. {prose(42, 30)}\n")
    (week / "ben.txt").write_text(f"{prose(43, 40)} {shared}. {prose(44, 30)}\n")
    _, doc = scan([week], store, tmp_path / "r1")
    found = by_name(doc)
    (mine,) = [f for f in found["ann.txt"] if f["kind"] == "peer_overlap"]
    (theirs,) = [f for f in found["ben.txt"] if f["kind"] == "peer_overlap"]
    code, out, err = invoke("review", "dismiss", mine["id"], "--report", tmp_path / "r1",
                            "--corpus", store, "--note", "group project")  # fmt: skip
    assert code == 0, err
    assert f"finding {theirs['id']} of" in out and "ben.txt" in out
    code, out, _ = invoke("review", "dismiss", mine["id"], theirs["id"], "--report",
                          tmp_path / "r1", "--corpus", store,
                          "--note", "group project")  # fmt: skip
    assert code == 0 and "other student's side" not in out


def test_the_report_shows_a_decision_at_once_as_a_new_scan_would(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    (copy,) = [f for f in by_name(first)["ann.txt"] if f["severity"] == "high"]
    code, out, err = invoke("review", "dismiss", copy["id"], "--report", tmp_path / "r1",
                            "--corpus", store, "--note", "glossary <b>")  # fmt: skip
    assert code == 0, err
    assert f"report updated: {tmp_path / 'r1'}" in out
    _, rescanned = scan([week], store, tmp_path / "r2")
    updated = json.loads((tmp_path / "r1" / "findings.json").read_text())
    assert updated["generated_at"] == first["generated_at"]  # no scan ran
    for doc in (updated, rescanned):
        doc.pop("generated_at")
    assert updated == rescanned
    assert similarity(updated, "ann.txt") == 0 < similarity(first, "ann.txt")
    for name in ("findings.csv", "submissions.csv"):
        assert (tmp_path / "r1" / name).read_bytes() == (tmp_path / "r2" / name).read_bytes()
    page = next((tmp_path / "r1" / "submissions").glob("ann-*.html")).read_text()
    assert "— dismissed" in page and "glossary &lt;b&gt;" in page


def test_no_update_leaves_the_report_and_a_report_that_cannot_be_read_back_warns(
    tmp_path: Path,
) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    before = (tmp_path / "r1" / "findings.json").read_bytes()
    target = first["findings"][0]["id"]
    code, out, _ = invoke("review", "confirm", target, "--report", tmp_path / "r1", "--corpus",
                          store, "--note", "n", "--no-update")  # fmt: skip
    assert code == 0 and "the next scan" in out
    assert (tmp_path / "r1" / "findings.json").read_bytes() == before
    next((tmp_path / "r1" / "texts").glob("ann-*.txt")).unlink()  # the decision needs no text
    code, _, err = invoke("review", "dismiss", target, "--report", tmp_path / "r1", "--corpus",
                          store, "--note", "n")  # fmt: skip
    assert code == 0 and err.startswith("warning: ") and "not updated" in err
    assert [d.action for d in read_decisions(CorpusStore.open(store))] == [
        Action.CONFIRM, Action.DISMISS
    ]  # fmt: skip


def test_decisions_written_in_another_format_are_refused(tmp_path: Path) -> None:
    store, week = make_week(tmp_path)
    _, first = scan([week], store, tmp_path / "r1")
    decide(CorpusStore.open(store), read_report(tmp_path / "r1"), [first["findings"][0]["id"]],
           Action.DISMISS, note="n", by="T")  # fmt: skip
    (name,) = CorpusStore.open(store).decision_files
    path = store / "decisions" / f"{name}.parquet"
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({b"overlap.format": b"overlap.decisions/9"}), path)
    with pytest.raises(StoreError, match=r"overlap\.decisions/9, not overlap\.decisions/1"):
        read_decisions(CorpusStore.open(store))
    code, _, err = invoke("scan", week, "--corpus", store, "--out", tmp_path / "r2", "--quiet")
    assert code == 2 and "written by another version" in err
