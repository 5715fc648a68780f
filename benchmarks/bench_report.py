"""Figures for `make bench-report`: the report of a class-sized batch, on disk and in a browser.

For each batch size (500 and 5,000 posts by default) writes a week of generated posts with
``class_batch.write_class`` (copies from 8 sources, passages shared between students, a
stock reply), adds the sources to a fresh store and scans the posts as ``overlap scan``
does, with the semantic pass off (the generated words mean nothing, and the sentence model
would pair them at random). Prints the scan time, the time to write the report folder, the
report folder's size (all files, and index.html alone), how many lines the default terminal
summary takes in 80 columns, and how long the overview takes to load in headless chromium:
from navigation start to the DOM being ready and to the load event, measured by the browser
in a frame (the median of three loads, each in a fresh profile), and how long the filter
takes to narrow the table to similarity 10% and more. Never fails on a figure;
without chromium it says so and prints the rest.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from class_batch import write_class
from rich.console import Console

from overlap.indexing.add import add_to_corpus
from overlap.model import Role
from overlap.report.brief import brief
from overlap.report.folder import write_report_folder
from overlap.scanning.files import scan_paths

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files"]  # fmt: skip
#: A page that loads the overview in a frame and writes the frame's navigation timing.
TIMER = """<!DOCTYPE html><title>timer</title><body><pre id="result"></pre>
<iframe id="frame" src="{src}" width="1280" height="900"></iframe>
<script>
document.getElementById("frame").addEventListener("load", function () {{
  var out = document.getElementById("result");
  try {{
    var win = this.contentWindow, nav = win.performance.getEntriesByType("navigation")[0];
    var paint = win.performance.getEntriesByType("paint").filter(
      function (p) {{ return p.name === "first-contentful-paint"; }});
    var doc = this.contentDocument, least = doc.getElementById("f-min");
    var started = win.performance.now();  // the filter at 10%: every row looked at
    least.value = "10";
    least.dispatchEvent(new win.Event("input", {{bubbles: true}}));
    doc.body.getBoundingClientRect();  // and laid out again
    var filtered = win.performance.now() - started;
    out.textContent = JSON.stringify({{ready: nav.domContentLoadedEventEnd,
      load: nav.loadEventStart, paint: paint.length ? paint[0].startTime : null,
      filtered: filtered, filter: doc.getElementById("filters").getAttribute("data-filter")}});
  }} catch (e) {{ out.textContent = JSON.stringify({{error: String(e)}}); }}
}});
</script></body>
"""


def chromium() -> str | None:
    """The browser to use: $CHROMIUM, else chromium on the PATH."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium")


def load_times(binary: str, page: Path, runs: int = 3) -> dict[str, Any]:
    """The overview's navigation timing in chromium (ms), the median of ``runs`` loads."""
    timer = page.parent.parent / "timer.html"  # beside the report folder, not in it
    timer.write_text(TIMER.format(src=page.as_uri()), encoding="utf-8")
    seen: list[dict[str, Any]] = []
    try:
        for _ in range(runs):
            with tempfile.TemporaryDirectory(prefix="overlap-bench-chromium-") as profile:
                done = subprocess.run(
                    [binary, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", timer.as_uri()],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
            found = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.S)
            if not found:
                return {"error": f"chromium exited with status {done.returncode}"}
            seen.append(json.loads(html.unescape(found.group(1))))
    finally:
        timer.unlink()
    if any("error" in s for s in seen):
        return {"error": next(s["error"] for s in seen if "error" in s)}
    keys = ("ready", "load", "paint", "filtered")
    out = {k: statistics.median(s[k] for s in seen) for k in keys if all(s[k] for s in seen)}
    out["script ran"] = all(s["filter"] == "ready" for s in seen)
    return out


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of the files under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def measure(root: Path, posts: int, binary: str | None) -> dict[str, Any]:
    """Generate, index, scan and measure one batch under ``root``."""
    started = time.perf_counter()
    write_class(root, posts)
    generated = time.perf_counter()
    add_to_corpus([root / "sources"], Role.SOURCE, root / "store")
    indexed = time.perf_counter()
    week = (root / "week07" / "students").resolve()
    result = scan_paths([week], root / "store", root / "report", paraphrase=False)
    scanned = time.perf_counter()
    write_report_folder(result, root / "again")
    rewritten = time.perf_counter()
    console = Console(width=80, file=io.StringIO(), record=True)
    console.print(brief(result))
    size, files = folder_size(root / "report")
    figures: dict[str, Any] = {
        "posts": posts,
        "findings": len(result.findings),
        "generate_s": round(generated - started, 2),
        "index_s": round(indexed - generated, 2),
        "scan_s": round(scanned - indexed, 2),
        "write_report_s": round(rewritten - scanned, 2),
        "report_bytes": size,
        "report_files": files,
        "index_html_bytes": (root / "report" / "index.html").stat().st_size,
        # the summary, then the line `overlap scan` prints after it: "report written to DIR"
        "terminal_lines_80": len(console.export_text().splitlines()) + 1,
    }
    if binary:
        figures["chromium_ms"] = load_times(binary, root / "report" / "index.html")
    return figures


def show(f: dict[str, Any]) -> None:
    """Print one batch's figures."""
    print(
        f"{f['posts']:,} posts: {f['findings']:,} findings; generated in {f['generate_s']} s, "
        f"sources indexed in {f['index_s']} s, scanned in {f['scan_s']} s (report folder "
        f"written again alone in {f['write_report_s']} s)"
    )
    mib = f["report_bytes"] / 2**20
    print(
        f"  report folder: {mib:.1f} MiB in {f['report_files']:,} files; index.html "
        f"{f['index_html_bytes'] / 2**20:.2f} MiB"
    )
    print(f"  terminal summary: {f['terminal_lines_80']} lines in 80 columns")
    timing = f.get("chromium_ms")
    if timing is None:
        print("  overview in chromium: not measured (chromium not found: apt-get install chromium)")
    elif "error" in timing:
        print(f"  overview in chromium: not measured ({timing['error']})")
    else:
        paint = f", first paint {timing['paint']:.0f} ms" if "paint" in timing else ""
        print(
            f"  overview in chromium (median of 3): DOM ready {timing['ready']:.0f} ms, "
            f"loaded {timing['load']:.0f} ms{paint}; its script ran: {timing['script ran']}; "
            f"the filter at 10% took {timing['filtered']:.0f} ms"
        )


def main() -> None:
    """Measure each batch size and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[500, 5_000])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    binary = chromium()
    every = []
    for posts in args.posts:
        with tempfile.TemporaryDirectory(prefix="overlap-bench-report-") as tmp:
            figures = measure(Path(tmp), posts, binary)
        every.append(figures)
        if not args.json:
            show(figures)
    if args.json:
        print(json.dumps(every, indent=2))


if __name__ == "__main__":
    main()
