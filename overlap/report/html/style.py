"""The report's one stylesheet and its two scripts: sorting and copying commands.

Each is inlined into the pages that use it and allowed by hash in the page's
Content-Security-Policy; no page loads anything from anywhere. The pages read the same
without script: the overview's table is sorted by similarity, and a card's commands are
text to select (their Copy buttons stay hidden).
"""

from __future__ import annotations

from overlap.model import Kind

#: Background tint and accent (underline, border) of each kind.
KIND_COLOURS: dict[Kind, tuple[str, str]] = {
    Kind.UNATTRIBUTED_COPY: ("#fbdcd7", "#b3261e"),
    Kind.PEER_OVERLAP: ("#eadff7", "#6a3fa0"),
    Kind.PRIOR_OVERLAP: ("#f3e2cf", "#8a4b14"),
    Kind.MISSING_CITATION: ("#ffe3c2", "#b45309"),
    Kind.MISCITED: ("#fcefb0", "#806400"),
    Kind.UNCITED_PARAPHRASE: ("#f9deec", "#a3306b"),
    Kind.MISSING_QUOTATION_MARKS: ("#d9e8fb", "#1f5fa8"),
    Kind.ATTRIBUTED_QUOTE: ("#dbf1e2", "#1e7a3c"),
    Kind.ATTRIBUTED_PARAPHRASE: ("#d6efec", "#0f6e66"),
    Kind.UNMATCHED_QUOTE: ("#e9eaec", "#51565e"),
    Kind.COMMON_PHRASING: ("#e6ecef", "#40555f"),
}

_KINDS = "\n".join(
    f".k-{k.value.replace('_', '-')} {{ --bg: {bg}; --ac: {ac}; }}"
    for k, (bg, ac) in KIND_COLOURS.items()
)

