/// <reference lib="dom" />
// One traced call drawn as an SVG ladder with d3: the same information as the terminal ladder
// (src/output/ladder-text.ts), laid out for a browser. Four lanes (caller, the border element's
// inbound and outbound sides, callee); time runs down, one row per message or timer moment, the
// time axis on the left labelling each row with its simulated time (ladder-svg-layout.ts).
//
// What the ladder adds to a packet trace: for every arming of a session timer, a thin line down
// the lane to the moment it points at (ladder-svg-timers.ts).
//
// Every string from the data goes in through .text() (or a <title> text node), never as markup:
// profile names and labels show literally, whatever characters they hold. Colours and fonts are
// SVG attributes, so the drawing looks the same without the report's stylesheet (notebooks).

import type { Selection } from 'd3';
import type { TracedCall } from '../results/ladder.ts';
import { REPORT_DOM } from './data.ts';
import { drawHeader } from './ladder-svg-header.ts';
import { drawLanesAndAxis } from './ladder-svg-lanes.ts';
import { layOutLadder } from './ladder-svg-layout.ts';
import type { OnHover } from './ladder-svg-marks.ts';
import { drawMessages } from './ladder-svg-messages.ts';
import { drawOutcome } from './ladder-svg-outcome.ts';
import { drawTimers } from './ladder-svg-timers.ts';

export { LADDER_COLOURS } from './ladder-svg-marks.ts';

export interface LadderSvgOptions {
  /** Width in pixels (default 1000). */
  width?: number;
  /** Vertical distance between two rows in pixels (default 34). */
  rowHeight?: number;
  /** Called with the details of the message or timer under the pointer, and null when it leaves. */
  onHover?: OnHover;
}

type Svg = Selection<SVGSVGElement, unknown, null, undefined>;

const FONT = 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif';

/** Draws one call's ladder into `svg` (clears it first). Returns the number of message arrows drawn. */
export function drawLadder(svg: Svg, sample: TracedCall, options: LadderSvgOptions = {}): number {
  const layout = layOutLadder(sample, options);
  svg.selectAll('*').remove();
  svg
    .classed(REPORT_DOM.ladderClass, true)
    .attr('font-family', FONT)
    .attr('width', layout.width)
    .attr('height', layout.height)
    .attr('viewBox', `0 0 ${layout.width} ${layout.height}`);
  const root = svg.append('g');
  drawHeader(root, sample, layout);
  drawLanesAndAxis(root, sample, layout);
  drawTimers(root, sample, layout, options.onHover);
  const drawn = drawMessages(root, layout, options.onHover);
  drawOutcome(root, sample, layout);
  return drawn;
}
