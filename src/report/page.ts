/// <reference lib="dom" />
// The report page's script, bundled with d3 into report.html by render.ts. It reads the report
// data from the JSON block in the page and draws one of three reports: a run (headline figures,
// outcomes, time series, histograms, sample ladders), a sweep (figures against the swept
// parameter), or a comparison (side A against side B, call by call).
//
// Every string from the data reaches the page through textContent (d3 .text()): names and
// descriptions may hold any characters, and they show as they are, never as markup.

import {
  axisBottom,
  axisLeft,
  bisector,
  area,
  curveMonotoneX,
  curveStepAfter,
  format,
  line,
  max,
  min,
  scaleBand,
  scaleLinear,
  scalePoint,
  schemeTableau10,
  select,
  zoom,
  zoomIdentity,
  type BaseType,
  type ScaleLinear,
  type Selection,
  type ZoomBehavior,
  type ZoomTransform,
} from 'd3';
import { REPORT_DOM, type CompareReport, type ReportData, type RunReport, type SweepReport } from './data.ts';
import type { Histogram, TimeseriesPoint } from '../results/series.ts';
import type { Figure } from '../results/summary.ts';
import { FEATURES } from '../elements/call.ts';
import { drawLadder, LADDER_COLOURS } from './ladder-svg.ts';

type Html = Selection<HTMLElement, unknown, null, undefined>;
type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
type G = Selection<SVGGElement, unknown, null, undefined>;

const COLOURS = {
  completed: LADDER_COLOURS.success,
  rejected: '#d08700',
  dropped: LADDER_COLOURS.failure,
  active: '#7a8190',
  inbound: '#1f5fbf',
  outbound: '#8e44ad',
  relayed: '#1c8a3c',
  local: '#c76b00',
  cpu: '#0f7c8c',
  limit: '#c62828',
  bar: '#4a6fa5',
  grid: '#e6e9ee',
  muted: '#6b7280',
} as const;

// ---- small helpers ----------------------------------------------------------------------------

function el(parent: Html, tag: keyof HTMLElementTagNameMap, text?: string, cls?: string): Html {
  const s = parent.append(tag) as unknown as Html;
  if (cls !== undefined) s.attr('class', cls);
  if (text !== undefined) s.text(text);
  return s;
}

function section(id: string, title: string, intro?: string): Html {
  const s = select(document.body).append('section').attr('id', id);
  el(s, 'h2', title);
  if (intro !== undefined) el(s, 'p', intro, 'intro');
  return s;
}

const fmtInt = format(',');
/** A number as a person would write it: integers with separators, others to 3–4 significant digits. */
function num(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return fmtInt(x);
  const a = Math.abs(x);
  if (a >= 1000) return format(',.0f')(x);
  if (a >= 100) return format('.1f')(x);
  if (a >= 1) return format('.3~f')(x);
  if (a === 0) return '0';
  return format('.3~g')(x);
}

/** A percentage to three significant digits: 12.6, 100, 0.5. */
function pct(x: number): string {
  return Number.isFinite(x) ? format('.3~r')(x) : '–';
}

function signed(x: number): string {
  return x > 0 ? `+${num(x)}` : num(x);
}

interface Est {
  mean: number;
  ci: [number, number] | null;
}

function est(f: Figure | undefined): Est | null {
  if (f === undefined) return null;
  if (typeof f === 'number') return { mean: f, ci: null };
  return { mean: f.mean, ci: f.ci95 };
}

function estText(e: Est | null, scale = 1, unit = ''): string {
  if (e === null) return '–';
  const m = num(e.mean * scale) + unit;
  if (e.ci === null) return m;
  return `${m} ± ${halfWidth(e, scale)}`;
}

/** The half-width of a figure's 95 % interval, to three significant digits. */
function halfWidth(e: Est, scale = 1): string {
  if (e.ci === null) return '';
  const h = ((e.ci[1] - e.ci[0]) / 2) * scale;
  return Math.abs(h) >= 1000 ? num(Math.round(h)) : format('.3~r')(h);
}

function entriesOf(counts: Readonly<Record<string, Figure>>): Array<[string, Est]> {
  const out: Array<[string, Est]> = [];
  for (const [k, v] of Object.entries(counts)) {
    const e = est(v);
    if (e !== null) out.push([k, e]);
  }
  return out.sort((a, b) => b[1].mean - a[1].mean || (a[0] < b[0] ? -1 : 1));
}

// ---- the floating tooltip -------------------------------------------------------------------

let tooltip: Html | null = null;
let pointer = { x: 0, y: 0 };

function tip(): Html {
  if (tooltip === null) {
    tooltip = select(document.body).append('div').attr('class', 'tooltip').attr('role', 'tooltip') as unknown as Html;
    tooltip.style('display', 'none');
    document.addEventListener('pointermove', (ev) => {
      pointer = { x: ev.clientX, y: ev.clientY };
      if (tooltip !== null && tooltip.style('display') !== 'none') place();
    });
  }
  return tooltip;
}

function place(): void {
  const t = tip();
  const node = t.node()!;
  const w = node.offsetWidth,
    h = node.offsetHeight;
  let x = pointer.x + 16,
    y = pointer.y + 14;
  if (x + w > window.innerWidth - 8) x = Math.max(8, pointer.x - w - 16);
  if (y + h > window.innerHeight - 8) y = Math.max(8, pointer.y - h - 14);
  t.style('left', `${x}px`).style('top', `${y}px`);
}

function showTip(text: string | null): void {
  const t = tip();
  if (text === null) {
    t.style('display', 'none');
    return;
  }
  t.text(text).style('display', 'block');
  place();
}

/** Hovering `sel` shows the text `of(datum)` in the tooltip. */
function tooltipOn<E extends BaseType, D, P extends BaseType>(
  sel: Selection<E, D, P, unknown>,
  of: (d: D) => string,
): void {
  sel.on('pointerenter', (_ev: Event, d: D) => showTip(of(d))).on('pointerleave', () => showTip(null));
}

// ---- a legend ---------------------------------------------------------------------------------

/** Dash patterns for the lines of one chart, in order ('' is solid). */
const DASHES = ['', '7,4', '2,3', '10,3,2,3'] as const;

interface LegendItem {
  label: string;
  colour: string;
  dash?: string;
  kind?: 'line' | 'dashed' | 'box' | 'band' | 'errorbar';
}