CSS = (
    """
:root { --ink: #1d2126; --muted: #5b636e; --line: #d9dde3; --soft: #f5f6f8; --link: #1f5fa8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Liberation Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 32px 64px; }
a { color: var(--link); }
h1 { font-size: 26px; line-height: 1.25; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 36px 0 10px; padding-bottom: 4px;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0; }
.sub { color: var(--muted); margin: 0 0 12px; }
.crumbs { font-size: 14px; margin: 0; }
.path { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 12.5px; color: var(--muted); overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 13.5px; max-width: 60em; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 4px; padding: 0;
  list-style: none; }
.stats li { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 96px;
  background: var(--soft); }
.stats b { display: block; font-size: 22px; font-variant-numeric: tabular-nums; }
.stats span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px;
  border-bottom: 1px solid var(--line); }
thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted);
  border-bottom: 2px solid var(--line); white-space: nowrap; }
th button { font: inherit; color: inherit; letter-spacing: inherit; text-transform: inherit;
  background: none; border: 0; padding: 0; cursor: pointer; }
th button::after { content: " \\2195"; opacity: .35; }
th[aria-sort="descending"] button::after { content: " \\2193"; opacity: 1; }
th[aria-sort="ascending"] button::after { content: " \\2191"; opacity: 1; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
tbody tr:hover { background: #fafbfc; }
td.zero { color: #b0b6bf; }
.who { font-weight: 600; }
td.name { min-width: 11em; overflow-wrap: anywhere; }
.bar { vertical-align: middle; margin-right: 6px; }
.bar .track { fill: #e8ebef; }
.bar .fill { fill: #b3261e; }
.pct { display: inline-block; min-width: 3.2em; text-align: right;
  font-variant-numeric: tabular-nums; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; }
.chip { display: inline-block; color: var(--ink); text-decoration: none;
  border-left: 4px solid var(--ac); background: var(--bg); padding: 0 6px;
  border-radius: 3px; font-size: 12.5px; white-space: nowrap; }
.flags { margin-top: 4px; }
.flag-notes { list-style: none; padding: 0; margin: 8px 0 0; font-size: 14px; }
.flag-notes li { margin: 3px 0; }
.flag { display: inline-block; border: 1px solid #b3261e; color: #8c1d18; border-radius: 10px;
  padding: 0 8px; font-size: 12px; white-space: nowrap; background: #fff5f4; }
.sev { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase;
  letter-spacing: .05em; padding: 1px 7px; border-radius: 3px; border: 1px solid currentColor; }
.sev-high { color: #8c1d18; } .sev-medium { color: #8a4b00; } .sev-low { color: #1f5fa8; }
.sev-info { color: #51565e; }
.hl { background: var(--bg); text-decoration-line: underline; text-decoration-color: var(--ac);
  text-underline-offset: 3px; text-decoration-skip-ink: none; color: inherit; border-radius: 2px; }
.s-high { text-decoration-style: solid; text-decoration-thickness: 3px; }
.s-medium { text-decoration-style: dashed; text-decoration-thickness: 2px; }
.s-low { text-decoration-style: dotted; text-decoration-thickness: 2px; }
.s-info { text-decoration-style: wavy; text-decoration-thickness: 1px; }
.hl.multi { outline: 1.5px solid #1d2126; outline-offset: 0; }
.tag { font: 600 11.5px/1 system-ui, -apple-system, "Segoe UI", Roboto, Arial,
    "Liberation Sans", sans-serif;
  color: var(--ac); background: #fff; border: 1px solid var(--ac); border-radius: 3px;
  padding: 1px 4px; margin: 0 2px; text-decoration: none; white-space: nowrap; vertical-align: 1px;
  }
a.tag:hover, a.tag:focus { background: var(--ac); color: #fff; }
.tag.end { font-weight: 400; border-style: dashed; }
.legend-list { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px 28px;
  grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
.legend-list .what { display: block; color: var(--muted); font-size: 13.5px; }
.legend-list .sev { margin-left: 6px; }
.reading { display: grid; grid-template-columns: minmax(0, 46em) minmax(240px, 1fr); gap: 28px;
  align-items: start; }
@media (max-width: 980px) { .reading { grid-template-columns: 1fr; } }
.aside { position: sticky; top: 12px; font-size: 14px; overflow-wrap: anywhere; min-width: 0; }
.aside h2 { font-size: 15px; margin: 0 0 8px; }
.aside .legend h2 { margin-top: 22px; }
.aside .legend-list { grid-template-columns: 1fr; }
.jump { list-style: none; padding: 0; margin: 0; display: grid; gap: 6px; }
.jump .chip { font-weight: 600; }
.jump .what { display: block; color: var(--muted); font-size: 13px; padding-left: 10px; }
.text { font: 17px/1.75 Georgia, "Iowan Old Style", "DejaVu Serif", "Liberation Serif", serif;
  white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 20px 26px;
  border: 1px solid var(--line); border-radius: 8px; background: #fffefb; }
.invis { color: #b3261e; font-size: 11px; vertical-align: 1px; padding: 0 1px; }
.glyph { background: #8c1d18; color: #fff; border-radius: 2px; }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--ac); border-radius: 8px;
  margin: 18px 0; padding: 14px 18px; scroll-margin-top: 12px; }
.finding:target { box-shadow: 0 0 0 3px #ffd54a; }
.finding header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 14px; }
.finding .help { color: var(--muted); margin: 4px 0 10px; }
.back { margin-left: auto; font-size: 13px; }
.scores { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 12px; font-size: 13.5px; }
.scores div { display: flex; gap: 6px; }
.scores dt { color: var(--muted); }
.scores dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
@media (max-width: 760px) { .sides { grid-template-columns: 1fr; } }
.side { border: 1px solid var(--line); border-radius: 6px; background: var(--soft);
  padding: 10px 14px; min-width: 0; }
.side h4 { margin: 0; font-size: 12px; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); }
.side .meta { margin: 2px 0 8px; font-size: 13.5px; overflow-wrap: anywhere; }
.side blockquote { margin: 0; font: 15px/1.65 Georgia, "DejaVu Serif", "Liberation Serif", serif;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.side .none { color: var(--muted); font-style: italic; }
.evidence { margin: -4px 0 10px; font-size: 14px; }
.diff { margin-top: 14px; }
ins { text-decoration: underline 2px; text-underline-offset: 3px; background: #dbf1e2;
  color: inherit; }
del { text-decoration: line-through 1.5px; background: #fbdcd7; color: #5b636e; }
.vh { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.cite { background: none; color: inherit; outline: 1.5px dashed var(--ink); outline-offset: 1px; }
.cite-work { background: none; color: inherit; font-weight: 700;
  text-decoration: underline 2px solid; text-underline-offset: 3px; }
.attribution { margin: 12px 0 0; display: grid; grid-template-columns: max-content 1fr;
  gap: 4px 14px; font-size: 14px; }
.attribution dt { color: var(--muted); }
.attribution dd { margin: 0; }
.problem { color: #8c1d18; font-weight: 600; }
.cluster { border: 1px solid var(--line); border-left: 6px solid #6a3fa0; border-radius: 8px;
  padding: 12px 16px; margin: 12px 0; }
.cluster ol { margin: 6px 0 8px; padding-left: 22px; }
.cluster blockquote { margin: 6px 0 0; color: #333a44;
  font: 15px/1.6 Georgia, "DejaVu Serif", serif; }
.first { font-weight: 700; color: #1e7a3c; }
.empty { color: var(--muted); font-style: italic; }
details summary { cursor: pointer; color: var(--muted); }
footer { margin-top: 48px; color: var(--muted); font-size: 12.5px; }
[hidden] { display: none !important; }
.decision { margin: 6px 0 8px; padding: 5px 10px; border-left: 4px solid; border-radius: 4px;
  font-size: 14px; overflow-wrap: anywhere; }
.decision.dismissed { border-color: #8a9099; background: #f1f2f4; }
.decision.confirmed { border-color: #1e7a3c; background: #e9f5ed; }
.finding.dismissed { border-left: 6px dashed #9aa1ab; background: #fcfcfd; }
.finding.dismissed h3, .finding.dismissed .sev { color: var(--muted); }
mark.hl.dismissed, .finding.dismissed mark.hl { background: none;
  text-decoration-color: #9aa1ab; text-decoration-thickness: 1.5px; }
.tag.dismissed, .tag.dismissed.end { color: var(--muted); border: 1px dashed #9aa1ab; }
a.tag.dismissed:hover, a.tag.dismissed:focus { background: var(--muted); color: #fff; }
.chip.dismissed { border-left-color: #9aa1ab; background: #f1f2f4; color: var(--muted); }
.review { margin-top: 14px; padding-top: 10px; border-top: 1px solid var(--line);
  font-size: 13.5px; }
.review h4 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); }
.review code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas,
  "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.fid { margin: 0 0 6px; color: var(--muted); }
.fid code { color: var(--ink); user-select: all; }
.cmd { display: flex; align-items: flex-start; gap: 8px; margin: 4px 0; }
.cmd-what { flex: 0 0 4.5em; color: var(--muted); padding-top: 3px; }
.cmd code.line { flex: 1 1 auto; min-width: 0; padding: 3px 8px; background: var(--soft);
  border: 1px solid var(--line); border-radius: 4px; white-space: pre-wrap;
  overflow-wrap: anywhere; user-select: all; }
.copy { flex: 0 0 auto; font: inherit; font-size: 12.5px; padding: 3px 10px; cursor: pointer;
  color: var(--ink); background: #fff; border: 1px solid #aab1ba; border-radius: 4px; }
.copy:hover, .copy:focus-visible { border-color: var(--link); color: var(--link); }
.copied { flex: 0 0 7.5em; color: var(--muted); font-size: 12.5px; padding-top: 3px; }
.copy[hidden] + .copied { display: none; }
.hint { margin: 6px 0 0; color: var(--muted); font-size: 12.5px; }
@media (max-width: 640px) { .cmd { flex-wrap: wrap; } .cmd-what { flex-basis: 100%; } }
@media print { .back, .crumbs, .copy, .copied { display: none; }
  .finding { break-inside: avoid; } }
"""
    + _KINDS
    + "\n"
)

