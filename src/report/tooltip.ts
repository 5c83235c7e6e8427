/// <reference lib="dom" />
// The page's one floating tooltip: made on first use, it follows the pointer and stays inside the
// window.

import { select, type BaseType, type Selection } from 'd3';

let tooltip: Selection<HTMLDivElement, unknown, null, undefined> | null = null;
let pointer = { x: 0, y: 0 };

function tip(): Selection<HTMLDivElement, unknown, null, undefined> {
  if (tooltip === null) {
    tooltip = select(document.body).append('div').attr('class', 'tooltip').attr('role', 'tooltip');
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

/** Shows `text` by the pointer, or hides the tooltip (null). */
export function showTip(text: string | null): void {
  const t = tip();
  if (text === null) {
    t.style('display', 'none');
    return;
  }
  t.text(text).style('display', 'block');
  place();
}

/** Hovering `sel` shows the text `of(datum)` in the tooltip. */
export function tooltipOn<E extends BaseType, D, P extends BaseType>(
  sel: Selection<E, D, P, unknown>,
  of: (d: D) => string,
): void {
  sel.on('pointerenter', (_ev: Event, d: D) => showTip(of(d))).on('pointerleave', () => showTip(null));
}
