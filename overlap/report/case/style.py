"""The case file's stylesheet: the report's, a few rules of its own, and its print rules.

In print each finding starts a page, passages are never cut inside nor clipped, and the
text is black on white; highlights keep their tint and every passage its text markers, so
the page reads the same in black and white.
"""

from __future__ import annotations

from overlap.report.html.style import CSS as REPORT_CSS

CASE_CSS = """
.kicker { margin: 0; font-size: 12px; font-weight: 700; letter-spacing: .08em;
  text-transform: uppercase; color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr);
  gap: 3px 16px; margin: 8px 0 4px; font-size: 14px; }
.facts div { display: contents; }
.facts dt, .settings dt { color: var(--muted); }
.facts dd, .settings dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
.settings { columns: 3 19em; column-gap: 28px; margin: 8px 0 4px; font-size: 12.5px; }
.settings div { display: flex; gap: 10px; break-inside: avoid; padding: 1px 0;
  border-bottom: 1px dotted var(--line); }
.settings dt { flex: 1 1 auto; }
.settings dd { flex: 0 0 auto; white-space: nowrap; }
.settings .code { font-size: inherit; word-break: normal; overflow-wrap: normal; }
.facts .flag-notes { margin: 0; }
.raw { color: var(--muted); font-size: 12.5px; }
.code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono",
  monospace; font-size: 12.5px; overflow-wrap: anywhere; word-break: break-all; }
.nowrap .code { word-break: normal; overflow-wrap: normal; }
.case-finding { margin-top: 40px; }
.case-finding > h2 { margin-top: 0; }
.case-finding .finding { margin-top: 10px; }
.review { margin: 12px 0 0; }
.review h3 { font-size: 15px; margin: 0 0 4px; }
.review h4 { font-size: 13px; margin: 10px 0 4px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .05em; }
.standing { margin: 0; }
.history, .overview, .documents { font-size: 13.5px; }
.history td:first-child { width: 13em; }
.history .raw { white-space: nowrap; font-size: 11.5px; }
.documents td { overflow-wrap: anywhere; }
.documents .meta { color: var(--muted); font-size: 12.5px; }
.documents td.digest { width: 24em; }
.case-text { white-space: pre-wrap; overflow-wrap: anywhere; }
@media print {
  @page { size: A4; margin: 16mm 14mm 18mm; }
  :root { --ink: #000; --muted: #333; --line: #999; --soft: #fff; }
  html, body { background: #fff; color: #000; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; margin: 0; }
  a { color: inherit; text-decoration: none; }
  .back, .crumbs { display: none; }
  .case-finding { break-before: page; margin-top: 0; }
  .finding, .case-finding .finding { break-inside: auto; box-shadow: none; }
  h1, h2, h3, h4, .finding header { break-after: avoid; }
  .sides { display: block; }
  .side { margin: 0 0 10px; }
  .side, .side blockquote, blockquote, .evidence, .attribution, .history tr,
  .overview tr, .documents tr { break-inside: avoid; }
  .text, .side blockquote, blockquote, .case-text { white-space: pre-wrap;
    overflow: visible; height: auto; max-height: none; }
  .text { break-inside: auto; font-size: 11pt; line-height: 1.6; padding: 0; border: 0;
    background: #fff; }
  .hl, .chip, .tag, ins, del, .glyph { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
  .side { background: #fff; }
  .side blockquote { font-size: 10.5pt; line-height: 1.55; }
  .finding { border-left-width: 4px; padding: 10px 14px; }
  .settings { columns: 3; column-gap: 18px; font-size: 8.5pt; }
  .facts { font-size: 10pt; }
  h2 { margin-top: 22px; }
}
"""

#: The whole stylesheet of a case file.
CSS = REPORT_CSS + CASE_CSS
