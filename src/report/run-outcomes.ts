// How a run's calls ended: a bar per outcome and cause (with its 95 % interval over replications),
// each also as a share of the calls offered.

import { axisBottom, axisLeft, max, scaleBand, scaleLinear } from 'd3';
import { axisTitle, chartSvg, chartWidth } from './chart-frame.ts';
import { REPORT_DOM, type RunReport } from './data.ts';
import { entriesOf, est, estText, type Est } from './estimate.ts';
import { legend, type LegendItem } from './legend.ts';
import { num, pct } from './number-format.ts';
import { el, section } from './page-elements.ts';
import { COLOURS } from './palette.ts';
import { tooltipOn } from './tooltip.ts';

export function drawOutcomes(r: RunReport): void {
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
  const g = chartSvg(s, 'chart outcomes-chart', width, height).append('g');
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
