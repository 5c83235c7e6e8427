// The report of a sweep: the swept parameters, a chart per figure against the first of them, and
// the table of all points.

import { chartWidth } from './chart-frame.ts';
import { REPORT_DOM, type SweepReport } from './data.ts';
import { num } from './number-format.ts';
import { el, section, type Html } from './page-elements.ts';
import { drawSweepChart, sweepLines } from './sweep-chart.ts';

/** Titles of the figures charted whatever the sweep; the drops by cause are named after the cause. */
const TITLES: Readonly<Record<string, string>> = {
  'calls.dropped': 'Calls dropped',
  'borderElement.refreshTransactionsPerSecond.inbound': 'Refresh requests per second, inbound leg',
  'borderElement.refreshTransactionsPerSecond.outbound': 'Refresh requests per second, outbound leg',
  'refreshes.sent': 'Session refreshes sent',
  'calls.rejected': 'Calls rejected',
};

export function drawSweep(sw: SweepReport): void {
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

  const lines = sweepLines(sw);
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

  const width = chartWidth(s);
  const grid = el(s, 'div', undefined, 'sweep-charts');
  for (const fig of figures)
    drawSweepChart(grid, sw, fig, TITLES[fig] ?? `Dropped: ${fig.slice('drops.byCause.'.length)}`, lines, width);

  drawPointsTable(s, sw, keys);
}

/** Every point of the sweep: its parameter values, and each figure (but the seed and warm-up) it has. */
function drawPointsTable(s: Html, sw: SweepReport, keys: ReadonlySet<string>): void {
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
