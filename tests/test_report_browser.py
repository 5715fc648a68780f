"""The demo report in a real headless browser: highlights, side-by-side panes, no payload runs.

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

import pytest

from overlap.model import ScanResult
from overlap.report.html.site import page_name
from overlap.report.html.style import COPY_SCRIPT
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