function legend(parent: Html, items: LegendItem[]): void {
  const box = el(parent, 'div', undefined, 'legend');
  for (const it of items) {
    const item = el(box, 'span', undefined, 'legend-item');
    const svg = item.append('svg').attr('width', 26).attr('height', 12).attr('aria-hidden', 'true');
    const kind = it.kind ?? 'line';
    if (kind === 'box')
      svg.append('rect').attr('x', 4).attr('y', 1).attr('width', 18).attr('height', 10).attr('fill', it.colour);
    else if (kind === 'band') {
      svg
        .append('rect')
        .attr('x', 1)
        .attr('y', 1)
        .attr('width', 24)
        .attr('height', 10)
        .attr('fill', it.colour)
        .attr('fill-opacity', 0.18);
      svg
        .append('line')
        .attr('x1', 1)
        .attr('x2', 25)
        .attr('y1', 6)
        .attr('y2', 6)
        .attr('stroke', it.colour)
        .attr('stroke-width', 2);
    } else if (kind === 'errorbar') {
      svg
        .append('path')
        .attr('d', 'M4,6H22M4,2V10M22,2V10')
        .attr('stroke', it.colour)
        .attr('stroke-width', 1.5)
        .attr('fill', 'none');
    } else {
      svg
        .append('line')
        .attr('x1', 1)
        .attr('x2', 25)
        .attr('y1', 6)
        .attr('y2', 6)
        .attr('stroke', it.colour)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', kind === 'dashed' ? '5,3' : it.dash !== undefined && it.dash !== '' ? it.dash : null);
    }
    el(item, 'span', it.label);
  }
}

function chartWidth(parent: Html): number {
  const w = parent.node()!.getBoundingClientRect().width;
  return Math.max(560, Math.min(1140, Math.floor(w > 0 ? w : 1000)));
}

function axisTitle(g: G, text: string, x: number, y: number, rotate = false): void {
  const t = g
    .append('text')
    .attr('class', 'axis-title')
    .attr('x', x)
    .attr('y', y)
    .attr('text-anchor', 'middle')
    .text(text);
  if (rotate) t.attr('transform', `rotate(-90,${x},${y})`);
}

function gridY(g: G, y: ScaleLinear<number, number>, x0: number, x1: number, ticks: number): void {
  g.append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(y.ticks(ticks))
    .join('line')
    .attr('x1', x0)
    .attr('x2', x1)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d));
}

// ---- run: the headline -----------------------------------------------------------------------

function drawHeadline(r: RunReport, version: string): void {
  const s = section(REPORT_DOM.headline, `Run: ${r.experiment}`);
  s.select('h2').attr('class', 'page-title');
  if (r.description !== '') el(s, 'p', r.description, 'description');
  if (r.lookAt !== '') el(s, 'p', `What to look at: ${r.lookAt}`, 'look-at');
  const summary = r.summary;
  if (summary.partial)
    el(s, 'p', 'This run was interrupted: the figures cover only what was computed before it stopped.', 'warning');

  const meta = el(s, 'dl', undefined, 'meta');
  const row = (k: string, v: string, cls?: string): void => {
    el(meta, 'dt', k);
    el(meta, 'dd', v, cls);
  };
  row('platform', `${r.platform.name} (${r.platform.id})`);
  row('configuration', r.configFile);
  row('seed', String(r.seed));
  row(
    'replications',
    r.replications > 1 ? `${r.replications} (figures are means ± half-width of the 95 % confidence interval)` : '1',
  );
  const warm = est(summary.warmupSeconds);
  if (warm !== null && warm.mean > 0) row('warm-up', `${num(warm.mean)} s (calls arriving earlier are left out)`);
  row(
    'capacity (assumed)',
    `${num(r.platform.maxSessions)} sessions, ${num(r.platform.callsPerSecond)} calls/s, CPU admission at ${num(r.platform.cpuAdmissionPercent)} %`,
  );
  row('fingerprint', r.fingerprint, 'mono');
  row('cubesim', version);

  const cards = el(s, 'div', undefined, 'cards');
  const card = (label: string, e: Est | null, note?: string, tone?: string, scale = 1, unit = ''): void => {
    const c = el(cards, 'div', undefined, `card${tone !== undefined ? ` ${tone}` : ''}`);
    el(c, 'div', e === null ? '–' : num(e.mean * scale) + unit, 'card-value');
    if (e !== null && e.ci !== null) el(c, 'div', `± ${halfWidth(e, scale)}${unit} (95 % CI)`, 'card-ci');
    el(c, 'div', label, 'card-label');
    if (note !== undefined) el(c, 'div', note, 'card-note');
  };
  const offered = est(summary.calls.offered);
  const share = (e: Est | null): string | undefined =>
    e === null || offered === null || offered.mean <= 0
      ? undefined
      : `${pct((100 * e.mean) / offered.mean)} % of offered`;
  const completed = est(summary.calls.completed);
  const rejected = est(summary.calls.rejected);
  const dropped = est(summary.calls.dropped);
  card('calls offered', offered);
  card('completed', completed, share(completed), 'good');
  card('rejected', rejected, share(rejected), rejected !== null && rejected.mean > 0 ? 'warn' : undefined);
  card('dropped', dropped, share(dropped), dropped !== null && dropped.mean > 0 ? 'bad' : undefined);
  card(
    'refresh requests/s, inbound leg',
    est(summary.borderElement.refreshTransactionsPerSecond.inbound),
    'caller side of CUBE',
  );
  card(
    'refresh requests/s, outbound leg',
    est(summary.borderElement.refreshTransactionsPerSecond.outbound),
    'callee side of CUBE',
  );
  card(
    'CUBE CPU',
    est(summary.borderElement.cpuUtilisation),
    `admission control at ${num(r.platform.cpuAdmissionPercent)} %`,
    undefined,
    100,
    ' %',
  );

  const more = el(s, 'div', undefined, 'facts');
  const line2 = (label: string, parts: Array<[string, string]>): void => {
    const p = el(more, 'p');
    el(p, 'strong', `${label}: `);
    p.append('span').text(parts.map(([k, v]) => `${k} ${v}`).join(' · '));
  };
  const f = (x: Figure): string => estText(est(x));
  line2('re-INVITEs and UPDATEs at CUBE', [
    ['received', f(summary.reinvites.received)],
    ['relayed', f(summary.reinvites.relayed)],
    ['answered locally', f(summary.reinvites.answeredLocally)],
    ['rejected (488)', f(summary.reinvites.rejected)],
    ['glare (491)', f(summary.reinvites.glare)],
    ['retried', f(summary.reinvites.retried)],
  ]);
  line2('session refreshes', [
    ['sent', f(summary.refreshes.sent)],
    ['succeeded', f(summary.refreshes.succeeded)],
    ['failed', f(summary.refreshes.failed)],
    ['skipped', f(summary.refreshes.skipped)],
    ['postponed', f(summary.refreshes.postponed)],
  ]);
  line2(
    'features (succeeded / attempted)',
    FEATURES.map((k): [string, string] => [
      k,
      `${f(summary.features[k].succeeded)} / ${f(summary.features[k].attempted)}`,
    ]),
  );
  line2('SIP messages', [
    ['sent', f(summary.messages.sent)],
    ['lost', f(summary.messages.lost)],
    ['retransmitted', f(summary.messages.retransmissions)],
  ]);
  line2('simulated', [
    ['time', `${f(summary.simulatedSeconds)} s`],
    ['events', f(summary.events)],
    ['mean queueing delay at CUBE', `${f(summary.borderElement.meanQueueDelayMs)} ms`],
  ]);

  if (r.configText !== '') {
    const d = el(s, 'details', undefined, 'config');
    el(d, 'summary', `configuration: ${r.configFile}`);
    el(d, 'pre', r.configText);
  }
}

