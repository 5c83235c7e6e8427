// A chart's legend: one small swatch (line, dashed limit, box, band or error bar) and label per item.

import type { Svg } from './chart-frame.ts';
import { el, type Html } from './page-elements.ts';

export interface LegendItem {
  label: string;
  colour: string;
  dash?: string;
  kind?: 'line' | 'dashed' | 'box' | 'band' | 'errorbar';
}

export function legend(parent: Html, items: LegendItem[]): void {
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
      swatchLine(svg, it.colour, null);
    } else if (kind === 'errorbar') {
      svg
        .append('path')
        .attr('d', 'M4,6H22M4,2V10M22,2V10')
        .attr('stroke', it.colour)
        .attr('stroke-width', 1.5)
        .attr('fill', 'none');
    } else
      swatchLine(svg, it.colour, kind === 'dashed' ? '5,3' : it.dash !== undefined && it.dash !== '' ? it.dash : null);
    el(item, 'span', it.label);
  }
}

/** A line across the swatch, solid when `dash` is null. */
function swatchLine(svg: Svg, colour: string, dash: string | null): void {
  svg
    .append('line')
    .attr('x1', 1)
    .attr('x2', 25)
    .attr('y1', 6)
    .attr('y2', 6)
    .attr('stroke', colour)
    .attr('stroke-width', 2)
    .attr('stroke-dasharray', dash);
}
