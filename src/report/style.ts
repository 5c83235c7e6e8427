// The report page's stylesheet, inlined into report.html by render.ts. The ladders carry their own
// colours as SVG attributes (they are also drawn outside this page); this styles the rest.

export const REPORT_CSS = `
:root {
  --ink: #1d2330; --muted: #6b7280; --line: #d9dde4; --soft: #f5f6f8;
  --good: #1c8a3c; --warn: #d08700; --bad: #c62828; --accent: #1f5fbf;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; padding: 0 24px 48px; max-width: 1200px;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink); background: #fff;
}
.report-header { display: flex; gap: 12px; align-items: baseline; padding: 14px 0 10px; border-bottom: 1px solid var(--line); margin-bottom: 8px; }
.report-header .brand { font-weight: 700; font-size: 15px; letter-spacing: .02em; }
.report-header .kind { color: var(--muted); }
section { margin: 28px 0 8px; }
h2 { font-size: 20px; margin: 0 0 6px; padding-top: 8px; border-top: 1px solid var(--line); }
h2.page-title { font-size: 26px; border-top: 0; padding-top: 0; overflow-wrap: anywhere; }
h3 { font-size: 15px; margin: 18px 0 4px; overflow-wrap: anywhere; }
p { margin: 4px 0 8px; }
p.intro, p.note, .figure-path { color: var(--muted); }
p.description { font-size: 15px; max-width: 80ch; overflow-wrap: anywhere; }
.figure-path { font-family: var(--mono); font-size: 12px; margin: 0 0 4px; }
.warning { background: #fff4e0; border: 1px solid var(--warn); padding: 6px 10px; border-radius: 6px; }
.error { background: #fdeaea; border: 1px solid var(--bad); padding: 8px 14px; border-radius: 6px; }
.mono, code { font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.small { font-size: 11.5px; }

dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 10px 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }

.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 14px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; background: var(--soft); }
.card-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card-ci { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.card-label { font-size: 12.5px; }
.card-note { font-size: 11.5px; color: var(--muted); }
.card.good .card-value { color: var(--good); }
.card.warn .card-value { color: var(--warn); }
.card.bad .card-value { color: var(--bad); }
.facts p { margin: 2px 0; font-variant-numeric: tabular-nums; }
details.config { margin: 10px 0; }
details.config summary { cursor: pointer; color: var(--accent); }
details.config pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; max-height: 360px; font-family: var(--mono); font-size: 12px; }

.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin: 2px 0 4px; }
.legend-item { display: inline-flex; align-items: center; gap: 5px; }
.chart-box { margin: 6px 0 14px; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 11px; }
svg.chart .axis text { fill: var(--ink); font-size: 11px; }
svg.chart .axis path, svg.chart .axis line { stroke: #9aa3b2; }
svg.chart .grid line { stroke: #e6e9ee; }
svg.chart .axis.categories text { font-size: 12.5px; }
svg.chart .axis-title { fill: var(--muted); font-size: 11.5px; }
svg.chart .value { fill: var(--ink); font-size: 12px; font-variant-numeric: tabular-nums; }
svg.chart .peak-label { fill: var(--ink); font-size: 12px; font-weight: 600; }
svg.chart .empty-note { fill: var(--muted); font-size: 13px; }
svg.chart .bin:hover, svg.chart g.bar:hover rect { opacity: .8; }
svg.timeseries-chart { cursor: grab; touch-action: pan-y; }
svg.timeseries-chart:active { cursor: grabbing; }
.controls { display: flex; gap: 8px; margin: 6px 0 4px; }
button { font: inherit; font-size: 12.5px; padding: 3px 10px; border: 1px solid var(--line); border-radius: 5px; background: #fff; cursor: pointer; }
button:hover { background: var(--soft); }

.ladder-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 6px; margin: 4px 0 22px; }
svg.ladder { display: block; max-width: none; }
svg.ladder g.message:hover text, svg.ladder g.timer:hover text { text-decoration: underline; }
svg.ladder g.message, svg.ladder g.timer { cursor: default; }

.tooltip {
  position: fixed; z-index: 10; pointer-events: none; max-width: 460px;
  background: #1d2330; color: #fff; padding: 6px 9px; border-radius: 5px;
  font: 12px/1.4 var(--mono); white-space: pre-wrap; overflow-wrap: anywhere; box-shadow: 0 2px 8px rgba(0,0,0,.25);
}

ul.params { margin: 6px 0; padding-left: 20px; }
.sweep-charts { display: block; }
.table-wrap { overflow: auto; max-width: 100%; border: 1px solid var(--line); border-radius: 6px; margin: 6px 0 16px; }
.table-wrap.tall { max-height: 560px; }
table.data { border-collapse: collapse; font-size: 12.5px; width: max-content; min-width: 100%; }
table.data th, table.data td { padding: 4px 10px; border-bottom: 1px solid #edf0f3; text-align: left; vertical-align: top; }
table.data th { position: sticky; top: 0; background: var(--soft); font-weight: 600; z-index: 1; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.param, table.data th.param { background: #f9fafb; }
table.data td.fate { max-width: 380px; white-space: normal; overflow-wrap: anywhere; }
table.data tr.sure td:first-child { font-weight: 650; }
table.data tbody tr:hover td { background: #f1f5fb; }

.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; margin: 12px 0; }
.side { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; background: var(--soft); }
.side h3 { margin-top: 4px; }
.big-figure { font-size: 18px; margin: 14px 0 4px; }
ol.transitions { padding-left: 0; list-style: none; margin: 6px 0 16px; }
ol.transitions li { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
.transition-head { display: flex; gap: 10px; align-items: center; }
.transition-head .count { font-weight: 700; min-width: 5ch; text-align: right; font-variant-numeric: tabular-nums; }
.transition-head .count-bar { flex: 0 0 120px; height: 10px; background: #edf0f3; border-radius: 3px; overflow: hidden; }
.transition-head .count-bar span { display: block; height: 100%; background: var(--bad); }
.transition-head .change { font-weight: 600; overflow-wrap: anywhere; }
.example { color: var(--muted); margin: 6px 0 2px; }
.diff { font-family: var(--mono); font-size: 12px; background: var(--soft); border-radius: 5px; padding: 4px 8px; overflow-x: auto; }
.diff-a { color: #1f5fbf; white-space: pre; }
.diff-b { color: #8e44ad; white-space: pre; }
@media (max-width: 760px) { .sides { grid-template-columns: 1fr; } }
`;
