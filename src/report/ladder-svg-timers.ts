// Session timers on the ladder: each timer moment as a mark and words on its lane, and for every
// arming a thin line down the lane to the moment it points at (when this side's refresh is due,
// or when this side gives up on a refresh that has not come), so that a drop at 1768 s can be
// seen coming from the 200 OK.

import {
  actsOnExpiry,
  ladderSeconds,
  laneOf,
  partyTitle,
  timerMomentText,
  timerText,
  type TimerEntry,
  type TracedCall,
} from '../results/ladder.ts';
import { REPORT_DOM } from './data.ts';
import type { LadderLayout, Row, Target } from './ladder-svg-layout.ts';
import { LADDER_COLOURS, bar, diamond, hover, label, type G, type OnHover } from './ladder-svg-marks.ts';

/** Timer words go towards the middle of the leg: right of the caller, left of CUBE in, ... */
const TEXT_SIDE = [1, -1, 1, -1] as const;
/** ... and the timer lines on the other side of the lane, out of the arrows' way. */
const LINE_OFFSET = [-9, 9, -9, 9] as const;

/** Where a timer row is drawn: its lane's x, the side its words go, the x of its target lines. */
interface TimerPlace {
  x: number;
  y: number;
  side: 1 | -1;
  lineX: number;
}

export function drawTimers(root: G, sample: TracedCall, layout: LadderLayout, onHover: OnHover | undefined): void {
  const marks = root.append('g');
  const byArm = new Map<number, Target[]>();
  for (const t of layout.targets) byArm.set(t.arm, [...(byArm.get(t.arm) ?? []), t]);
  layout.rows.forEach((e, i) => {
    if (e.kind !== 'timer') return;
    const g = marks.append('g').attr('class', REPORT_DOM.timerClass);
    const fates = drawTimer(g, e, i, byArm.get(i) ?? [], sample.call.h323, layout);
    hover(g, timerDetails(sample, e, fates), onHover);
  });
}

/** Draws the timer moment `rows[i]` and its arming's target lines; returns what became of each target. */
function drawTimer(g: G, e: TimerEntry, i: number, targets: Target[], h323: boolean, layout: LadderLayout): string[] {
  const lane = laneOf(e.party);
  const y = layout.rowY[i]!;
  if (lane < 0) {
    // A party without a lane: its timer in words, right of the lanes.
    const words = `${e.party}: ${timerText(h323, e.party, e.note)}`;
    label(g, layout.lanesX[3]! + 14, y + 4, words, 11, LADDER_COLOURS.timer, 'start');
    return [];
  }
  const x = layout.lanesX[lane]!;
  const at: TimerPlace = { x, y, side: TEXT_SIDE[lane]!, lineX: x + LINE_OFFSET[lane]! };
  const acts = actsOnExpiry(h323, e.party);
  const fates = targets.map((target) => {
    drawTargetLine(g, at, target, targetY(target, lane, layout), timerMomentText(target.kind, acts, target.t));
    return targetFate(target, acts, layout.rows);
  });
  drawTimerMark(g, e.note.what, at);
  drawTimerWords(g, at, timerText(h323, e.party, e.note), e.note.what, layout.rowHeight);
  return fates;
}

/**
 * The row a target's line ends on: the row that replaced it, the lane's line below the ladder for
 * a moment after the end, or the row of the moment itself.
 */
function targetY(target: Target, lane: number, layout: LadderLayout): number {
  if (target.state === 'replaced') return layout.rowY[target.row]!;
  if (target.state === 'after') return layout.pendingY[lane]!;
  return target.row >= 0 ? layout.rowY[target.row]! : layout.targetY.get(target)!;
}

/** A line from the arming out to `lineX`, down to the row of what it points at, and a mark there. */
function drawTargetLine(g: G, at: TimerPlace, target: Target, endY: number, words: string): void {
  const { x, y, side, lineX } = at;
  timerLine(g, x, lineX, y, 0.7);
  g.append('line')
    .attr('x1', lineX)
    .attr('x2', lineX)
    .attr('y1', y)
    .attr('y2', endY)
    .attr('stroke', LADDER_COLOURS.timer)
    .attr('stroke-opacity', target.state === 'replaced' ? 0.35 : 0.75)
    .attr('stroke-width', 1.3)
    .attr('stroke-dasharray', target.state === 'after' ? '3,3' : '');
  if (target.state === 'replaced') {
    bar(g, lineX, endY, 3, LADDER_COLOURS.timer, 1.3);
    return;
  }
  if (target.state === 'reached' && target.row >= 0) {
    // The lane has its own mark for that moment (refresh due, expired): join the line to it.
    timerLine(g, lineX, x, endY, 0.75);
    return;
  }
  const after = target.state === 'after';
  if (target.kind === 'refresh')
    diamond(g, lineX, endY, 5, after ? '#ffffff' : LADDER_COLOURS.timer, LADDER_COLOURS.timer);
  else bar(g, lineX, endY, 7, LADDER_COLOURS.timer, 3);
  if (!after) timerLine(g, lineX, x, endY, 0.75);
  label(
    g,
    x + side * 12,
    endY + 4,
    after ? `${words} (after the call ended)` : words,
    after ? 10.5 : 11,
    after ? LADDER_COLOURS.muted : LADDER_COLOURS.timer,
    side > 0 ? 'start' : 'end',
  );
}

