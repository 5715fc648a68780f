"""The stylesheet's part for the overview's pictures (inline SVG) and its filter.

The pictures carry no style attributes, which the Content-Security-Policy would block: every
colour, line and font comes from here, through class names. Shapes, hatching and dashes say
what colour says, so the pictures read in grey and in print.
"""

from __future__ import annotations

from overlap.report.html.style import CSS

FIGURE_CSS = """
.figure { margin: 8px 0 4px; }
.figure figcaption { margin-top: 6px; }
svg.chart { display: block; width: 100%; max-width: 960px; height: auto; overflow: visible;
  font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, "Liberation Sans", sans-serif; }
.chart text { fill: var(--ink); }
.chart .tick { font-size: 11.5px; fill: var(--muted); text-anchor: middle; }
.chart .tick.y { text-anchor: end; }
.chart .title { font-size: 12px; fill: var(--muted); text-anchor: middle; }
.chart .grid { stroke: #eceef1; }
.chart .axis { stroke: #8a919b; }
.chart .bin rect { fill: #6b7480; }
.chart .none rect { fill: #c9ced5; }
.chart .bin.out rect { fill: url(#hatch); stroke: #8c1d18; stroke-width: 1; }
.chart .hatch-bg { fill: #f6d5d1; }
.chart .hatch-line { stroke: #8c1d18; stroke-width: 2; }
.chart .count { font-size: 11px; text-anchor: middle; font-variant-numeric: tabular-nums; }
.chart .break { stroke: #fff; stroke-width: 4; fill: none; }
.chart .fence { stroke: #1d2126; stroke-dasharray: 5 4; stroke-width: 1.25; }
.chart .fence-label { font-size: 11.5px; }
.chart .end { text-anchor: end; }
.chart .drop { stroke: #8c1d18; stroke-dasharray: 1 3; }
.chart .outlier circle { fill: #8c1d18; }
.chart .outlier text { fill: var(--link); }
.chart .outlier tspan { font-weight: 700; fill: var(--ink); }
.chart a:hover text, .chart a:focus text { text-decoration: underline; }
.chart a:focus { outline: 2px solid #ffd54a; }
.chart .legend-key text { font-size: 12px; fill: var(--muted); }
.chart .node { fill: #fff; stroke: #4a2a75; stroke-width: 2; }
.chart .node.first { fill: #4a2a75; }
.chart .node.unknown { stroke-dasharray: 3 2; }
.chart .ring { fill: none; stroke: #4a2a75; stroke-width: 1.25; }
.chart .join { stroke: #8f78b3; stroke-width: 1.5; marker-end: url(#arrow); }
.chart .arrow { fill: #8f78b3; }
.chart .passage { font-weight: 700; font-size: 13px; fill: var(--link); }
.chart .size { font-size: 11.5px; fill: var(--muted); }
.chart .who { font-size: 11.5px; text-anchor: middle; fill: var(--link); }
.chart .when { font-size: 10.5px; text-anchor: middle; fill: var(--muted); }
.chart .more { font-size: 12px; text-anchor: middle; fill: var(--link); }
.cluster { scroll-margin-top: 12px; }
.cluster:target { box-shadow: 0 0 0 3px #ffd54a; }
.outliers { columns: 2 18em; margin: 8px 0; padding-left: 24px; font-size: 14px; }
.outliers .pct { min-width: 0; font-weight: 600; }
table.counts { width: auto; margin-top: 6px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 20px; align-items: flex-end;
  margin: 10px 0 12px; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px;
  background: var(--soft); }
.filters .field { display: flex; flex-direction: column; gap: 3px; font-size: 13px; }
.filters .field.grow { flex: 1 1 14em; }
.filters label { color: var(--muted); }
.filters input, .filters select, .filters button { font: inherit; font-size: 14px;
  padding: 4px 6px; border: 1px solid #aab1ba; border-radius: 4px; background: #fff;
  color: var(--ink); }
.filters input[type="range"] { width: 13em; padding: 0; }
.filters button { cursor: pointer; }
.filters output { font-weight: 700; color: var(--ink); font-variant-numeric: tabular-nums; }
.filters .count { flex-basis: 100%; margin: 0; font-size: 13px; color: var(--muted); }
"""

#: The overview's stylesheet: the report's, then its pictures' and filter's.
OVERVIEW_CSS = CSS + FIGURE_CSS
