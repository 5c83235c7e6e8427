// A histogram of one run's distribution (call lengths, refresh latencies, drop moments): a bar per
// bin, what lies past the last bin as one grey bar, and the tallest bin named.

import { axisBottom, max, scaleLinear } from 'd3';
import type { Histogram } from '../results/series.ts';
import { axisTitle, chartSvg, chartWidth, valueAxis } from './chart-frame.ts';
import { legend, type LegendItem } from './legend.ts';
import { num, pct } from './number-format.ts';
import { el, type Html } from './page-elements.ts';
import { tooltipOn } from './tooltip.ts';

/** Decimals enough to write the edges of bins `step` wide. */
function decimalsFor(step: number): number {
  return Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)));
}

/** `h` in a new chart box in `parent`; `empty` shows when it counts nothing, `what` names what it counts. */
export function drawHistogram(
  parent: Html,
  h: Histogram,
  title: string,
  colour: string,
  empty: string,
  what: string,
): void {
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
  const g = chartSvg(box, 'chart histogram-chart', width, height).append('g');

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
  valueAxis(g, y, { width, height, m }, 4, what);
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
