// One figure of a sweep against its first parameter: a line per combination of the other
// parameters, with its 95 % confidence band over replications when there is one.

import { area, axisBottom, line, max, min, scaleLinear, scalePoint, schemeTableau10 } from 'd3';
import { axisTitle, chartSvg, valueAxis } from './chart-frame.ts';
import type { SweepReport } from './data.ts';
import { legend, type LegendItem } from './legend.ts';
import { num } from './number-format.ts';
import { el, type Html } from './page-elements.ts';
import { DASHES } from './palette.ts';
import { tooltipOn } from './tooltip.ts';

/** The lines of a sweep's charts: one per combination of the values of the parameters after the first. */
export interface SweepLines {
  /** Each line's name, e.g. "rate = 0.5" ('' when only one parameter is swept), in the order of the points. */
  keys: string[];
  keyOf: (values: Record<string, unknown>) => string;
  colour: (key: string) => string;
  dash: (key: string) => string;
}

export function sweepLines(sw: SweepReport): SweepLines {
  const others = sw.params.slice(1);
  const shortName = (path: string): string => path.split('.').slice(-2).join('.');
  const keyOf = (values: Record<string, unknown>): string =>
    others.map((p) => `${shortName(p.path)} = ${String(values[p.path])}`).join(', ');
  const keys = [...new Set(sw.rows.map((r) => keyOf(r.values)))];
  return {
    keys,
    keyOf,
    colour: (k) => schemeTableau10[keys.indexOf(k) % schemeTableau10.length]!,
    dash: (k) => DASHES[keys.indexOf(k) % DASHES.length]!,
  };
}

/** The figure `fig` of the sweep (at least one parameter and one point) in a new chart box in `parent`. */
export function drawSweepChart(
  parent: Html,
  sw: SweepReport,
  fig: string,
  title: string,
  lines: SweepLines,
  width: number,
): void {
  const first = sw.params[0]!;
  const numericX = first.values.every((v) => typeof v === 'number');
  const height = 240;
  const m = { l: 68, r: 24, t: 16, b: 42 };
  const box = el(parent, 'div', undefined, 'chart-box');
  el(box, 'h3', title);
  el(box, 'p', fig, 'figure-path');
  const items: LegendItem[] = lines.keys.map((k) => ({
    label: k === '' ? 'all points' : k,
    colour: lines.colour(k),
    dash: lines.dash(k),
  }));
  if (sw.rows.some((r) => (r.figures[fig]?.halfWidth ?? null) !== null))
    items.push({ label: '95 % confidence interval', colour: '#6b7280', kind: 'band' });
  legend(box, items);
  const g = chartSvg(box, 'chart sweep-chart', width, height).append('g');
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
  valueAxis(g, y, { width, height, m }, 5);
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

  for (const k of lines.keys) {
    const pts = sw.rows
      .filter((r) => lines.keyOf(r.values) === k)
      .map((r) => ({ x: xOf(r.values[first.path]), ...val(r), row: r }))
      .sort((a, b) => a.x - b.x);
    const c = lines.colour(k);
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
      .attr('stroke-dasharray', lines.dash(k))
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
}
