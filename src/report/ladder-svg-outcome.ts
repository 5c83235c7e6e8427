// The end of a ladder: a banner for each outcome of the call (or one saying it had none yet),
// coloured by how it ended, with the features the call negotiated.

import { missingOutcomeText, outcomeInk, outcomeText, type OutcomeInk, type TracedCall } from '../results/ladder.ts';
import type { LadderLayout } from './ladder-svg-layout.ts';
import { LADDER_COLOURS, type G } from './ladder-svg-marks.ts';

const OUTCOME_COLOURS: Record<OutcomeInk, { fill: string; stroke: string }> = {
  completed: { fill: '#e6f4ea', stroke: LADDER_COLOURS.success },
  active: { fill: '#fff4e0', stroke: LADDER_COLOURS.timer },
  ended: { fill: '#fdeaea', stroke: LADDER_COLOURS.failure },
};

export function drawOutcome(root: G, sample: TracedCall, layout: LadderLayout): void {
  const call = sample.call;
  const { bannerTop, bannerHeight, lanesX } = layout;
  const banners = root.append('g').attr('class', 'outcome');
  const shown: Array<{ text: string; outcome: string }> =
    layout.outcomes.length > 0
      ? layout.outcomes.map((o) => ({ text: outcomeText(o, call.status), outcome: o.outcome }))
      : [{ text: missingOutcomeText(call.outcome), outcome: call.outcome }];
  const features = call.features
    .map((f) => `${f.feature} ${f.status}${f.reason === '' ? '' : ` (${f.reason})`}`)
    .join(', ');
  const x0 = lanesX[0]! - 50,
    x1 = lanesX[3]! + 50;
  shown.forEach((o, k) => {
    const top = bannerTop + k * (bannerHeight + 6);
    const c = OUTCOME_COLOURS[outcomeInk(o.outcome)];
    banners
      .append('rect')
      .attr('x', x0)
      .attr('y', top)
      .attr('width', x1 - x0)
      .attr('height', bannerHeight)
      .attr('rx', 6)
      .attr('fill', c.fill)
      .attr('stroke', c.stroke)
      .attr('stroke-width', 1.5);
    banners
      .append('text')
      .attr('x', (x0 + x1) / 2)
      .attr('y', top + 18)
      .attr('text-anchor', 'middle')
      .attr('font-size', 13)
      .attr('font-weight', 700)
      .attr('fill', c.stroke)
      .text(o.text);
    if (features !== '') {
      banners
        .append('text')
        .attr('x', (x0 + x1) / 2)
        .attr('y', top + 33)
        .attr('text-anchor', 'middle')
        .attr('font-size', 11)
        .attr('fill', LADDER_COLOURS.text)
        .text(`features: ${features}`);
    }
  });
}