// ---- run: outcomes ----------------------------------------------------------------------------

function drawOutcomes(r: RunReport): void {
  const s = section(
    REPORT_DOM.outcomes,
    'How the calls ended',
    'Completed: ended by a normal BYE at the end of the holding time. Rejected: never established, by cause. Dropped: established, then ended by anything else, by cause.',
  );
  const summary = r.summary;
  const bars: Array<{ label: string; e: Est; colour: string; kind: string }> = [];
  const completed = est(summary.calls.completed);
  if (completed !== null) bars.push({ label: 'completed', e: completed, colour: COLOURS.completed, kind: 'completed' });
  for (const [k, e] of entriesOf(summary.rejects.byCause))
    bars.push({ label: `rejected: ${k}`, e, colour: COLOURS.rejected, kind: 'rejected' });
  for (const [k, e] of entriesOf(summary.drops.byCause))
    bars.push({ label: `dropped: ${k}`, e, colour: COLOURS.dropped, kind: 'dropped' });
  const active = est(summary.calls.active);
  if (active !== null && active.mean > 0)
    bars.push({ label: 'still active at the end', e: active, colour: COLOURS.active, kind: 'active' });
  const offered = est(summary.calls.offered);

  const items: LegendItem[] = [
    { label: 'completed', colour: COLOURS.completed, kind: 'box' },
    { label: 'rejected', colour: COLOURS.rejected, kind: 'box' },
    { label: 'dropped', colour: COLOURS.dropped, kind: 'box' },
  ];
  if (bars.some((b) => b.e.ci !== null))
    items.push({
      label: `95 % confidence interval over ${r.replications} replications`,
      colour: '#1d2330',
      kind: 'errorbar',
    });
  legend(s, items);

  const width = chartWidth(s);
  const m = { l: 250, r: 150, t: 8, b: 40 };
  const band = 30;
  const height = m.t + m.b + band * Math.max(1, bars.length);
  const svg = s
    .append('svg')
    .attr('class', 'chart outcomes-chart')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`);
  const g = svg.append('g');
  const hi = max(bars, (b) => Math.max(b.e.mean, b.e.ci?.[1] ?? 0)) ?? 1;
  const x = scaleLinear()
    .domain([0, hi > 0 ? hi : 1])
    .nice()
    .range([m.l, width - m.r]);
  const y = scaleBand<string>()
    .domain(bars.map((b) => b.label))
    .range([m.t, height - m.b])
    .padding(0.25);
  g.append('g')
    .attr('class', 'grid')
    .selectAll('line')
    .data(x.ticks(6))
    .join('line')
    .attr('x1', (d) => x(d))
    .attr('x2', (d) => x(d))
    .attr('y1', m.t)
    .attr('y2', height - m.b);
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${height - m.b})`)
    .call(
      axisBottom(x)
        .ticks(6)
        .tickFormat((d) => num(Number(d))),
    );
  axisTitle(g, 'calls', (m.l + width - m.r) / 2, height - 6);
  g.append('g')
    .attr('class', 'axis categories')
    .attr('transform', `translate(${m.l},0)`)
    .call(axisLeft(y).tickSize(0).tickPadding(8))
    .select('.domain')
    .remove();

  const rows = g.selectAll('g.bar').data(bars).join('g').attr('class', 'bar');
  rows
    .append('rect')
    .attr('x', x(0))
    .attr('y', (d) => y(d.label)!)
    .attr('height', y.bandwidth())
    .attr('width', (d) => Math.max(1, x(d.e.mean) - x(0)))
    .attr('fill', (d) => d.colour);
  const withCi = rows.filter((d) => d.e.ci !== null);
  withCi
    .append('path')
    .attr('d', (d) => {
      const cy = y(d.label)! + y.bandwidth() / 2,
        x0 = x(Math.max(0, d.e.ci![0])),
        x1 = x(d.e.ci![1]);
      return `M${x0},${cy}H${x1}M${x0},${cy - 6}V${cy + 6}M${x1},${cy - 6}V${cy + 6}`;
    })
    .attr('stroke', '#1d2330')
    .attr('stroke-width', 1.5)
    .attr('fill', 'none');
  rows
    .append('text')
    .attr('class', 'value')
    .attr('x', (d) => x(Math.max(d.e.mean, d.e.ci?.[1] ?? 0)) + 8)
    .attr('y', (d) => y(d.label)! + y.bandwidth() / 2 + 4)
    .text(
      (d) =>
        `${estText(d.e)}${offered !== null && offered.mean > 0 ? ` (${pct((100 * d.e.mean) / offered.mean)} %)` : ''}`,
    );
  tooltipOn(
    rows,
    (d) =>
      `${d.label}\n${estText(d.e)} calls${offered !== null && offered.mean > 0 ? `, ${pct((100 * d.e.mean) / offered.mean)} % of ${num(offered.mean)} offered` : ''}${d.e.ci !== null ? `\n95 % CI ${num(d.e.ci[0])} – ${num(d.e.ci[1])}` : ''}`,
  );
  if (bars.every((b) => b.kind === 'completed')) el(s, 'p', 'No call was rejected or dropped.', 'note');
}

// ---- run: time series --------------------------------------------------------------------------

