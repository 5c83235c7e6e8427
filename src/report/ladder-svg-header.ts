// The top of a ladder: the call in one line, the legend of its marks, a box naming each lane and
// the Call-ID of each leg.

import { LADDER_PARTIES, ladderSeconds, legCallIds, partyTitle, type TracedCall } from '../results/ladder.ts';
import type { LadderLayout } from './ladder-svg-layout.ts';
import { LADDER_COLOURS, bar, diamond, type G } from './ladder-svg-marks.ts';

/** A lane box's width; a profile name longer than `PROFILE_CHARS` is cut to fit it. */
const BOX_WIDTH = 104;
const PROFILE_CHARS = 17;

export function drawHeader(root: G, sample: TracedCall, layout: LadderLayout): void {
  drawTitle(root, sample, layout);
  drawLegend(root, layout);
  drawLaneHeaders(root, sample, layout);
}

function drawTitle(root: G, sample: TracedCall, layout: LadderLayout): void {
  const call = sample.call;
  const caller = call.h323 ? `${call.callerProfile} on H.323` : call.callerProfile;
  root
    .append('text')
    .attr('x', 8)
    .attr('y', layout.titleY)
    .attr('font-size', 14)
    .attr('font-weight', 600)
    .attr('fill', LADDER_COLOURS.text)
    .text(
      `call ${call.index}: ${caller} → CUBE → ${call.calleeProfile}, arrived ${ladderSeconds(call.arrivalAt)} s` +
        (call.answeredAt >= 0 ? `, answered ${ladderSeconds(call.answeredAt)} s` : ', never answered') +
        `, planned holding ${call.holding.toFixed(1)} s`,
    );
}

/** One line of legend items, each placed after the one before it. */
function drawLegend(root: G, layout: LadderLayout): void {
  const legend = root
    .append('g')
    .attr('transform', `translate(8,${layout.legendY})`)
    .attr('font-size', 11)
    .attr('fill', LADDER_COLOURS.text);
  let x = 0;
  const item = (): G => legend.append('g').attr('transform', `translate(${x},0)`);
  for (const [colour, text] of [
    [LADDER_COLOURS.request, 'request'],
    [LADDER_COLOURS.provisional, '1xx provisional'],
    [LADDER_COLOURS.success, '2xx success'],
    [LADDER_COLOURS.failure, '3xx–6xx failure'],
  ] as const) {
    legendArrow(item(), colour, text);
    x += 36 + text.length * 6.2;
  }
  legendLostAndRetransmitted(item());
  x += 186;
  legendTimer(item());
}

function legendArrow(item: G, colour: string, text: string): void {
  item
    .append('line')
    .attr('x1', 0)
    .attr('x2', 18)
    .attr('y1', -4)
    .attr('y2', -4)
    .attr('stroke', colour)
    .attr('stroke-width', 2);
  item.append('path').attr('d', 'M22,-4L14,-8.5L14,0.5Z').attr('fill', colour);
  item.append('text').attr('x', 27).attr('y', 0).text(text);
}

function legendLostAndRetransmitted(item: G): void {
  item
    .append('line')
    .attr('x1', 0)
    .attr('x2', 16)
    .attr('y1', -4)
    .attr('y2', -4)
    .attr('stroke', LADDER_COLOURS.muted)
    .attr('stroke-width', 2)
    .attr('stroke-dasharray', '4,3');
  item
    .append('path')
    .attr('d', 'M17,-8L25,0M17,0L25,-8')
    .attr('stroke', LADDER_COLOURS.failure)
    .attr('stroke-width', 2);
  item.append('text').attr('x', 30).attr('y', 0).text('lost');
  item
    .append('text')
    .attr('x', 66)
    .attr('y', 0)
    .attr('fill', LADDER_COLOURS.muted)
    .attr('font-style', 'italic')
    .text('↻ retransmission');
}

function legendTimer(item: G): void {
  item.append('circle').attr('cx', 4).attr('cy', -4).attr('r', 4).attr('fill', LADDER_COLOURS.timer);
  item.append('text').attr('x', 12).attr('y', 0).text('session timer started');
  diamond(item, 146, -4, 5, LADDER_COLOURS.timer, LADDER_COLOURS.timer);
  item.append('text').attr('x', 155).attr('y', 0).text('refresh due');
  bar(item, 238, -4, 6, LADDER_COLOURS.timer);
  item.append('text').attr('x', 248).attr('y', 0).text('deadline without a refresh');
}

/** A box over each lane with its name and profile; under each leg, its Call-ID. */
function drawLaneHeaders(root: G, sample: TracedCall, layout: LadderLayout): void {
  const call = sample.call;
  const { lanesX, headerTop, headerHeight } = layout;
  const headers = root.append('g');
  LADDER_PARTIES.forEach((p, i) => {
    const x = lanesX[i]!;
    const h = headers.append('g');
    h.append('rect')
      .attr('x', x - BOX_WIDTH / 2)
      .attr('y', headerTop)
      .attr('width', BOX_WIDTH)
      .attr('height', headerHeight)
      .attr('rx', 5)
      .attr('fill', i === 1 || i === 2 ? '#eef2f8' : '#f6f7f9')
      .attr('stroke', LADDER_COLOURS.lane);
    const name = i === 0 && call.h323 ? 'caller (H.323)' : partyTitle(p);
    h.append('text')
      .attr('x', x)
      .attr('y', headerTop + 16)
      .attr('text-anchor', 'middle')
      .attr('font-size', 13)
      .attr('font-weight', 600)
      .attr('fill', LADDER_COLOURS.text)
      .text(name);
    const sub = i === 0 ? call.callerProfile : i === 3 ? call.calleeProfile : i === 1 ? 'caller side' : 'callee side';
    // A long profile name is cut to fit its box; the whole name is in the tooltip.
    const long = sub.length > PROFILE_CHARS;
    const t = h
      .append('text')
      .attr('x', x)
      .attr('y', headerTop + 31)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', LADDER_COLOURS.muted)
      .text(long ? `${sub.slice(0, PROFILE_CHARS - 1)}…` : sub);
    if (long) t.append('title').text(sub);
  });

  const { inbound, outbound } = legCallIds(sample.entries);
  const legText = (x: number, text: string): void => {
    headers
      .append('text')
      .attr('x', x)
      .attr('y', headerTop + headerHeight + 16)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', LADDER_COLOURS.muted)
      .text(text);
  };
  legText(
    (lanesX[0]! + lanesX[1]!) / 2,
    call.h323 ? 'inbound leg: H.323, no SIP' : `inbound leg${inbound !== '' ? ` · Call-ID ${inbound}` : ''}`,
  );
  legText((lanesX[2]! + lanesX[3]!) / 2, `outbound leg${outbound !== '' ? ` · Call-ID ${outbound}` : ''}`);
}
