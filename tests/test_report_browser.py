"""Reports in a real headless browser: highlights, side-by-side panes, pictures, the filter,
and no payload runs.

Needs Debian's ``chromium`` (``apt-get install -y chromium``; another binary with the
``CHROMIUM`` environment variable). Skips, saying why, where it is missing or cannot start.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from overlap.indexing.add import add_to_corpus
from overlap.model import Kind, Role, ScanResult
from overlap.report.html.site import page_name
from overlap.report.html.style import COPY_SCRIPT
from overlap.scanning.files import scan_paths
from tests.classbatch import write_class
from tests.hostile import BROKEN_NAME, IMG, PWNED, SCRIPT, Page, build_report

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT = 30

DumpDom = Callable[[list[Path]], list[Page]]


def chromium() -> str | None:
    """The browser to use: $CHROMIUM, else chromium on the PATH or at /usr/bin/chromium."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def dump_doms(binary: str, pages: list[Path], extra: Sequence[str] = ()) -> list[str]:
    """The DOM of each page after it loaded and ran its scripts, all browsers in parallel."""
    flags = [*FLAGS, *extra, "--dump-dom"]
    with tempfile.TemporaryDirectory(prefix="overlap-chromium-") as profiles:
        procs = [
            subprocess.Popen(
                [binary, *flags, f"--user-data-dir={profiles}/{i}", p.as_uri()],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            for i, p in enumerate(pages)
        ]
        doms = []
        for proc in procs:
            out, _ = proc.communicate(timeout=TIMEOUT)
            if proc.returncode or "<html" not in out:
                raise RuntimeError(f"chromium exited with status {proc.returncode}")
            doms.append(out)
    return doms


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The chromium to run; skip the module where it cannot run, after checking that a
    payload like ours does run in it when nothing stops it (so the checks below mean
    something)."""
    binary = chromium()
    if binary is None:
        pytest.skip("chromium not found: apt-get install -y chromium, or set CHROMIUM")
    canary = tmp_path_factory.mktemp("canary") / "canary.html"
    canary.write_text(f"<!DOCTYPE html><title>canary</title><body><p>{IMG}</p></body>")
    try:
        (dom,) = dump_doms(binary, [canary])
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"chromium cannot run here: {exc}")
    assert f"<title>{PWNED}</title>" in dom, "a payload must run in an unprotected page"
    return binary


@pytest.fixture(scope="module")
def dump_dom(browser: str) -> DumpDom:
    """Render pages in chromium."""

    def render(pages: list[Path]) -> list[Page]:
        return [Page(dom) for dom in dump_doms(browser, pages)]

    return render


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScanResult]:
    return build_report(tmp_path_factory.mktemp("browser"))


@pytest.mark.slow
def test_demo_report_renders_and_hostile_posts_run_nothing(
    dump_dom: DumpDom, report: tuple[Path, ScanResult]
) -> None:
    out, result = report
    subs = {Path(s.path).name: s for s in result.submissions}
    mallory = subs["mallory.txt"]
    (eve,) = [s for name, s in subs.items() if name.startswith("eve")]
    names = ["w08.txt", "w07.txt"]
    pages = [out / "index.html"] + [
        out / "submissions" / page_name(s) for s in (*(subs[n] for n in names), mallory, eve)
    ]
    index, w08, w07, *hostile = dump_dom(pages)

    # The overview ran its own script (so scripts do run here) and lists every submission.
    (table,) = [a for t, a in index.tags if t == "table" and a.get("id") == "submissions"]
    assert table.get("data-sortable") == "ready"
    assert len(index.all("button")) >= 9
    assert len(index.all("a", "who")) == len(result.submissions)
    assert index.title == "Overlap report"
    assert BROKEN_NAME in "".join(index.text)  # the unreadable file, its name shown as text
    assert not [b for b in index.all("b") if "onmouseover" in b]

    # w08: the copy disguised with look-alike letters and the passage shared with w03,
    # each highlighted and shown beside its source; the look-alike letters are boxed.
    n08 = sum(f.submission == subs["w08.txt"].id for f in result.findings)
    kinds = {c for m in w08.all("mark", "hl") for c in m["class"].split()}
    assert {"k-unattributed-copy", "k-peer-overlap", "k-unmatched-quote"} <= kinds
    assert len(w08.all("a", "tag")) == n08 and len(w08.all("article", "finding")) == n08
    assert len(w08.all("section", "mine")) == len(w08.all("section", "theirs")) == n08
    assert w08.all("span", "glyph")
    assert "Aisha Rahman" in "".join(w08.text)  # the other student, who submitted first
    assert "submitted before this one" in "".join(w08.text)
    # w07: a miscited quote shows its parsed citation beside the real source
    assert "The Righting Reflex Revisited" in "".join(w07.text)
    assert "but the passage is from Okonkwo 2022" in "".join(w07.text)

    # The hostile pages show their payloads as text and run none of them.
    for page, student in zip(hostile, (mallory.student, eve.student), strict=True):
        assert page.title == f"{student} — overlap report"
        assert PWNED not in page.title.replace(SCRIPT, "").replace(IMG, "")
        body = page.all("body")[0]
        assert "data-pwned" not in body
        assert not page.all("img")
        assert len(page.all("script")) == 1 and page.scripts == [COPY_SCRIPT]  # its own alone
        assert not [a for a in page.all("a") if a["href"].startswith("javascript:")]
        assert len(page.all("mark", "hl")) >= 2 and page.all("section", "theirs")
    shown = "".join(hostile[0].text)
    assert SCRIPT in shown and IMG in shown


#: A page (not ours) that loads a report page in a frame, clicks every Copy button in it as a
#: person would, and writes what happened into its own DOM: how many buttons there were and
#: showed, what each said after its click, and any error the page's script raised.
CLICKER = """<!DOCTYPE html><title>clicker</title><body><pre id="result"></pre>
<iframe id="frame" src="{src}"></iframe>
<script>
var frame = document.getElementById("frame");
frame.addEventListener("load", function () {{
  var out = document.getElementById("result"), errors = [];
  try {{
    var win = frame.contentWindow, doc = frame.contentDocument;
    win.addEventListener("error", function (e) {{ errors.push(String(e.message)); }});
    win.addEventListener("unhandledrejection", function (e) {{ errors.push(String(e.reason)); }});
    var buttons = Array.prototype.slice.call(doc.querySelectorAll("button.copy"));
    var shown = buttons.filter(function (b) {{ return !b.hidden; }}).length;
    buttons.forEach(function (b) {{ b.click(); }});
    setTimeout(function () {{
      var said = Array.prototype.map.call(doc.querySelectorAll(".copied"),
        function (s) {{ return s.textContent; }});
      out.textContent = JSON.stringify({{buttons: buttons.length, shown: shown, said: said,
        errors: errors, selected: String(win.getSelection())}});
    }}, 500);
  }} catch (e) {{
    out.textContent = JSON.stringify({{errors: [String(e)]}});
  }}
}});
</script></body>
"""


@pytest.mark.slow
def test_copy_buttons_show_with_script_work_from_disk_and_hide_without(
    browser: str, dump_dom: DumpDom, report: tuple[Path, ScanResult], tmp_path: Path
) -> None:
    out, result = report
    subs = {Path(s.path).name: s for s in result.submissions}
    page = out / "submissions" / page_name(subs["w08.txt"])
    commands = 2 * sum(f.submission == subs["w08.txt"].id for f in result.findings)
    # the page's own script shows a Copy button beside each command
    (shown,) = dump_dom([page])
    buttons = shown.all("button", "copy")
    assert len(buttons) == commands > 0
    assert not [b for b in buttons if "hidden" in b]
    assert shown.all("body")[0].get("data-copy") == "ready"
    # clicked, each button copies the command or selects it, and the script raises nothing
    clicker = tmp_path / "clicker.html"
    clicker.write_text(CLICKER.format(src=page.as_uri()), encoding="utf-8")
    (dom,) = dump_doms(
        browser, [clicker], ["--allow-file-access-from-files", "--virtual-time-budget=5000"]
    )
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found, dom
    clicked = json.loads(html.unescape(found.group(1)))
    assert clicked["errors"] == []
    assert clicked["buttons"] == clicked["shown"] == commands
    assert len(clicked["said"]) == commands
    assert set(clicked["said"]) <= {"Copied", "Select and copy"} and all(clicked["said"])
    if "Select and copy" in clicked["said"]:  # the last command is left selected to copy
        assert clicked["selected"].startswith("overlap review ")
    # where the page's script cannot run (here: a policy that allows none), the buttons stay
    # hidden and the commands are there to select
    blocked = tmp_path / "blocked.html"
    source = page.read_text(encoding="utf-8")
    policy = re.sub(r"script-src &#x27;sha256-[^&]+&#x27;", "script-src &#x27;none&#x27;", source)
    assert policy != source
    blocked.write_text(policy, encoding="utf-8")
    (still,) = dump_dom([blocked])
    buttons = still.all("button", "copy")
    assert len(buttons) == commands and all("hidden" in b for b in buttons)
    assert "data-copy" not in still.all("body")[0]
    assert len(still.all("code", "line")) == commands


#: A page (not ours) that loads a report's overview in a frame and writes into its own DOM
#: what a person would see: the size of each picture and of its marks, whether any element
#: in a picture is not SVG, the title and body (unchanged unless a payload ran), and, where
#: the overview's script runs, the rows left after each use of the filter.
PROBER = """<!DOCTYPE html><title>prober</title><body><pre id="result"></pre>
<iframe id="frame" src="{src}" width="1280" height="900"></iframe>
<script>
var frame = document.getElementById("frame");
frame.addEventListener("load", function () {{
  var out = document.getElementById("result"), errors = [];
  try {{
    var win = frame.contentWindow, doc = frame.contentDocument;
    win.addEventListener("error", function (e) {{ errors.push(String(e.message)); }});
    var svgNs = "http://www.w3.org/2000/svg";
    var pictures = Array.prototype.map.call(doc.querySelectorAll("svg.chart"), function (svg) {{
      var box = svg.getBoundingClientRect(), marks = [], foreign = [];
      Array.prototype.forEach.call(svg.querySelectorAll("*"), function (el) {{
        if (el.namespaceURI !== svgNs) {{ foreign.push(el.tagName); }}
      }});
      Array.prototype.forEach.call(svg.querySelectorAll("g.bin rect, g.none rect, .node"),
        function (el) {{ var b = el.getBBox(); marks.push(b.width * b.height); }});
      var texts = Array.prototype.map.call(svg.querySelectorAll("text"),
        function (t) {{ return t.getComputedTextLength(); }});
      return {{cls: svg.getAttribute("class"), width: box.width, height: box.height,
        marks: marks, texts: texts, foreign: foreign,
        links: svg.querySelectorAll("a").length, label: svg.getAttribute("aria-label")}};
    }});
    var form = doc.getElementById("filters");
    var rows = Array.prototype.slice.call(doc.querySelectorAll("#submissions tbody tr"));
    function visible() {{ return rows.filter(function (r) {{ return !r.hidden; }}).length; }}
    function set(id, value, type) {{
      var el = doc.getElementById(id);
      el.value = value;
      el.dispatchEvent(new win.Event(type, {{bubbles: true}}));
    }}
    var steps = {{}};
    steps.start = visible();
    if (!form.hidden) {{
      set("f-min", "50", "input"); steps.min50 = visible();
      steps.count = doc.getElementById("f-count").textContent;
      set("f-min", "0", "input"); set("f-kind", "peer_overlap", "change");
      steps.peer = visible();
      set("f-kind", "", "change"); set("f-who", "STUDENT_0002", "input"); steps.who = visible();
      set("f-who", "<script>", "input"); steps.markup = visible();
      steps.markupName = rows.filter(function (r) {{ return !r.hidden; }}).map(
        function (r) {{ return r.querySelector("a.who").textContent; }});
      set("f-who", "", "input"); set("f-flag", "*", "change"); steps.flag = visible();
      form.reset(); form.dispatchEvent(new win.Event("reset"));
    }}
    setTimeout(function () {{
      steps.reset = visible();
      out.textContent = JSON.stringify({{pictures: pictures, steps: steps, errors: errors,
        formHidden: form.hidden, filter: form.getAttribute("data-filter"),
        title: doc.title, pwned: doc.body.getAttribute("data-pwned"), rows: rows.length}});
    }}, 100);
  }} catch (e) {{
    out.textContent = JSON.stringify({{errors: [String(e)]}});
  }}
}});
</script></body>
"""


@pytest.fixture(scope="module")
def class_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ScanResult]:
    """60 generated posts and two hostile ones that stand out and share a passage."""
    root = tmp_path_factory.mktemp("class")
    sources, week = write_class(root, 60, hostile=True)
    add_to_corpus([sources], Role.SOURCE, root / "store")
    return root / "out", scan_paths([week], root / "store", root / "out")


def probe(browser: str, page: Path, tmp_path: Path) -> dict[str, Any]:
    """What :data:`PROBER` saw of ``page``."""
    prober = tmp_path / f"prober-{page.stem}.html"
    prober.write_text(PROBER.format(src=page.as_uri()), encoding="utf-8")
    (dom,) = dump_doms(
        browser, [prober], ["--allow-file-access-from-files", "--virtual-time-budget=5000"]
    )
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found, dom
    seen: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return seen


@pytest.mark.slow
def test_the_pictures_render_and_the_filter_works_with_hostile_names(
    browser: str, class_report: tuple[Path, ScanResult], tmp_path: Path
) -> None:
    out, result = class_report
    seen = probe(browser, out / "index.html", tmp_path)
    assert seen["errors"] == []
    assert seen["title"] == "Overlap report" and seen["pwned"] is None
    # both pictures are drawn: a size, marks with an area, text laid out, nothing but SVG
    spread, clusters = seen["pictures"]
    assert (spread["cls"], clusters["cls"]) == ("chart spread", "chart clusters")
    for picture in (spread, clusters):
        assert picture["width"] > 600 and picture["height"] > 100, picture
        assert picture["marks"] and all(area > 0 for area in picture["marks"])
        assert picture["texts"] and all(length > 0 for length in picture["texts"])
        assert picture["foreign"] == [] and picture["links"] > 0
        assert "Mallory" in picture["label"] and SCRIPT in picture["label"]  # as text
    # the filter: shown by the page's script, each control narrows the rows
    subs = result.submissions
    kinds = {s.id: {f.kind for f in result.findings if f.submission == s.id} for s in subs}
    assert not seen["formHidden"] and seen["filter"] == "ready"
    steps = seen["steps"]
    assert steps["start"] == seen["rows"] == len(subs)
    assert steps["min50"] == sum(s.similarity >= 0.5 for s in subs) > 0
    assert steps["count"] == f"Showing {steps['min50']} of {len(subs)} submissions"
    assert steps["peer"] == sum(Kind.PEER_OVERLAP in k for k in kinds.values()) > 0
    assert steps["who"] == 1  # student_0002.txt, in any case
    # markup typed into the filter is text to look for: it finds the student named so
    assert steps["markup"] == 1 and steps["markupName"] == [f"{SCRIPT}Mallory"]
    assert steps["flag"] == sum(bool(s.flags) for s in subs)
    assert steps["reset"] == len(subs)


@pytest.mark.slow
def test_without_script_the_pictures_show_and_every_row_stays(
    browser: str, class_report: tuple[Path, ScanResult], tmp_path: Path
) -> None:
    out, result = class_report
    source = (out / "index.html").read_text(encoding="utf-8")
    policy = re.sub(r"script-src &#x27;sha256-[^&]+&#x27;", "script-src &#x27;none&#x27;", source)
    assert policy != source
    blocked = out / "blocked.html"  # beside the pages it links to
    blocked.write_text(policy, encoding="utf-8")
    try:
        seen = probe(browser, blocked, tmp_path)
    finally:
        blocked.unlink()
    assert seen["errors"] == []
    assert seen["formHidden"] and seen["filter"] is None  # no dead controls
    assert seen["steps"]["start"] == seen["rows"] == len(result.submissions)
    assert [p["cls"] for p in seen["pictures"]] == ["chart spread", "chart clusters"]
    assert all(p["width"] > 600 and p["marks"] for p in seen["pictures"])