function timerLine(g: G, x1: number, x2: number, y: number, opacity: number): void {
  g.append('line')
    .attr('x1', x1)
    .attr('x2', x2)
    .attr('y1', y)
    .attr('y2', y)
    .attr('stroke', LADDER_COLOURS.timer)
    .attr('stroke-opacity', opacity);
}

/** Armed: a dot; refresh due: a diamond; expired: a red bar; switched off: a struck-out ring. */
function drawTimerMark(g: G, what: TimerEntry['note']['what'], at: TimerPlace): void {
  const { x, y } = at;
  if (what === 'timer-armed') {
    g.append('circle').attr('cx', x).attr('cy', y).attr('r', 4.5).attr('fill', LADDER_COLOURS.timer);
  } else if (what === 'refresh-due') {
    diamond(g, x, y, 6, LADDER_COLOURS.timer, LADDER_COLOURS.timer);
  } else if (what === 'expired') {
    bar(g, x, y, 9, LADDER_COLOURS.failure, 4);
  } else {
    g.append('circle')
      .attr('cx', x)
      .attr('cy', y)
      .attr('r', 4.5)
      .attr('fill', '#ffffff')
      .attr('stroke', LADDER_COLOURS.timer)
      .attr('stroke-width', 1.5);
    g.append('path')
      .attr('d', `M${x - 3},${y - 3}L${x + 3},${y + 3}`)
      .attr('stroke', LADDER_COLOURS.timer);
  }
}

/** The words beside the mark, under a hit area over both, for hovering. */
function drawTimerWords(
  g: G,
  at: TimerPlace,
  words: string,
  what: TimerEntry['note']['what'],
  rowHeight: number,
): void {
  const { x, y, side } = at;
  const reach = 18 + words.length * 6.3;
  g.insert('rect', ':first-child')
    .attr('x', side > 0 ? x - 8 : x - reach)
    .attr('y', y - rowHeight / 2 + 2)
    .attr('width', reach + 8)
    .attr('height', rowHeight - 4)
    .attr('fill', 'transparent');
  label(
    g,
    x + side * 12,
    y + 4,
    words,
    11,
    what === 'expired' ? LADDER_COLOURS.failure : LADDER_COLOURS.timer,
    side > 0 ? 'start' : 'end',
  ).attr('font-weight', what === 'expired' || what === 'refresh-due' ? 600 : 400);
}

/** What became of a target, for the arming's tooltip. */
function targetFate(target: Target, acts: boolean, rows: readonly Row[]): string {
  const moment = `${target.kind === 'refresh' ? 'the refresh moment' : 'the deadline'} ${ladderSeconds(target.t)} s`;
  if (target.state === 'replaced') {
    const cut = rows[target.row]!;
    const off = cut.kind === 'timer' && cut.note.what === 'timer-off';
    return `${moment} never came: the timer was ${off ? 'switched off' : 'restarted'} at ${ladderSeconds(cut.t)} s`;
  }
  if (target.state === 'after') return `${moment} is after the call ended`;
  if (target.kind === 'refresh') return `the refresh fell due at ${ladderSeconds(target.t)} s`;
  return acts
    ? `no refresh came: gave up at ${ladderSeconds(target.t)} s`
    : `no refresh came by ${ladderSeconds(target.t)} s`;
}

function timerDetails(sample: TracedCall, e: TimerEntry, fates: readonly string[]): string {
  const lines = [`${ladderSeconds(e.t)} s  ${partyTitle(e.party)}`, timerText(sample.call.h323, e.party, e.note)];
  const n = e.note;
  if (n.what === 'timer-armed') {
    lines.push(
      `Session-Expires ${n.sessionExpires} s; ${n.refresherLocal ? 'this side is the refresher' : 'the other side is the refresher'}`,
    );
    lines.push(...fates);
  }
  return lines.join('\n');
}
