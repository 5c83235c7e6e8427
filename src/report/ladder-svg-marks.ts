/// <reference lib="dom" />
// The ladder's inks and the small marks every part of it draws with: haloed words, the timer's
// diamond and bar, and the tooltip of a row. Colours are SVG attributes, not classes, so that a
// ladder looks the same without the report's stylesheet (notebooks).

import type { Selection } from 'd3';

export type G = Selection<SVGGElement, unknown, null, undefined>;

/** Called with the details of the message or timer under the pointer, and null when it leaves. */
export type OnHover = (text: string | null) => void;

/** The ink of each kind of thing, also used by the report page's legends. */
export const LADDER_COLOURS = {
  request: '#1f5fbf',
  provisional: '#7a8190',
  success: '#1c8a3c',
  failure: '#c62828',
  timer: '#c76b00',
  lane: '#9aa3b2',
  text: '#1d2330',
  muted: '#6b7280',
} as const;

/** Text with a white halo, readable over lane and timer lines. */
export function label(
  g: G,
  x: number,
  y: number,
  text: string,
  size: number,
  fill: string,
  anchor: 'start' | 'middle' | 'end' = 'middle',
) {
  return g
    .append('text')
    .attr('x', x)
    .attr('y', y)
    .attr('text-anchor', anchor)
    .attr('font-size', size)
    .attr('fill', fill)
    .attr('stroke', '#ffffff')
    .attr('stroke-width', 3)
    .attr('stroke-linejoin', 'round')
    .attr('paint-order', 'stroke')
    .text(text);
}

/** A refresh moment. */
export function diamond(g: G, x: number, y: number, r: number, fill: string, stroke: string): void {
  g.append('path')
    .attr('d', `M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`)
    .attr('fill', fill)
    .attr('stroke', stroke)
    .attr('stroke-width', 1.5);
}

/** A deadline, or a moment cut short. */
export function bar(g: G, x: number, y: number, half: number, stroke: string, width = 3): void {
  g.append('line')
    .attr('x1', x - half)
    .attr('x2', x + half)
    .attr('y1', y)
    .attr('y2', y)
    .attr('stroke', stroke)
    .attr('stroke-width', width)
    .attr('stroke-linecap', 'round');
}

/** The row's details as a tooltip, and to `onHover` when given. */
export function hover(g: G, text: string, onHover: OnHover | undefined): void {
  g.append('title').text(text);
  if (onHover === undefined) return;
  g.on('mouseenter', () => onHover(text)).on('mouseleave', () => onHover(null));
}
