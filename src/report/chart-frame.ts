/// <reference lib="dom" />
// What the page's charts share: their width, their <svg>, axis titles, and the value axis on the
// left with its grid lines.

import { axisLeft, type ScaleLinear, type Selection } from 'd3';
import { num } from './number-format.ts';
import type { Html } from './page-elements.ts';

export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
export type G = Selection<SVGGElement, unknown, null, undefined>;

/** A chart's size in pixels and its margins: the plot is what lies inside them. */
export interface Frame {
  width: number;
  height: number;
  m: { l: number; r: number; t: number; b: number };
}

/** The width of a chart in `parent`: the parent's own, within 560 to 1140 pixels. */
export function chartWidth(parent: Html): number {
  const w = parent.node()!.getBoundingClientRect().width;
  return Math.max(560, Math.min(1140, Math.floor(w > 0 ? w : 1000)));
}

/** A new chart <svg class=…> at the end of `parent`, scaled with the page. */
export function chartSvg(parent: Html, cls: string, width: number, height: number): Svg {
  return parent
    .append('svg')
    .attr('class', cls)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`);
}

export function axisTitle(g: G, text: string, x: number, y: number, rotate = false): void {
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

/** The value axis on the left: grid lines across the plot, the ticks, and the axis title when given. */
export function valueAxis(g: G, y: ScaleLinear<number, number>, f: Frame, ticks: number, title?: string): void {
  gridY(g, y, f.m.l, f.width - f.m.r, ticks);
  g.append('g')
    .attr('class', 'axis')
    .attr('transform', `translate(${f.m.l},0)`)
    .call(
      axisLeft(y)
        .ticks(ticks)
        .tickFormat((d) => num(Number(d))),
    );
  if (title !== undefined) axisTitle(g, title, 16, (f.m.t + f.height - f.m.b) / 2, true);
}
