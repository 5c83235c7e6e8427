// The ladder's frame: a line down each lane, the time axis on the left with a faint guide from
// each tick to the first lane, and a break marker across the lanes wherever a long wait was cut out.

import { axisLeft } from 'd3';
import { LADDER_PARTIES, ladderSeconds, type TracedCall } from '../results/ladder.ts';
import type { Break, LadderLayout } from './ladder-svg-layout.ts';
import { LADDER_COLOURS, label, type G } from './ladder-svg-marks.ts';

export function drawLanesAndAxis(root: G, sample: TracedCall, layout: LadderLayout): void {
  drawLanes(root, sample, layout);
  drawTimeAxis(root, layout);
  for (const b of layout.breaks) drawBreak(root, b, layout);
}

/** An H.323 caller's leg has no SIP to draw: its lanes are dotted. */
function drawLanes(root: G, sample: TracedCall, layout: LadderLayout): void {
  LADDER_PARTIES.forEach((_, i) => {
    const dotted = sample.call.h323 && i <= 1;
    root
      .append('line')
      .attr('x1', layout.lanesX[i]!)
      .attr('x2', layout.lanesX[i]!)
      .attr('y1', layout.headerTop + layout.headerHeight)
      .attr('y2', layout.laneBottom)
      .attr('stroke', LADDER_COLOURS.lane)
      .attr('stroke-width', dotted ? 1.5 : 2)
      .attr('stroke-dasharray', dotted ? '2,4' : '');
  });
}

/** A tick per row, labelled with its time; rows at the same moment share one label. */
function drawTimeAxis(root: G, layout: LadderLayout): void {
  const { ticks, axisX } = layout;
  const slots = ticks.map((tick) => tick.slot);
  const tickLabels = new Map<number, string>();
  ticks.forEach((tick, k) => {
    const same = k > 0 && Math.abs(tick.t - ticks[k - 1]!.t) < 5e-4;
    tickLabels.set(tick.slot, same ? '' : ladderSeconds(tick.t));
  });
  const axis = root.append('g').attr('transform', `translate(${axisX},0)`);
  axis.call(
    axisLeft(layout.y)
      .tickValues(slots)
      .tickSize(4)
      .tickFormat((s) => tickLabels.get(Number(s)) ?? ''),
  );
  axis.select('.domain').attr('stroke', LADDER_COLOURS.lane);
  axis.selectAll('.tick line').attr('stroke', LADDER_COLOURS.lane);
  axis.selectAll('.tick text').attr('fill', LADDER_COLOURS.text).attr('font-size', 11);
  root
    .append('text')
    .attr('x', axisX)
    .attr('y', layout.firstRow - 18)
    .attr('text-anchor', 'end')
    .attr('font-size', 11)
    .attr('fill', LADDER_COLOURS.muted)
    .text('time (s) ↓');

  // Faint guides from the axis to the first lane, so a row's time is easy to follow.
  for (const s of slots) {
    root
      .append('line')
      .attr('x1', axisX + 2)
      .attr('x2', layout.lanesX[0]! - 4)
      .attr('y1', layout.y(s))
      .attr('y2', layout.y(s))
      .attr('stroke', '#e3e6eb')
      .attr('stroke-dasharray', '1,3');
  }
}

/** A band across the lanes saying how much time passes unseen. */
function drawBreak(root: G, b: Break, layout: LadderLayout): void {
  const { y, rowHeight, lanesX } = layout;
  const mid = y(b.slot);
  const g = root.append('g').attr('class', 'break');
  const x0 = layout.axisX - 40,
    x1 = layout.right + 40;
  g.append('rect')
    .attr('x', x0)
    .attr('y', mid - rowHeight * 0.32)
    .attr('width', x1 - x0)
    .attr('height', rowHeight * 0.64)
    .attr('fill', '#ffffff');
  for (const dy of [-rowHeight * 0.32, rowHeight * 0.32]) {
    let d = `M${x0},${mid + dy}`;
    for (let x = x0, k = 0; x < x1; x += 8, k++) d += `L${x + 8},${mid + dy + (k % 2 === 0 ? -3 : 3)}`;
    g.append('path').attr('d', d).attr('fill', 'none').attr('stroke', '#c3c9d3').attr('stroke-width', 1);
  }
  label(g, (lanesX[1]! + lanesX[2]!) / 2, mid + 4, `… ${b.gap.toFixed(1)} s …`, 12, LADDER_COLOURS.muted).attr(
    'font-style',
    'italic',
  );
}