interface Series {
  label: string;
  colour: string;
  value: (p: TimeseriesPoint) => number;
}

interface SeriesChart {
  title: string;
  yLabel: string;
  series: Series[];
  /** A dashed horizontal line: a configured limit. */
  limit?: { value: number; label: string };
  /** Values hold over each interval (rates, counts) rather than at its end. */
  step: boolean;
  format: (v: number) => string;
}

function drawTimeseries(r: RunReport): void {
  const s = section(
    REPORT_DOM.timeseries,
    'Over simulated time',
    `Per interval of ${r.timeseries.length > 0 ? num(r.timeseries[0]!.tEnd - r.timeseries[0]!.tStart) : '60'} simulated seconds${r.replications > 1 ? ', first replication' : ''}. The charts share their time axis: drag to pan, Ctrl or Shift + mouse wheel (or double-click) to zoom.`,
  );
  const ts = r.timeseries;
  if (ts.length === 0) {
    el(s, 'p', 'No time series in these results.', 'note');
    return;
  }
  const controls = el(s, 'div', undefined, 'controls');
  const reset = el(controls, 'button', 'Reset zoom');
  reset.attr('type', 'button');
  const zoomIn = el(controls, 'button', 'Zoom in');
  zoomIn.attr('type', 'button');
  const zoomOut = el(controls, 'button', 'Zoom out');
  zoomOut.attr('type', 'button');

  const charts: SeriesChart[] = [
    {
      title: 'Active calls',
      yLabel: 'calls',
      step: false,
      format: num,
      series: [{ label: 'active calls (at the end of each interval)', colour: '#1d2330', value: (p) => p.activeCalls }],
      limit: { value: r.platform.maxSessions, label: `platform limit ${num(r.platform.maxSessions)} sessions` },
    },
    {
      title: 'Session refresh requests per second',
      yLabel: 'requests/s',
      step: true,
      format: num,
      series: [
        { label: 'inbound leg (caller ↔ CUBE)', colour: COLOURS.inbound, value: (p) => p.refreshTpsInbound },
        { label: 'outbound leg (CUBE ↔ callee)', colour: COLOURS.outbound, value: (p) => p.refreshTpsOutbound },
      ],
    },
    {
      title: 'Mid-call re-INVITEs and UPDATEs at CUBE, per interval',
      yLabel: 'requests',
      step: true,
      format: num,
      series: [
        { label: 'relayed to the other leg', colour: COLOURS.relayed, value: (p) => p.reinvitesRelayed },
        {
          label: 'answered locally by CUBE (never reach the far end)',
          colour: COLOURS.local,
          value: (p) => p.reinvitesAnsweredLocally,
        },
      ],
    },
    {
      title: 'CUBE CPU utilisation',
      yLabel: '%',
      step: true,
      format: (v) => `${num(v)} %`,
      series: [{ label: 'CPU busy', colour: COLOURS.cpu, value: (p) => p.cpuUtilisation * 100 }],
      limit: {
        value: r.platform.cpuAdmissionPercent,
        label: `CPU admission control at ${num(r.platform.cpuAdmissionPercent)} %`,
      },
    },
    {
      title: 'Calls dropped and rejected, per interval',
      yLabel: 'calls',
      step: true,
      format: num,
      series: [
        { label: 'dropped', colour: COLOURS.dropped, value: (p) => p.drops },
        { label: 'rejected', colour: COLOURS.rejected, value: (p) => p.rejects },
      ],
    },
  ];

  const width = chartWidth(s);
  const height = 190;
  const m = { l: 68, r: 20, t: 14, b: 36 };
  const t0 = min(ts, (p) => p.tStart) ?? 0,
    t1 = max(ts, (p) => p.tEnd) ?? 1;
  const x0 = scaleLinear()
    .domain([t0, t1 > t0 ? t1 : t0 + 1])
    .range([m.l, width - m.r]);
  let x = x0;
  const endBisector = bisector((p: TimeseriesPoint) => p.tEnd);
  const updaters: Array<() => void> = [];
  const svgs: Svg[] = [];

  const zoomer: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([1, 500])
    .extent([
      [m.l, 0],
      [width - m.r, height],
    ])
    .translateExtent([
      [m.l, 0],
      [width - m.r, height],
    ])
    .filter((ev: Event) =>
      ev.type === 'wheel' ? (ev as WheelEvent).ctrlKey || (ev as WheelEvent).shiftKey : !(ev as MouseEvent).button,
    )
    .on('zoom', (ev: { transform: ZoomTransform; sourceEvent: Event | null }) => {
      x = ev.transform.rescaleX(x0);
      // Keep every chart's zoom state the same, so the next gesture starts from here on any of them.
      for (const o of svgs) (o.node() as unknown as { __zoom: ZoomTransform }).__zoom = ev.transform;
      for (const u of updaters) u();
    });

  charts.forEach((c, ci) => {
    const box = el(s, 'div', undefined, 'chart-box');
    el(box, 'h3', c.title);
    // Later series dashed: equal values on both legs stay visible as two lines.
    const items: LegendItem[] = c.series.map((se, k) => ({
      label: se.label,
      colour: se.colour,
      dash: DASHES[k % DASHES.length]!,
    }));
    const dataMax = max(ts, (p) => max(c.series, (se) => se.value(p)) ?? 0) ?? 0;
    // A limit far above the data would flatten it: then it is named instead of drawn.
    const showLimit = c.limit !== undefined && c.limit.value > 0 && c.limit.value <= Math.max(dataMax, 1e-9) * 3;
    if (c.limit !== undefined)
      items.push({
        label: showLimit ? c.limit.label : `${c.limit.label} (off the scale)`,
        colour: COLOURS.limit,
        kind: 'dashed',
      });
    legend(box, items);
    const svg = box
      .append('svg')
      .attr('class', 'chart timeseries-chart')
      .attr('width', width)
      .attr('height', height)
      .attr('viewBox', `0 0 ${width} ${height}`);
    svgs.push(svg);
    const g = svg.append('g');
    const top = Math.max(dataMax, showLimit ? c.limit!.value : 0);
    const y = scaleLinear()
      .domain([0, top > 0 ? top * 1.08 : 1])
      .nice()
      .range([height - m.b, m.t]);
    gridY(g, y, m.l, width - m.r, 4);
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(${m.l},0)`)
      .call(
        axisLeft(y)
          .ticks(4)
          .tickFormat((d) => num(Number(d))),
      );
    axisTitle(g, c.yLabel, 16, (m.t + height - m.b) / 2, true);
    const xAxis = g
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${height - m.b})`);
    axisTitle(g, 'simulated time (s)', (m.l + width - m.r) / 2, height - 4);
    const clipId = `ts-clip-${ci}`;
    svg
      .append('defs')
      .append('clipPath')
      .attr('id', clipId)
      .append('rect')
      .attr('x', m.l)
      .attr('y', 0)
      .attr('width', width - m.l - m.r)
      .attr('height', height);
    const plot = g.append('g').attr('clip-path', `url(#${clipId})`);
    const paths = c.series.map((se) =>
      plot
        .append('path')
        .attr('class', 'series')
        .attr('fill', 'none')
        .attr('stroke', se.colour)
        .attr('stroke-width', 1.8)
        .attr('stroke-dasharray', DASHES[c.series.indexOf(se) % DASHES.length]!),
    );
    const limitLine = showLimit
      ? plot
          .append('line')
          .attr('class', 'limit')
          .attr('stroke', COLOURS.limit)
          .attr('stroke-dasharray', '6,4')
          .attr('stroke-width', 1.5)
      : null;
    const rule = plot
      .append('line')
      .attr('class', 'rule')
      .attr('y1', m.t)
      .attr('y2', height - m.b)
      .attr('stroke', '#1d2330')
      .attr('stroke-opacity', 0.35)
      .style('display', 'none');

    const update = (): void => {
      xAxis.call(
        axisBottom(x)
          .ticks(Math.max(4, Math.floor(width / 110)))
          .tickFormat((d) => num(Number(d))),
      );
      c.series.forEach((se, k) => {
        const pts: Array<[number, number]> = c.step
          ? [
              ...ts.map((p): [number, number] => [p.tStart, se.value(p)]),
              [ts[ts.length - 1]!.tEnd, se.value(ts[ts.length - 1]!)],
            ]
          : [[ts[0]!.tStart, 0], ...ts.map((p): [number, number] => [p.tEnd, se.value(p)])];
        paths[k]!.attr(
          'd',
          line<[number, number]>()
            .x((d) => x(d[0]))
            .y((d) => y(d[1]))
            .curve(c.step ? curveStepAfter : curveMonotoneX)(pts) ?? '',
        );
      });
      if (limitLine !== null)
        limitLine
          .attr('x1', m.l)
          .attr('x2', width - m.r)
          .attr('y1', y(c.limit!.value))
          .attr('y2', y(c.limit!.value));
    };
    updaters.push(update);
    update();

    svg.call(zoomer).on('dblclick.zoom', null);
    svg.on('dblclick', (ev: MouseEvent) => {
      const [px] = [ev.offsetX];
      zoomer.scaleBy(svg, 2, [px, height / 2]);
    });
    svg
      .on('pointermove', (ev: PointerEvent) => {
        const rect = svg.node()!.getBoundingClientRect();
        const px = ((ev.clientX - rect.left) * width) / rect.width;
        if (px < m.l || px > width - m.r) {
          rule.style('display', 'none');
          showTip(null);
          return;
        }
        const t = x.invert(px);
        const i = Math.min(ts.length - 1, endBisector.left(ts, t));
        const p = ts[i]!;
        rule.style('display', null).attr('x1', px).attr('x2', px);
        showTip(
          `${num(p.tStart)}–${num(p.tEnd)} s\n${c.series.map((se) => `${se.label}: ${c.format(se.value(p))}`).join('\n')}`,
        );
      })
      .on('pointerleave', () => {
        rule.style('display', 'none');
        showTip(null);
      });
  });

  reset.on('click', () => zoomer.transform(svgs[0]!, zoomIdentity));
  zoomIn.on('click', () => zoomer.scaleBy(svgs[0]!, 2));
  zoomOut.on('click', () => zoomer.scaleBy(svgs[0]!, 0.5));
}

