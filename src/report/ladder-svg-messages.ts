// SIP messages on the ladder: an arrow from lane to lane for each, its label above and its
// session-timer headers below; a lost message stops short at a cross, a retransmission is dotted.

import {
  ladderSeconds,
  laneOf,
  messageInk,
  messageLabel,
  partyTitle,
  timerHeaders,
  type MessageEntry,
  type MessageInk,
} from '../results/ladder.ts';
import { REPORT_DOM } from './data.ts';
import type { LadderLayout } from './ladder-svg-layout.ts';
import { LADDER_COLOURS, hover, label, type G, type OnHover } from './ladder-svg-marks.ts';

const MESSAGE_COLOURS: Record<MessageInk, string> = {
  request: LADDER_COLOURS.request,
  provisional: LADDER_COLOURS.provisional,
  success: LADDER_COLOURS.success,
  failure: LADDER_COLOURS.failure,
};

/** Draws every message of the ladder; returns how many. */
export function drawMessages(root: G, layout: LadderLayout, onHover: OnHover | undefined): number {
  const messages = root.append('g');
  let drawn = 0;
  layout.rows.forEach((e, i) => {
    if (e.kind !== 'message') return;
    drawn++;
    const g = messages.append('g').attr('class', REPORT_DOM.messageClass);
    drawMessage(g, e, layout.rowY[i]!, layout);
    hover(g, messageDetails(e), onHover);
  });
  return drawn;
}

function drawMessage(g: G, e: MessageEntry, y: number, layout: LadderLayout): void {
  const { lanesX, rowHeight } = layout;
  const colour = MESSAGE_COLOURS[messageInk(e)];
  const a = laneOf(e.from),
    b = laneOf(e.to);
  if (a < 0 || b < 0 || a === b) {
    // Not between two lanes this ladder knows: say it in words.
    const text = (e.retransmission ? '↻ ' : '') + messageLabel(e);
    label(
      g,
      (lanesX[1]! + lanesX[2]!) / 2,
      y + 4,
      `${partyTitle(e.from)} → ${partyTitle(e.to)}: ${text}${e.lost ? ' (lost)' : ''} ${timerHeaders(e)}`,
      11,
      colour,
    );
    return;
  }
  const x1 = lanesX[a]!,
    x2 = lanesX[b]!;
  // Hit area for hovering the whole row of the arrow.
  g.append('rect')
    .attr('x', Math.min(x1, x2))
    .attr('y', y - rowHeight / 2)
    .attr('width', Math.abs(x2 - x1))
    .attr('height', rowHeight)
    .attr('fill', 'transparent');
  drawArrow(g, e, x1, x2, y, colour);
  drawMessageWords(g, e, (x1 + x2) / 2, y, colour, rowHeight);
}

function drawArrow(g: G, e: MessageEntry, x1: number, x2: number, y: number, colour: string): void {
  const dir = Math.sign(x2 - x1);
  const tip = e.lost ? x1 + (x2 - x1) * 0.78 : x2 - dir * 1;
  g.append('line')
    .attr('x1', x1)
    .attr('x2', e.lost ? tip : tip - dir * 8)
    .attr('y1', y)
    .attr('y2', y)
    .attr('stroke', colour)
    .attr('stroke-width', e.retransmission ? 1.4 : 2)
    .attr('stroke-dasharray', e.lost ? '6,4' : e.retransmission ? '2,2' : '');
  if (e.lost) {
    const s = 5;
    g.append('path')
      .attr('d', `M${tip - s},${y - s}L${tip + s},${y + s}M${tip - s},${y + s}L${tip + s},${y - s}`)
      .attr('stroke', LADDER_COLOURS.failure)
      .attr('stroke-width', 2.5);
  } else {
    g.append('path')
      .attr('d', `M${tip},${y}L${tip - dir * 10},${y - 5}L${tip - dir * 10},${y + 5}Z`)
      .attr('fill', colour);
  }
}

/** The label above the arrow, the session-timer headers below it. */
function drawMessageWords(g: G, e: MessageEntry, mid: number, y: number, colour: string, rowHeight: number): void {
  // Tighter rows get smaller words, so that a row's headers clear the next row's label.
  const roomy = rowHeight >= 30;
  const headerDy = Math.max(8, Math.min(12, rowHeight - 15));
  // The label proper in a tspan of its own (REPORT_DOM.messageLabelClass), its marks around it.
  const main = label(g, mid, y - (roomy ? 5 : 4), '', roomy ? 12 : 11, colour).attr(
    'font-weight',
    e.status === 0 ? 600 : 400,
  );
  if (e.retransmission) main.attr('font-style', 'italic').append('tspan').text('↻ ');
  main.append('tspan').attr('class', REPORT_DOM.messageLabelClass).text(messageLabel(e));
  if (e.lost) main.append('tspan').text('  (lost)');
  const headersText = timerHeaders(e);
  if (headersText !== '') label(g, mid, y + headerDy, headersText, roomy ? 10 : 9, LADDER_COLOURS.muted);
}

function messageDetails(e: MessageEntry): string {
  const lines = [
    `${ladderSeconds(e.t)} s  ${partyTitle(e.from)} → ${partyTitle(e.to)}`,
    messageLabel(e) + (e.lost ? '  (lost on the network)' : '') + (e.retransmission ? '  (retransmission)' : ''),
  ];
  if (e.sessionExpires > 0)
    lines.push(`Session-Expires: ${e.sessionExpires}${e.refresher === '' ? '' : `;refresher=${e.refresher}`}`);
  if (e.minSe > 0) lines.push(`Min-SE: ${e.minSe}`);
  lines.push(`CSeq: ${e.cseq} ${e.method}`);
  lines.push(`Call-ID: ${e.callId}`);
  if (e.sdpVersion >= 0) lines.push(`SDP version ${e.sdpVersion}`);
  lines.push(e.lost ? 'never arrives' : `arrives at ${ladderSeconds(e.arrivesAt)} s`);
  return lines.join('\n');
}