#: Sorting of the overview table by any column; the table is sorted by similarity without it.
SORT_SCRIPT = """
(function () {
  var table = document.getElementById("submissions");
  if (!table) { return; }
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function value(row, col, numeric) {
    var cell = row.cells[col];
    var raw = cell.getAttribute("data-value");
    if (raw === null) { raw = cell.textContent.trim().toLowerCase(); }
    return numeric ? parseFloat(raw) || 0 : raw;
  }
  Array.prototype.forEach.call(heads, function (th) {
    var type = th.getAttribute("data-sort");
    if (!type) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var numeric = type === "number";
      var current = th.getAttribute("aria-sort");
      var descending = current ? current === "ascending" : numeric;
      var col = th.cellIndex;
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = value(a, col, numeric), y = value(b, col, numeric);
        var order = x < y ? -1 : x > y ? 1 : 0;
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    });
  });
  table.setAttribute("data-sortable", "ready");
})();
"""

#: A Copy button beside each command of a card (hidden until this runs): the clipboard where
#: the browser allows it, else the command selected and copied the old way, else selected for
#: the reader to copy. Works on a page opened from disk.
COPY_SCRIPT = """
(function () {
  function say(button, words) {
    var status = button.nextElementSibling;
    if (status) { status.textContent = words; }
  }
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function fallback(button, node) {
    var copied = false;
    try {
      select(node);
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    say(button, copied ? "Copied" : "Select and copy");
  }
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var node = document.getElementById(button.getAttribute("data-copy"));
    if (!node) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      say(button, "");
      var text = node.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { say(button, "Copied"); },
          function () { fallback(button, node); }
        );
      } else {
        fallback(button, node);
      }
    });
  });
  document.body.setAttribute("data-copy", "ready");
})();
"""