// ---- run: histograms -------------------------------------------------------------------------

function decimalsFor(step: number): number {
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
}

function drawHistogram(parent: Html, h: Histogram, title: string, colour: string, empty: string, what: string): void {
  const box = el(parent, 'div', undefined, 'chart-box');
  el(box, 'h3', title);
  const total = h.counts.reduce((a, b) => a + b, 0) + h.over;
  const items: LegendItem[] = [
    { label: `${what} per ${num(h.binWidth)} ${h.unit} bin (${num(total)} in all)`, colour, kind: 'box' },
  ];
  if (h.over > 0)
    items.push({
      label: `${num(h.over)} past ${num(h.start + h.counts.length * h.binWidth)} ${h.unit}`,
      colour: '#9aa3b2',
      kind: 'box',
    });
  legend(box, items);
  const width = chartWidth(parent);
  const height = 220;
  const m = { l: 64, r: 24, t: 30, b: 40 };
  const svg = box
    .append('svg')
    .attr('class', 'chart histogram-chart')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`);
  const g = svg.append('g');

  let last = -1;
  h.counts.forEach((c, i) => {
    if (c > 0) last = i;
  });
  // Show from the start to a little past the last non-empty bin (all of it when some are past it).
  const shown =
    h.over > 0 || last < 0
      ? h.counts.length
      : Math.min(h.counts.length, last + 1 + Math.max(2, Math.ceil((last + 1) * 0.1)));
  const bins = h.counts
    .slice(0, Math.max(1, shown))
    .map((count, i) => ({ from: h.start + i * h.binWidth, to: h.start + (i + 1) * h.binWidth, count, over: false }));
  const overBin =
    h.over > 0
      ? {
          from: h.start + h.counts.length * h.binWidth,
          to: h.start + (h.counts.length + Math.max(1, Math.round(h.counts.length / 25))) * h.binWidth,
          count: h.over,
          over: true,
        }
      : null;
  const all = overBin === null ? bins : [...bins, overBin];
  const xEnd = all[all.length - 1]!.to;
  const x = scaleLinear()
    .domain([h.start, xEnd])
    .range([m.l, width - m.r]);
  const yMax = max(all, (b) => b.count) ?? 0;
  const y = scaleLinear()
    .domain([0, yMax > 0 ? yMax : 1])
    .nice()
    .range([height - m.b, m.t]);
  gridY(g, y, m.l, width - m.r, 4);
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(${m.l},0)`)
    .call(
      axisLeft(y)
        .ticks(4)
        .tickFormat((d) => num(Number(d))),
    );
  axisTitle(g, what, 16, (m.t + height - m.b) / 2, true);
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(0,${height - m.b})`)
    .call(
      axisBottom(x)
        .ticks(Math.max(4, Math.floor(width / 100)))
        .tickFormat((d) => num(Number(d))),
    );
  axisTitle(g, `${h.label} (${h.unit})`, (m.l + width - m.r) / 2, height - 4);

  const dec = decimalsFor(h.binWidth);
  const range = (b: { from: number; to: number; over: boolean }): string =>
    b.over ? `${b.from.toFixed(dec)} ${h.unit} or more` : `${b.from.toFixed(dec)}–${b.to.toFixed(dec)} ${h.unit}`;
  const rects = g
    .append('g')
    .selectAll('rect')
    .data(all)
    .join('rect')
    .attr('class', (d) => (d.over ? 'bin over' : 'bin'))
    .attr('x', (d) => x(d.from) + 0.5)
    .attr('width', (d) => Math.max(1, x(d.to) - x(d.from) - 1))
    .attr('y', (d) => y(d.count))
    .attr('height', (d) => y(0) - y(d.count))
    .attr('fill', (d) => (d.over ? '#9aa3b2' : colour));
  tooltipOn(rects, (d) => `${range(d)}: ${num(d.count)} ${what}`);

  if (total === 0) {
    g.append('text')
      .attr('class', 'empty-note')
      .attr('x', (m.l + width - m.r) / 2)
      .attr('y', (m.t + height - m.b) / 2)
      .attr('text-anchor', 'middle')
      .text(empty);
    return;
  }
  // Name the tallest bin: a pile-up at one instant (a timer) shows here.
  let tallest = all[0]!;
  for (const b of all) if (b.count > tallest.count) tallest = b;
  const share = (100 * tallest.count) / total;
  const tx = x((tallest.from + tallest.to) / 2);
  const anchor = tx > width - 200 ? 'end' : tx < m.l + 120 ? 'start' : 'middle';
  g.append('text')
    .attr('class', 'peak-label')
    .attr('x', tx)
    .attr('y', y(tallest.count) - 6)
    .attr('text-anchor', anchor)
    .text(`${range(tallest)}: ${num(tallest.count)} (${pct(share)} % of all)`);
}

function drawHistograms(r: RunReport): void {
  const s = section(
    REPORT_DOM.histograms,
    'Distributions',
    `First replication${r.replications > 1 ? ` of ${r.replications}` : ''}. A tall narrow peak means many calls met the same timer: look at its position.`,
  );
  drawHistogram(
    s,
    r.histograms.callLength,
    'Call length, from answer to end',
    COLOURS.bar,
    'no call was answered and ended',
    'calls',
  );
  drawHistogram(
    s,
    r.histograms.refreshLatency,
    'Time from a refresh falling due to its 2xx',
    COLOURS.inbound,
    'no refresh was answered',
    'refreshes',
  );
  drawHistogram(
    s,
    r.histograms.dropMoments,
    'When dropped calls ended, measured from answer',
    COLOURS.dropped,
    'no call was dropped',
    'dropped calls',
  );
}

// ---- run: ladders ----------------------------------------------------------------------------

function drawLadders(r: RunReport): void {
  const s = section(
    REPORT_DOM.ladders,
    'Sample calls',
    'The first call of each outcome, replayed with its full SIP ladder: caller, the two sides of CUBE, callee; time runs down. Orange lines run from the moment a session timer starts to when its refresh is due (◆) or when that side gives up without one (▬). Hover a message or a timer for its details.',
  );
  if (r.ladders.length === 0) {
    el(s, 'p', 'No sample calls in these results.', 'note');
    return;
  }
  const width = chartWidth(s) - 16;
  for (const sample of r.ladders) {
    el(s, 'h3', sample.title);
    const wrap = el(s, 'div', undefined, 'ladder-wrap');
    const svg = wrap.append('svg').attr('class', REPORT_DOM.ladderClass);
    drawLadder(svg, sample, { width, onHover: showTip });
  }
}

// ---- sweep -----------------------------------------------------------------------------------

function drawSweep(sw: SweepReport): void {
  const s = section(REPORT_DOM.sweep, `Sweep: ${sw.experiment}`);
  s.select('h2').attr('class', 'page-title');
  const ul = el(s, 'ul', undefined, 'params');
  for (const p of sw.params) {
    const li = el(ul, 'li');
    el(li, 'code', p.path);
    li.append('span').text(` = ${p.values.map(String).join(', ')}`);
  }
  el(
    s,
    'p',
    `${sw.rows.length} points. Each line below is one combination of the other parameters; the shaded band is the 95 % confidence interval over the replications of each point.`,
    'intro',
  );
  if (sw.rows.length === 0 || sw.params.length === 0) {
    el(s, 'p', 'No points in this sweep.', 'note');
    return;
  }

  const first = sw.params[0]!;
  const others = sw.params.slice(1);
  const shortName = (path: string): string => path.split('.').slice(-2).join('.');
  const groupKey = (values: Record<string, unknown>): string =>
    others.map((p) => `${shortName(p.path)} = ${String(values[p.path])}`).join(', ');
  const groups = [...new Set(sw.rows.map((r) => groupKey(r.values)))];
  const colour = (k: string): string => schemeTableau10[groups.indexOf(k) % schemeTableau10.length]!;
  const dashOf = (k: string): string => DASHES[groups.indexOf(k) % DASHES.length]!;
  const numericX = first.values.every((v) => typeof v === 'number');

  const keys = new Set<string>();
  for (const r of sw.rows) for (const k of Object.keys(r.figures)) keys.add(k);
  const figures = [
    'calls.dropped',
    ...[...keys].filter((k) => k.startsWith('drops.byCause.')).sort(),
    'borderElement.refreshTransactionsPerSecond.inbound',
    'borderElement.refreshTransactionsPerSecond.outbound',
    'refreshes.sent',
    'calls.rejected',
  ];
  const titles: Record<string, string> = {
    'calls.dropped': 'Calls dropped',
    'borderElement.refreshTransactionsPerSecond.inbound': 'Refresh requests per second, inbound leg',
    'borderElement.refreshTransactionsPerSecond.outbound': 'Refresh requests per second, outbound leg',
    'refreshes.sent': 'Session refreshes sent',
    'calls.rejected': 'Calls rejected',
  };

  const width = chartWidth(s);
  const height = 240;
  const m = { l: 68, r: 24, t: 16, b: 42 };
  const grid = el(s, 'div', undefined, 'sweep-charts');
  figures.forEach((fig) => {
    const box = el(grid, 'div', undefined, 'chart-box');
    el(box, 'h3', titles[fig] ?? `Dropped: ${fig.slice('drops.byCause.'.length)}`);
    el(box, 'p', fig, 'figure-path');
    const items: LegendItem[] = groups.map((k) => ({
      label: k === '' ? 'all points' : k,
      colour: colour(k),
      dash: dashOf(k),
    }));
    if (sw.rows.some((r) => (r.figures[fig]?.halfWidth ?? null) !== null))
      items.push({ label: '95 % confidence interval', colour: '#6b7280', kind: 'band' });
    legend(box, items);
    const svg = box
      .append('svg')
      .attr('class', 'chart sweep-chart')
      .attr('width', width)
      .attr('height', height)
      .attr('viewBox', `0 0 ${width} ${height}`);
    const g = svg.append('g');
    const val = (r: SweepReport['rows'][number]): { mean: number; hw: number | null } => {
      const f = r.figures[fig];
      return { mean: f?.mean ?? 0, hw: f?.halfWidth ?? null };
    };
    const hi = max(sw.rows, (r) => val(r).mean + (val(r).hw ?? 0)) ?? 0;
    const y = scaleLinear()
      .domain([0, hi > 0 ? hi * 1.05 : 1])
      .nice()
      .range([height - m.b, m.t]);
    const xNum = numericX
      ? scaleLinear()
          .domain([min(first.values as number[]) ?? 0, max(first.values as number[]) ?? 1])
          .range([m.l + 20, width - m.r - 20])
      : null;
    const xCat = numericX
      ? null
      : scalePoint<string>()
          .domain(first.values.map(String))
          .range([m.l + 40, width - m.r - 40]);
    const xOf = (v: unknown): number => (xNum !== null ? xNum(Number(v)) : (xCat!(String(v)) ?? m.l));
    gridY(g, y, m.l, width - m.r, 5);
    g.append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(${m.l},0)`)
      .call(
        axisLeft(y)
          .ticks(5)
          .tickFormat((d) => num(Number(d))),
      );
    const xAxisG = g
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${height - m.b})`);
    if (xNum !== null)
      xAxisG.call(
        axisBottom(xNum)
          .tickValues(first.values as number[])
          .tickFormat((d) => num(Number(d))),
      );
    else xAxisG.call(axisBottom(xCat!));
    axisTitle(g, first.path, (m.l + width - m.r) / 2, height - 6);
    axisTitle(
      g,
      fig.includes('PerSecond') ? 'requests/s' : fig === 'refreshes.sent' ? 'refreshes' : 'calls',
      16,
      (m.t + height - m.b) / 2,
      true,
    );

    for (const k of groups) {
      const pts = sw.rows
        .filter((r) => groupKey(r.values) === k)
        .map((r) => ({ x: xOf(r.values[first.path]), ...val(r), row: r }))
        .sort((a, b) => a.x - b.x);
      const c = colour(k);
      const banded = pts.filter((p) => p.hw !== null);
      if (banded.length > 0) {
        g.append('path')
          .attr('class', 'band')
          .attr('fill', c)
          .attr('fill-opacity', 0.15)
          .attr(
            'd',
            area<(typeof banded)[number]>()
              .x((p) => p.x)
              .y0((p) => y(Math.max(0, p.mean - p.hw!)))
              .y1((p) => y(p.mean + p.hw!))(banded) ?? '',
          );
      }
      g.append('path')
        .attr('class', 'series')
        .attr('fill', 'none')
        .attr('stroke', c)
        .attr('stroke-width', 2)
        .attr('stroke-dasharray', dashOf(k))
        .attr(
          'd',
          line<(typeof pts)[number]>()
            .x((p) => p.x)
            .y((p) => y(p.mean))(pts) ?? '',
        );
      const dots = g
        .append('g')
        .selectAll('circle')
        .data(pts)
        .join('circle')
        .attr('cx', (p) => p.x)
        .attr('cy', (p) => y(p.mean))
        .attr('r', 4)
        .attr('fill', c);
      tooltipOn(dots, (p) =>
        [
          `point ${p.row.point}`,
          ...sw.params.map((q) => `${q.path} = ${String(p.row.values[q.path])}`),
          `${fig}: ${num(p.mean)}${p.hw !== null ? ` ± ${num(p.hw)}` : ''}`,
        ].join('\n'),
      );
    }
  });

  // The full table.
  el(s, 'h3', 'All points');
  const figKeys = [...keys]
    .filter((k) => k !== 'seed' && k !== 'warmupSeconds' && sw.rows.some((r) => Number.isFinite(r.figures[k]?.mean)))
    .sort();
  const wrap = el(s, 'div', undefined, 'table-wrap');
  const table = el(wrap, 'table', undefined, 'data');
  const head = el(el(table, 'thead'), 'tr');
  el(head, 'th', 'point');
  for (const p of sw.params) el(head, 'th', p.path, 'param');
  for (const k of figKeys) el(head, 'th', k);
  const body = el(table, 'tbody');
  for (const r of sw.rows) {
    const tr = el(body, 'tr');
    el(tr, 'td', String(r.point), 'num');
    for (const p of sw.params) el(tr, 'td', String(r.values[p.path]), 'param');
    for (const k of figKeys) {
      const f = r.figures[k];
      el(
        tr,
        'td',
        f === undefined ? '–' : `${num(f.mean)}${f.halfWidth !== null ? ` ± ${num(f.halfWidth)}` : ''}`,
        'num',
      );
    }
  }
}

// ---- compare ---------------------------------------------------------------------------------

function drawCompare(c: CompareReport): void {
  const s = section(REPORT_DOM.compare, `Compare: ${c.experiment}`);
  s.select('h2').attr('class', 'page-title');
  el(
    s,
    'p',
    `The same seeded calls (seed ${String(c.seed)}, ${c.replications} replication${c.replications === 1 ? '' : 's'}) through two configurations: call k has the same arrival, holding time and planned features on both sides, so a call whose fate differs changed because of the configuration.`,
    'intro',
  );

  const sides = el(s, 'div', undefined, 'sides');
  for (const [name, side] of [
    ['A', c.a],
    ['B', c.b],
  ] as const) {
    const card = el(sides, 'div', undefined, 'side');
    el(card, 'h3', `Side ${name}`);
    const dl = el(card, 'dl', undefined, 'meta');
    const row = (k: string, v: string): void => {
      el(dl, 'dt', k);
      el(dl, 'dd', v);
    };
    row('configuration', side.config);
    row('platform', side.platform);
    row('midcall-signaling', side.midcallSignaling === '' ? 'not configured' : side.midcallSignaling);
    row('min-se', `${num(side.minSe)} s`);
    row('overrides', side.set.length === 0 ? 'none' : side.set.join('  '));
  }

  const calls = c.calls[0] ?? 0,
    changed = c.changedCalls[0] ?? 0;
  const headline = el(s, 'p', undefined, 'big-figure');
  el(headline, 'strong', `${num(changed)} of ${num(calls)} calls changed fate`);
  headline
    .append('span')
    .text(
      calls > 0 ? ` (${pct((100 * changed) / calls)} %)${c.replications > 1 ? ' in the first replication' : ''}` : '',
    );
  if (c.replications > 1)
    el(
      s,
      'p',
      `Per replication: ${c.changedCalls.map((n, i) => `${num(n)} of ${num(c.calls[i] ?? 0)}`).join(', ')}.`,
      'note',
    );

  el(s, 'h3', 'What changed, and where the two ladders first part');
  if (c.transitions.length === 0) el(s, 'p', 'No call changed fate.', 'note');
  const list = el(s, 'ol', undefined, 'transitions');
  const top = max(c.transitions, (t) => t.count) ?? 1;
  for (const t of c.transitions) {
    const li = el(list, 'li');
    const head = el(li, 'div', undefined, 'transition-head');
    el(head, 'span', `${num(t.count)} ×`, 'count');
    const barBox = el(head, 'span', undefined, 'count-bar');
    el(barBox, 'span').style('width', `${Math.max(2, (100 * t.count) / top)}%`);
    el(head, 'span', t.change, 'change');
    const d = t.firstDifference;
    el(
      li,
      'div',
      d === null
        ? `e.g. call ${t.exampleCall} (no ladder difference recorded)`
        : `e.g. call ${t.exampleCall}, first difference at ${d.at.toFixed(3)} s:`,
      'example',
    );
    if (d !== null) {
      const pre = el(li, 'div', undefined, 'diff');
      el(pre, 'div', `A: ${d.a}`, 'diff-a');
      el(pre, 'div', `B: ${d.b}`, 'diff-b');
    }
  }

  el(s, 'h3', 'Figures that moved (B − A)');
  const moved = Object.entries(c.deltas)
    .filter(([, d]) => d.delta !== 0 || d.a !== d.b)
    .sort((p, q) => (p[0] < q[0] ? -1 : 1));
  if (moved.length === 0) el(s, 'p', 'No summary figure moved.', 'note');
  else {
    el(
      s,
      'p',
      c.replications > 1
        ? 'Paired replication by replication; a change whose 95 % interval excludes 0 is marked.'
        : 'One replication: no confidence interval.',
      'note',
    );
    const wrap = el(s, 'div', undefined, 'table-wrap');
    const table = el(wrap, 'table', undefined, 'data deltas');
    const hr = el(el(table, 'thead'), 'tr');
    for (const h of ['figure', 'A', 'B', 'change', '95 % CI of the change']) el(hr, 'th', h);
    const body = el(table, 'tbody');
    for (const [k, d] of moved) {
      const sure = d.ci95 !== null && (d.ci95[0] > 0 || d.ci95[1] < 0);
      const tr = el(body, 'tr', undefined, sure ? 'sure' : undefined);
      el(tr, 'td', k, 'mono');
      el(tr, 'td', num(d.a), 'num');
      el(tr, 'td', num(d.b), 'num');
      el(tr, 'td', signed(d.delta), 'num');
      el(tr, 'td', d.ci95 === null ? '–' : `${num(d.ci95[0])} … ${num(d.ci95[1])}${sure ? '  ✱' : ''}`, 'num');
    }
  }

  el(s, 'h3', `Changed calls${c.changed.length >= 500 ? ' (the first 500)' : ''}`);
  if (c.changed.length === 0) {
    el(s, 'p', 'None.', 'note');
    return;
  }
  const wrap = el(s, 'div', undefined, 'table-wrap tall');
  const table = el(wrap, 'table', undefined, 'data changed');
  const hr = el(el(table, 'thead'), 'tr');
  for (const h of [
    'call',
    'fate in A',
    'fate in B',
    'ladders part at (s)',
    'first difference in A',
    'first difference in B',
  ])
    el(hr, 'th', h);
  const body = el(table, 'tbody');
  for (const r of c.changed) {
    const tr = el(body, 'tr');
    el(tr, 'td', String(r.call), 'num');
    el(tr, 'td', r.a, 'fate');
    el(tr, 'td', r.b, 'fate');
    el(tr, 'td', r.divergedAt === null ? '–' : r.divergedAt.toFixed(3), 'num');
    el(tr, 'td', r.firstA, 'mono small');
    el(tr, 'td', r.firstB, 'mono small');
  }
}

// ---- start -----------------------------------------------------------------------------------

function pageHeader(kind: string, version: string): void {
  const h = select(document.body).append('header').attr('class', 'report-header');
  el(h, 'span', 'cubesim', 'brand');
  el(h, 'span', `${kind} report${version !== '' ? ` · cubesim ${version}` : ''}`, 'kind');
}

function fail(message: string): void {
  const s = select(document.body).append('section').attr('class', 'error');
  el(s, 'h2', 'This report cannot be shown');
  el(s, 'p', message);
}

export function main(): void {
  const node = document.getElementById(REPORT_DOM.data);
  if (node === null) {
    fail(`No report data: the page has no element #${REPORT_DOM.data}.`);
    return;
  }
  let data: ReportData;
  try {
    data = JSON.parse(node.textContent ?? '') as ReportData;
  } catch (err) {
    fail(`The report data is not valid JSON: ${String(err)}`);
    return;
  }
  switch (data.kind) {
    case 'run':
      pageHeader('run', data.cubesim);
      drawHeadline(data.run, data.cubesim);
      drawOutcomes(data.run);
      drawTimeseries(data.run);
      drawHistograms(data.run);
      drawLadders(data.run);
      break;
    case 'sweep':
      pageHeader('sweep', data.cubesim);
      drawSweep(data.sweep);
      break;
    case 'compare':
      pageHeader('compare', data.cubesim);
      drawCompare(data.compare);
      break;
    default:
      fail(`Unknown report kind: ${String((data as { kind: unknown }).kind)}.`);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
