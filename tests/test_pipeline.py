import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from clirun import invoke
from conftest import ROOT, prose

from overlap.errors import JobError
from overlap.jobs.run import report_folder
from overlap.jobs.spec import load_job
from overlap.model import FileError
from overlap.privacy.pseudonyms import KEY_NAME, ensure_key, pseudonym, pseudonymize_error
from overlap.store.corpus import CorpusStore


@pytest.fixture
def site(tiny_set: Path, tmp_path: Path) -> Path:
    """The shipped job files in a deployment layout: pipelines/, drop/, corpus/, reports/."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "pipelines", root / "pipelines")
    shutil.copytree(tiny_set / "sources", root / "drop" / "sources")
    shutil.copytree(tiny_set / "prior", root / "drop" / "submissions")
    shutil.copytree(tiny_set / "submissions", root / "drop" / "week")
    shutil.copy(tiny_set / "prompt.txt", root / "drop" / "prompt.txt")
    return root


def findings(folder: Path) -> list[tuple[object, ...]]:
    data = json.loads((folder / "findings.json").read_text())
    return [
        (
            f["submission"],
            f["kind"],
            f["start"],
            f["end"],
            f["source"],
            f["tfidf"],
            f["containment"],
        )
        for f in data["findings"]
    ]


def test_weekly_twice_adds_nothing_and_reports_the_same(site: Path, tmp_path: Path) -> None:
    weekly, nightly = site / "pipelines" / "weekly.toml", site / "pipelines" / "nightly.toml"
    code, out, err = invoke("run", nightly)
    assert code == 0, err
    assert "added 1 prior, 1 source document(s)" in out

    code, out, err = invoke("run", weekly, "--date", "2025-03-07")
    assert code == 1, err  # findings at or above fail_on = "high"
    assert "added 3 prior document(s)" in out and "scanned 3 submission(s)" in out
    first = site / "reports" / "weekly-2025-03-07"
    assert {"findings.json", "findings.csv", "index.html", "texts"} <= {
        p.name for p in first.iterdir()
    }
    report = (first / "findings.json").read_bytes()
    store = CorpusStore.open(site / "corpus" / "store")
    count = len(store.document_ids())

    code, out, err = invoke("run", weekly, "--date", "2025-03-07")
    assert code == 0, err
    assert (
        "added 0 document(s)" in out and "scanned 0 submission(s), skipped 3 scanned before" in out
    )
    assert "report" not in out.splitlines()[-1]
    assert len(CorpusStore.open(site / "corpus" / "store").document_ids()) == count
    assert sorted(p.name for p in (site / "reports").iterdir()) == ["weekly-2025-03-07"]
    assert (first / "findings.json").read_bytes() == report

    # --rescan scans again, into a new folder, and finds exactly the same: the posts it added
    # to the corpus last time are not matched against themselves.
    code, out, err = invoke("run", weekly, "--date", "2025-03-07", "--rescan")
    assert code == 1, err
    assert "skipped 3 already stored" in out
    assert findings(site / "reports" / "weekly-2025-03-07-2") == findings(first)
    assert len(CorpusStore.open(site / "corpus" / "store").document_ids()) == count

    # ... and the same as a plain `overlap scan` against the corpus before the week was added.
    plain_store, plain = tmp_path / "plain-store", tmp_path / "plain"
    invoke("corpus", "add", site / "drop" / "sources", "--role", "source", "--corpus", plain_store)
    invoke(
        "corpus", "add", site / "drop" / "submissions", "--role", "prior", "--corpus", plain_store
    )
    invoke("scan", site / "drop" / "week", "--corpus", plain_store, "--out", plain,
           "--exclude", site / "drop" / "prompt.txt", "--quiet")  # fmt: skip
    assert findings(plain) == findings(first)

    code, out, _ = invoke("run", nightly)
    assert code == 0 and "added 0 document(s)" in out and "skipped 2 already stored" in out


def test_a_nightly_run_of_the_week_does_not_make_it_match_itself(site: Path) -> None:
    (site / "pipelines" / "nightly.toml").write_text(
        '[job]\ncorpus = "../corpus/store"\n'
        '[add]\nsource = ["../drop/sources"]\nprior = ["../drop/submissions", "../drop/week"]\n'
    )
    assert invoke("run", site / "pipelines" / "nightly.toml")[0] == 0
    code, out, _ = invoke(
        "run", site / "pipelines" / "weekly.toml", "--date", "2025-03-07", "--json"
    )
    assert code == 1
    summary = json.loads(out)
    assert summary["scanned"] == 3 and summary["added"] == {} and summary["skipped"] == 3
    kinds = {f[1] for f in findings(Path(summary["report"]))}
    assert "prior_overlap" in kinds  # b.txt copies the prior post ...
    data = json.loads((Path(summary["report"]) / "findings.json").read_text())
    week_ids = {s["id"] for s in data["submissions"]}
    reported = data["findings"]
    assert not any(f["source"] in week_ids and f["kind"] == "prior_overlap" for f in reported)


def test_json_and_log_file(site: Path) -> None:
    log = site / "logs" / "nightly.log"
    code, out, _ = invoke("run", site / "pipelines" / "nightly.toml", "--log-file", log)
    assert code == 0 and out == ""
    lines = log.read_text().splitlines()
    assert len(lines) == 1
    assert re.match(
        r"\d{4}-\d\d-\d\dT[\d:]+\+0000 overlap\[\d+\] INFO nightly: added 1 prior, 1 source",
        lines[0],
    )
    code, out, _ = invoke("run", site / "pipelines" / "nightly.toml", "--json")
    assert code == 0
    assert json.loads(out) == {
        "job": "nightly",
        "added": {},
        "skipped": 2,
        "words": 0,
        "scanned": 0,
        "already_scanned": 0,
        "findings": None,
        "report": None,
        "errors": [],
    }


def test_a_run_logs_each_add_once(site: Path) -> None:
    job = site / "pipelines" / "all.toml"
    job.write_text(
        '[job]\ncorpus = "../corpus/store"\n'
        '[add]\nsource = ["../drop/sources"]\nprior = ["../drop/submissions"]\n'
        '[scan]\npaths = ["../drop/week"]\nout = "../reports/{job}"\n'
    )
    code, out, err = invoke("run", job)
    assert code == 0, err
    added = [line for line in out.splitlines() if "added" in line]
    assert len(added) == 1, out
    assert "all: added 4 prior, 1 source document(s)" in added[0]  # 1 + 3 posts scanned
    assert out.splitlines()[-1] == added[0]  # the run's summary, last


def test_a_scheduler_needs_the_dask_engine(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    weekly = site / "pipelines" / "weekly.toml"  # [engine] name = "local"
    for extra in ([], ["--engine", "local"]):
        code, out, err = invoke("run", weekly, "--scheduler", "tcp://head:8786", *extra)
        assert code == 2 and out == ""
        assert err.startswith("error: ") and "only --engine dask uses a scheduler" in err
        assert "Traceback" not in err and len(err.splitlines()) <= 2
    assert not (site / "corpus").exists()
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://head:8786")  # set for other, dask runs
    code, out, err = invoke("run", weekly, "--date", "2025-03-07")
    assert code == 1, err  # ran, locally: findings at or above fail_on


def test_missing_input_is_exit_2(site: Path) -> None:
    shutil.rmtree(site / "drop" / "week")
    code, _, err = invoke("run", site / "pipelines" / "weekly.toml")
    assert code == 2
    assert err.startswith("error: ") and "drop/week" in err and len(err.strip().splitlines()) == 1


def test_pseudonymized_reports_name_no_student(tmp_path: Path) -> None:
    names = ["Quentin Marlowe", "Beatrix Okafor", "Ignatius Vandersloot"]
    shared = prose(50, 40)
    week = tmp_path / "week"
    week.mkdir()
    for i, name in enumerate(names[:2]):
        (week / f"{name.split()[0].lower()}.txt").write_text(f"{prose(60 + i, 50)} {shared}\n")
    (week / "metadata.csv").write_text(
        "path,student\n" + "".join(f"{n.split()[0].lower()}.txt,{n}\n" for n in names[:2])
    )
    prior = tmp_path / "prior"
    prior.mkdir()
    (prior / "old.txt").write_text(f"{prose(70, 50)} {shared}\n")
    (prior / "metadata.csv").write_text(f"path,student,term\nold.txt,{names[2]},Fall 2023\n")
    (tmp_path / "job.toml").write_text(
        '[job]\ncorpus = "store"\n[add]\nprior = ["prior"]\n'
        '[scan]\npaths = ["week"]\nout = "reports/{week}"\npseudonymize = true\n'
    )
    code, _, err = invoke("run", tmp_path / "job.toml", "--date", "2025-03-07")
    assert code == 0, err
    report = tmp_path / "reports" / "2025-W10"
    key = (tmp_path / "store" / KEY_NAME).read_bytes()
    assert (tmp_path / "store" / KEY_NAME).stat().st_mode & 0o077 == 0
    aliases = {pseudonym(n, ensure_key(tmp_path / "store")) for n in names}
    data = json.loads((report / "findings.json").read_text())
    assert {s["student"] for s in data["submissions"]} == aliases - {
        pseudonym(names[2], ensure_key(tmp_path / "store"))
    }
    assert {f["kind"] for f in data["findings"]} == {"peer_overlap", "prior_overlap"}
    for path in report.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for name in names:
                for part in name.split():
                    assert part.lower() not in text.lower(), f"{part} in {path}"
    assert all(re.fullmatch(r"student-[0-9a-f]{8}", a) for a in aliases)
    # The same name gets the same pseudonym in every report of this store: also from `scan`.
    code, _, _ = invoke("scan", week, "--corpus", tmp_path / "store", "--out", tmp_path / "scan",
                        "--pseudonymize", "--quiet")  # fmt: skip
    students = {
        s["student"]
        for s in json.loads((tmp_path / "scan" / "findings.json").read_text())["submissions"]
    }
    assert students <= aliases
    assert (tmp_path / "store" / KEY_NAME).read_bytes() == key


JOB_ERRORS = [
    ('[scan]\npaths = ["w"]\noutt = "x"\n', "unknown key 'scan.outt' (did you mean 'scan.out'?)"),
    ('[scna]\npaths = ["w"]\n', "unknown key 'scna' (did you mean 'scan'?)"),
    ('[scan]\npaths = ["w"]\nfail_on = "hi"\n',
     "scan.fail_on must be one of never, info, low, medium, high, got 'hi'"),
    ('[job]\nlock_timeout = -1\n[add]\nsource = ["s"]\n',
     "job.lock_timeout must be a number of seconds >= 0, got -1"),
    ('[job]\nlock_timeout = true\n[add]\nsource = ["s"]\n',
     "job.lock_timeout must be a number of seconds >= 0, got True"),
    ('[scan]\npaths = 3\n', "scan.paths must be a path or a list of paths, got 3"),
    ('[scan]\npaths = ["w"]\npseudonymize = "yes"\n',
     "scan.pseudonymize must be true or false, got 'yes'"),
    ('[scan]\npaths = ["w"]\nout = "r/{day}"\n', "scan.out may use only {date}, {week}, {job}"),
    ('[scan]\npaths = ["w"]\nout = "r/{date.year}"\n', "scan.out may use only {date}"),
    ('[scan]\npaths = ["w"]\nout = "r/{date!r}"\n', "scan.out may use only {date}"),
    ('[scan]\npaths = ["w"]\nadd_as = "source"\n', "scan.add_as must be one of prior, none"),
    ('[scan]\nout = "r"\n', "scan.paths is required"),
    ('[job]\ncorpus = "s"\n', "nothing to do: give an [add] or a [scan] table"),
    ('[add]\nsource = ["s"]\n[settings]\nwindw = 3\n',
     "unknown key 'settings.windw' (did you mean 'settings.window'?)"),
    ('[add]\nsource = ["s"]\n[settings]\nwindow = 2\n', "settings: window must be >= shingle"),
    ("add = 3\n", "add must be a table ([add])"),
    ('[add]\nsource = ["s"]\n[engine]\nname = "spark"\n', "engine.name must be one of local, dask"),
    ('[add]\nsource = ["s"]\n[engine]\nworkers = 0\n', "engine.workers must be a whole number"),
    ('[add]\nsource = ["s"]\n[engine]\nnodes = 2\n', "unknown key 'engine.nodes'"),
    ('[add]\nsource = ["s"]\n[engine]\nscheduler = "tcp://h:8786"\n',
     'engine.scheduler is used only with engine.name = "dask"'),
    ("[add\n", "not valid TOML"),
    ('[scan]\npaths = ["w"]\ncommon_phrase = "lots"\n', "scan.common_phrase: common-phrase bar"),
    ('[scan]\npaths = ["w"]\ncommon_phrase = 0\n', "scan.common_phrase: common-phrase bar"),
    ('[scan]\npaths = ["w"]\ncommon_phrase = true\n', "scan.common_phrase must be a number"),
    ('[scan]\npaths = ["w"]\nparaphrase = "yes"\n', "scan.paraphrase must be true or false"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "message"), JOB_ERRORS)
def test_bad_job_files_name_the_key(tmp_path: Path, content: str, message: str) -> None:
    job = tmp_path / "weekly.toml"
    job.write_text(content)
    with pytest.raises(JobError) as caught:
        load_job(job)
    assert str(caught.value).startswith(f"{job}: ")
    assert message in str(caught.value)


def test_bad_job_file_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("weekly.toml").write_text('[scan]\npaths = ["w"]\noutt = "x"\n')
    code, _, err = invoke("run", "weekly.toml")
    assert code == 2
    assert err == "error: weekly.toml: unknown key 'scan.outt' (did you mean 'scan.out'?)\n"
    Path("nightly.toml").write_text('[add]\nsource = ["s"]\n')
    code, _, err = invoke("run", "nightly.toml", "--rescan")
    assert code == 2 and "job 'nightly' has no [scan] step for rescan" in err


@pytest.mark.parametrize(
    "template",
    [
        "reports/{nope}",
        "{date",
        "r/}",
        "{0}",
        "{}",
        "{date.year}",
        "{date[0]}",
        "{date!r}",
        "{date:>12}",
        "{job:{date}}",
    ],
)
def test_a_bad_out_template_on_the_command_line_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("weekly.toml").write_text('[scan]\npaths = ["w"]\n')
    code, out, err = invoke("run", "weekly.toml", "--out", template)
    assert code == 2 and out == ""
    assert err == (
        f"error: --out may use only {{date}}, {{week}}, {{job}} (and {{{{ }}}} for braces), "
        f"got {template!r}\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["weekly.toml"]


def test_out_templates_take_placeholders_and_escaped_braces(tmp_path: Path) -> None:
    job = tmp_path / "weekly.toml"
    job.write_text('[scan]\npaths = ["w"]\n')
    spec = load_job(job, {"scan.out": "r/{{x}}-{job}-{week}-{date}"})
    assert spec.scan is not None
    folder = report_folder(spec.scan.out, "weekly", date(2025, 3, 7))
    assert folder == Path("r/{x}-weekly-2025-W10-2025-03-07")


def test_defaults_then_file_then_command_line(tmp_path: Path) -> None:
    job = tmp_path / "jobs" / "weekly.toml"
    job.parent.mkdir()
    job.write_text('[job]\nlock_timeout = 5\n[scan]\npaths = ["../drop"]\nfail_on = "low"\n')
    spec = load_job(job)
    assert spec.name == "weekly" and spec.lock_timeout == 5
    assert spec.corpus == tmp_path / "jobs" / "corpus" / "store"  # default, beside the file
    assert spec.scan is not None
    assert spec.scan.paths == (tmp_path / "drop",)  # relative to the job file's folder
    assert (spec.scan.fail_on, spec.scan.rescan, spec.scan.add_as) == ("low", False, "prior")
    assert spec.scan.out == str(tmp_path / "jobs" / "reports" / "{job}-{date}")
    spec = load_job(
        job,
        {
            "scan.fail_on": "high",
            "scan.out": "x/{date}",
            "job.corpus": Path("c"),
            "scan.rescan": True,
            "job.lock_timeout": None,
        },
    )
    assert spec.scan is not None
    assert (spec.scan.fail_on, spec.scan.out, spec.scan.rescan) == ("high", "x/{date}", True)
    assert spec.corpus == Path("c") and spec.lock_timeout == 5  # None: not given


@pytest.mark.not_findings  # stand-ins: a folder holding a findings.json is taken
def test_report_folder_never_overwrites(tmp_path: Path) -> None:
    template = str(tmp_path / "r" / "{job}-{week}-{date}")
    first = report_folder(template, "weekly", date(2025, 1, 1))
    assert first == tmp_path / "r" / "weekly-2025-W01-2025-01-01"
    first.mkdir(parents=True)
    assert report_folder(template, "weekly", date(2025, 1, 1)) == first  # empty: reused
    (first / "findings.json").write_text("{}")
    second = report_folder(template, "weekly", date(2025, 1, 1))
    assert second.name == "weekly-2025-W01-2025-01-01-2"
    second.mkdir()
    (second / "findings.json").write_text("{}")
    assert report_folder(template, "weekly", date(2025, 1, 1)).name.endswith("-3")


def test_shipped_job_files_are_valid() -> None:
    weekly = load_job(ROOT / "pipelines" / "weekly.toml")
    nightly = load_job(ROOT / "pipelines" / "nightly.toml")
    assert weekly.scan is not None and weekly.add is None and weekly.scan.add_as == "prior"
    assert nightly.add is not None and nightly.scan is None
    assert weekly.corpus == nightly.corpus == ROOT / "corpus" / "store"


def test_pseudonyms_are_stable_keyed_and_hide_lms_names(tmp_path: Path) -> None:
    key = ensure_key(tmp_path)
    assert ensure_key(tmp_path) == key and len(key) == 32
    assert pseudonym("Jane  DOE", key) == pseudonym("jane doe", key) != pseudonym("Jane Do", key)
    assert pseudonym("Jane Doe", key) != pseudonym("Jane Doe", b"another key, 16+ bytes")
    error = FileError("week.zip!Jane Doe_123_assignsubmission_file_/essay.docx", "encrypted")
    hidden = pseudonymize_error(error, key)
    assert hidden == FileError(f"{pseudonym('Jane Doe', key)}/file.docx", "encrypted")
    assert pseudonymize_error(FileError("notes/a.pdf", "x"), key).path == "notes/a.pdf"


def test_engine_from_job_file_then_command_line(tmp_path: Path) -> None:
    job = tmp_path / "nightly.toml"
    job.write_text('[add]\nsource = ["s"]\n[engine]\nname = "dask"\nworkers = 2\n')
    spec = load_job(job)
    assert (spec.engine.name, spec.engine.scheduler, spec.engine.workers) == ("dask", None, 2)
    spec = load_job(job, {"engine.name": "local", "engine.workers": None})
    assert (spec.engine.name, spec.engine.workers) == ("local", 2)
    assert load_job(tmp_path / "nightly.toml").engine.name == "dask"
    job.write_text('[add]\nsource = ["s"]\n')
    assert load_job(job).engine.name == "local"  # the default


@pytest.mark.slow
def test_weekly_on_dask_reports_what_local_reports(site: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    reports = {}
    for name in ("local", "dask"):
        copy = tmp_path / name
        shutil.copytree(site, copy)
        weekly, nightly = copy / "pipelines" / "weekly.toml", copy / "pipelines" / "nightly.toml"
        assert invoke("run", nightly, "--engine", name, "--workers", 2)[0] == 0
        code, _, err = invoke(
            "run", weekly, "--date", "2025-03-07", "--engine", name, "--workers", 2
        )
        assert code == 1, err
        reports[name] = findings(copy / "reports" / "weekly-2025-03-07")
    assert reports["dask"] == reports["local"] and reports["local"]


def test_a_jobs_add_step_adds_as_corpus_add_does_and_stamps_its_term(tmp_path: Path) -> None:
    prior = tmp_path / "prior"
    prior.mkdir()
    (prior / "a.txt").write_text(prose(1, 60))
    (prior / "b.txt").write_text(prose(2, 60))
    (prior / "metadata.csv").write_text("path,term\nb.txt,Fall 2023\n")
    (prior / "broken.docx").write_bytes(b"not a zip")
    job = tmp_path / "nightly.toml"
    job.write_text(
        f'[job]\ncorpus = "{tmp_path / "store"}"\n'
        f'[add]\nprior = ["{prior}"]\nterm = "Spring 2026"\n'
    )
    code, out, _ = invoke("run", job, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["added"] == {"prior": 2}
    assert [e["path"] for e in report["errors"]] == [str(prior / "broken.docx")]
    terms = {Path(d.path).name: d.term for d in CorpusStore.open(tmp_path / "store").documents()}
    assert terms == {"a.txt": "Spring 2026", "b.txt": "Fall 2023"}
    # The same files through `corpus add` are already there: one rule of what is new.
    code, out, _ = invoke("corpus", "add", prior, "--role", "prior", "--corpus", tmp_path / "store")
    assert code == 0
    assert out.startswith("added 0 prior document(s) (0 words), skipped 2 already in")


def test_a_job_asking_for_a_missing_paraphrase_model_fails_before_reading(tmp_path: Path) -> None:
    week = tmp_path / "week"
    week.mkdir()
    (week / "a.txt").write_text(prose(1, 40))
    job = tmp_path / "weekly.toml"
    job.write_text(
        f'[job]\ncorpus = "{tmp_path / "store"}"\n'
        f'[scan]\npaths = ["{week}"]\nout = "{tmp_path / "r"}"\nparaphrase_model = "nope.onnx"\n'
    )
    code, _, err = invoke("run", job)
    assert code == 2
    assert err.strip() == f"error: {tmp_path / 'nope.onnx'}: no such model file"
    assert not (tmp_path / "r").exists()


def test_a_job_records_that_paraphrase_checking_was_off(site: Path) -> None:
    weekly = site / "pipelines" / "weekly.toml"
    code, _, err = invoke("run", weekly, "--out", site / "r", "--fail-on", "never")
    assert code == 0, err
    doc = json.loads((site / "r" / "findings.json").read_text())
    assert doc["settings"]["paraphrase_model"] is None
